// Table tests for what the upstream fixtures do not cover (CHECKS.md section 8). Expected
// strings are written from the CHECKS.md templates, not copied from output.
import { describe, expect, it } from 'vitest';
import { evaluatePod, strictestLevel, type Level } from '../../../src/policy/index.js';
import { pod, restrictedContainer } from '../pod.js';

type Json = Record<string, unknown>;
const containers = (s: Json) => s['containers'] as Json[];
const sc = (c: Json) => c['securityContext'] as Json;

interface Case {
  name: string;
  level: Level;
  version?: string;
  pod: ReturnType<typeof pod>;
  message: string;
}

const cases: Case[] = [
  {
    name: 'ephemeral containers are visited after init and regular containers',
    level: 'baseline',
    pod: pod((s) => {
      s['ephemeralContainers'] = [{ name: 'debug', image: 'busybox', securityContext: { privileged: true } }];
      sc(containers(s)[0]!)['privileged'] = true;
    }),
    message: 'privileged (containers "app", "debug" must not set securityContext.privileged=true)',
  },
  {
    name: 'an ephemeral container without securityContext fails restricted checks',
    level: 'restricted',
    pod: pod((s) => {
      s['ephemeralContainers'] = [{ name: 'debug', image: 'busybox' }];
    }),
    message:
      'allowPrivilegeEscalation != false (container "debug" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "debug" must set securityContext.capabilities.drop=["ALL"])',
  },
  {
    name: 'AppArmor pod and container fields share one deduplicated value',
    level: 'baseline',
    pod: pod((s) => {
      (s['securityContext'] as Json)['appArmorProfile'] = { type: 'Unconfined' };
      sc(containers(s)[0]!)['appArmorProfile'] = { type: 'Unconfined' };
    }),
    message: 'forbidden AppArmor profile (pod and container "app" must not set AppArmor profile type to "Unconfined")',
  },
  {
    name: 'AppArmor fields and annotations: values sorted, annotations doubly quoted with Go %q',
    level: 'baseline',
    pod: pod((s, m) => {
      sc(containers(s)[0]!)['appArmorProfile'] = { type: 'Unconfined' };
      m.annotations['container.apparmor.security.beta.kubernetes.io/app'] = 'unconfined';
      m.annotations['container.apparmor.security.beta.kubernetes.io/init'] = 'localhost/ok';
    }),
    message:
      'forbidden AppArmor profiles (container "app" and annotation must not set AppArmor profile type to ' +
      '"Unconfined", "container.apparmor.security.beta.kubernetes.io/app="unconfined"")',
  },
  {
    name: 'AppArmor profile object without a type is forbidden (empty type)',
    level: 'baseline',
    pod: pod((s) => {
      sc(containers(s)[0]!)['appArmorProfile'] = {};
    }),
    message: 'forbidden AppArmor profile (container "app" must not set AppArmor profile type to "")',
  },
  {
    name: 'Go %q quoting of control characters and non-printable unicode in annotation values',
    level: 'baseline',
    version: 'v1.18',
    pod: pod((_s, m) => {
      m.annotations['seccomp.security.alpha.kubernetes.io/pod'] = 'a\u0007b\u0001\u007f\u00a0\u2028"\\é';
    }),
    message:
      'seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod="a\\ab\\x01\\x7f\\u00a0\\u2028\\"\\\\é")',
  },
  {
    name: 'container_engine_t is allowed from v1.31',
    level: 'baseline',
    version: 'v1.31',
    pod: pod((s) => {
      sc(containers(s)[0]!)['seLinuxOptions'] = { type: 'container_engine_t' };
    }),
    message: '',
  },
  {
    name: 'container_engine_t is forbidden before v1.31',
    level: 'baseline',
    version: 'v1.30',
    pod: pod((s) => {
      sc(containers(s)[0]!)['seLinuxOptions'] = { type: 'container_engine_t' };
    }),
    message: 'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "container_engine_t")',
  },
  {
    name: 'seLinuxOptions data parts: types, user, role',
    level: 'baseline',
    pod: pod((s) => {
      (s['securityContext'] as Json)['seLinuxOptions'] = { type: 'foo', user: 'u' };
      sc(containers(s)[0]!)['seLinuxOptions'] = { type: 'bar', role: 'r' };
    }),
    message:
      'seLinuxOptions (pod and container "app" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set)',
  },
  {
    name: 'image, csi and ephemeral volumes are allowed at restricted',
    level: 'restricted',
    pod: pod((s) => {
      s['volumes'] = [
        { name: 'img', image: { reference: 'example/data:1' } },
        { name: 'csi', csi: { driver: 'x' } },
        { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: 'nosource' },
      ];
    }),
    message: '',
  },
  {
    name: 'restricted volume types keep spec order for names and sort types',
    level: 'restricted',
    pod: pod((s) => {
      s['volumes'] = [
        { name: 'z', nfs: { server: 'a', path: '/' } },
        { name: 'a', hostPath: { path: '/' } },
        { name: 'ok', emptyDir: {} },
      ];
    }),
    message: 'restricted volume types (volumes "z", "a" use restricted volume types "hostPath", "nfs")',
  },
  {
    name: 'hostUsers: false relaxes runAsNonRoot and runAsUser from v1.35',
    level: 'restricted',
    version: 'v1.35',
    pod: pod((s) => {
      s['hostUsers'] = false;
      delete (s['securityContext'] as Json)['runAsNonRoot'];
      sc(containers(s)[0]!)['runAsUser'] = 0;
    }),
    message: '',
  },
  {
    name: 'hostUsers: false does not relax runAsNonRoot before v1.35',
    level: 'restricted',
    version: 'v1.34',
    pod: pod((s) => {
      s['hostUsers'] = false;
      delete (s['securityContext'] as Json)['runAsNonRoot'];
      sc(containers(s)[0]!)['runAsUser'] = 0;
    }),
    message:
      'runAsNonRoot != true (pod or containers "init", "app" must set securityContext.runAsNonRoot=true), ' +
      'runAsUser=0 (container "app" must not set runAsUser=0)',
  },
  {
    name: 'procMount_restricted keeps restricted strict for hostUsers: false',
    level: 'restricted',
    version: 'v1.35',
    pod: pod((s) => {
      s['hostUsers'] = false;
      sc(containers(s)[0]!)['procMount'] = 'Unmasked';
    }),
    message: 'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
  },
  {
    name: 'Windows pods skip capabilities, seccomp and allowPrivilegeEscalation at restricted from v1.25',
    level: 'restricted',
    version: 'v1.25',
    pod: pod((s) => {
      s['os'] = { name: 'windows' };
      s['securityContext'] = { runAsNonRoot: true };
      s['initContainers'] = [];
      s['containers'] = [
        {
          name: 'win',
          image: 'mcr.microsoft.com/windows/nanoserver',
          securityContext: { capabilities: { add: ['SYS_ADMIN'] } },
        },
      ];
    }),
    message: '',
  },
  {
    name: 'Windows pods are checked before v1.25',
    level: 'restricted',
    version: 'v1.24',
    pod: pod((s) => {
      s['os'] = { name: 'windows' };
      s['securityContext'] = { runAsNonRoot: true };
      s['initContainers'] = [];
      s['containers'] = [{ name: 'win', image: 'x' }];
    }),
    message:
      'allowPrivilegeEscalation != false (container "win" must set securityContext.allowPrivilegeEscalation=false), ' +
      'unrestricted capabilities (container "win" must set securityContext.capabilities.drop=["ALL"]), ' +
      'seccompProfile (pod or container "win" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  },
  {
    name: 'hostPorts are listed as sorted decimal strings, unquoted',
    level: 'baseline',
    pod: pod((s) => {
      containers(s).push(
        restrictedContainer('b', {
          ports: [
            { containerPort: 9, hostPort: 9 },
            { containerPort: 10000, hostPort: 10000 },
          ],
        }),
      );
      containers(s)[0]!['ports'] = [{ containerPort: 80, hostPort: 80 }];
    }),
    message: 'hostPort (containers "app", "b" use hostPorts 10000, 80, 9)',
  },
  {
    name: 'Pods with hostNetwork get hostPort defaulted from containerPort',
    level: 'baseline',
    pod: pod((s) => {
      s['hostNetwork'] = true;
      containers(s)[0]!['ports'] = [{ containerPort: 8080 }];
    }),
    message: 'host namespaces (hostNetwork=true), hostPort (container "app" uses hostPort 8080)',
  },
  {
    name: 'sysctls: names in spec order, duplicates kept, plural reason',
    level: 'baseline',
    version: 'v1.28',
    pod: pod((s) => {
      (s['securityContext'] as Json)['sysctls'] = [
        { name: 'net.ipv4.tcp_keepalive_time', value: '1' },
        { name: 'kernel.msgmax', value: '1' },
        { name: 'net.ipv4.tcp_keepalive_time', value: '2' },
      ];
    }),
    message: 'forbidden sysctls (net.ipv4.tcp_keepalive_time, kernel.msgmax, net.ipv4.tcp_keepalive_time)',
  },
  {
    name: 'sysctls allowed from v1.37',
    level: 'baseline',
    version: 'v1.37',
    pod: pod((s) => {
      (s['securityContext'] as Json)['sysctls'] = [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }];
    }),
    message: '',
  },
  {
    name: 'probe hosts: containers and hosts sorted and deduplicated',
    level: 'baseline',
    version: 'v1.34',
    pod: pod((s) => {
      containers(s)[0]!['livenessProbe'] = { httpGet: { host: 'localhost', port: 80 } };
      containers(s)[0]!['lifecycle'] = { preStop: { tcpSocket: { host: '::1', port: 1 } } };
      (s['initContainers'] as Json[])[0]!['startupProbe'] = { tcpSocket: { host: 'localhost', port: 1 } };
    }),
    message: 'probe or lifecycle host (containers "app", "init" use probe or lifecycle hosts "::1", "localhost")',
  },
  {
    name: 'results follow upstream order: baseline IDs sorted, then restricted IDs sorted',
    level: 'restricted',
    pod: pod((s) => {
      s['hostPID'] = true;
      (s['securityContext'] as Json)['runAsNonRoot'] = false;
      sc(containers(s)[0]!)['seLinuxOptions'] = { type: 'spc_t' };
      sc(containers(s)[0]!)['privileged'] = true;
    }),
    message:
      'host namespaces (hostPID=true), privileged (container "app" must not set securityContext.privileged=true), ' +
      'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "spc_t"), ' +
      'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)',
  },
  {
    name: 'odd container names are quoted without escaping (upstream joinQuote)',
    level: 'baseline',
    pod: pod((s) => {
      containers(s)[0]!['name'] = 'a"b';
      sc(containers(s)[0]!)['privileged'] = true;
    }),
    message: 'privileged (container "a"b" must not set securityContext.privileged=true)',
  },
];

describe('checks beyond the upstream fixtures', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = evaluatePod(c.pod, c.level, c.version ?? 'latest', { isPod: true });
      expect(result.message).toBe(c.message);
      expect(result.allowed).toBe(c.message === '');
    });
  }

  it('does not mutate its input when defaulting', () => {
    const p = pod((s) => {
      s['hostNetwork'] = true;
      containers(s)[0]!['ports'] = [{ containerPort: 8080 }];
    });
    const before = JSON.stringify(p);
    evaluatePod(p, 'baseline', 'latest', { isPod: true });
    expect(JSON.stringify(p)).toBe(before);
  });

  it('does not default hostPorts for pod templates (controllers)', () => {
    const p = pod((s) => {
      s['hostNetwork'] = true;
      containers(s)[0]!['ports'] = [{ containerPort: 8080 }];
    });
    expect(evaluatePod(p, 'baseline', 'latest').message).toBe('host namespaces (hostNetwork=true)');
  });

  it('never throws on malformed specs', () => {
    for (const spec of [
      null,
      'x',
      3,
      { containers: 'x' },
      { containers: [1, null, 'a'] },
      { volumes: {} },
      { securityContext: [] },
    ]) {
      expect(() => evaluatePod({ spec }, 'restricted', 'latest')).not.toThrow();
    }
  });

  it('evaluates latest and too-new versions with the newest rules, keeping the label text', () => {
    const p = pod((s) => {
      sc(containers(s)[0]!)['runAsUser'] = 0;
    });
    expect(evaluatePod(p, 'restricted', 'v1.99').version).toBe('v1.99');
    expect(evaluatePod(p, 'restricted', 'v1.99').allowed).toBe(false);
    expect(evaluatePod(p, 'restricted', 'v1.22').allowed).toBe(true);
    expect(evaluatePod(p, 'restricted', 'latest', { newestMinor: 22 }).allowed).toBe(true);
  });

  it('reports the strictest level a pod passes', () => {
    expect(strictestLevel(pod(), 'latest')).toBe('restricted');
    expect(
      strictestLevel(
        pod((s) => delete (s['securityContext'] as Json)['runAsNonRoot']),
        'latest',
      ),
    ).toBe('baseline');
    expect(
      strictestLevel(
        pod((s) => (s['hostIPC'] = true)),
        'latest',
      ),
    ).toBe('privileged');
  });
});
