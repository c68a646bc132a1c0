// Every proposal over the corpora verifies: the upstream PSA fixtures (each level/version folder
// at its own level and version) and the real-world manifests at several versions. A `fixed` or
// `review` proposal that does not pass would throw InternalError inside proposeFix.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { proposeFix } from '../../src/fix/propose.js';
import { evaluatePod, type Level } from '../../src/policy/index.js';
import { loadCatalogue, REALWORLD, workloadsFromFile, workloadsFromText } from './helpers.js';
import { psaFixturesDir } from '../helpers/corpora.js';

const FIXTURES = psaFixturesDir();
const catalogue = loadCatalogue();

describe('proposals over the upstream PSA fixtures', () => {
  for (const level of ['baseline', 'restricted'] as const) {
    it(`every ${level} fixture gets a verified proposal at its own version`, () => {
      const counts: Record<string, number> = {};
      for (const version of readdirSync(join(FIXTURES, level))) {
        for (const outcome of ['pass', 'fail']) {
          const dir = join(FIXTURES, level, version, outcome);
          for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
            const [w] = workloadsFromText(readFileSync(join(dir, f), 'utf8'), f);
            const p = proposeFix(w!, { target: level, version, catalogue, harden: true });
            counts[p.status] = (counts[p.status] ?? 0) + 1;
            if (outcome === 'pass') expect(p.status, `${version}/${f}`).toBe('compliant');
            else expect(p.status, `${version}/${f}`).not.toBe('compliant');
            if (p.status === 'fixed' || p.status === 'review') {
              expect(evaluatePod(p.patchedTemplate, level, version, { isPod: true }).allowed).toBe(true);
            }
            if (p.status === 'blocked') expect(p.blockers.length).toBeGreaterThan(0);
          }
        }
      }
      expect(counts['fixed'] ?? 0).toBeGreaterThan(40);
      expect(counts['review'] ?? 0).toBeGreaterThan(100);
    }, 120_000);
  }
});

describe('proposals over the real-world manifests', () => {
  const workloads = readdirSync(REALWORLD)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => workloadsFromFile(join(REALWORLD, f)));

  it('gives every workload a proposal at every target and version, verified', () => {
    expect(workloads.length).toBeGreaterThan(25);
    for (const target of ['baseline', 'restricted'] as Level[]) {
      for (const version of ['v1.0', 'v1.22', 'v1.25', 'v1.30', 'v1.35', 'latest']) {
        for (const harden of [false, true]) {
          for (const w of workloads) {
            const p = proposeFix(w, { target, version, catalogue, harden });
            expect(['compliant', 'fixed', 'review', 'blocked']).toContain(p.status);
          }
        }
      }
    }
  });

  const find = (kind: string, name: string, file: string) =>
    workloads.find((w) => w.kind === kind && w.name === name && 'file' in w.source && w.source.file.endsWith(file))!;
  const restricted = (kind: string, name: string, file: string) =>
    proposeFix(find(kind, name, file), { target: 'restricted', version: 'latest', catalogue });

  it('blocks privileged node agents with the reason', () => {
    const calico = restricted('DaemonSet', 'calico-node', 'calico__calico-etcd.yaml');
    expect(calico.status).toBe('blocked');
    expect(calico.blockers).toEqual(expect.arrayContaining(['hostNamespaces', 'privileged', 'restrictedVolumes']));
    expect(calico.blockedReason).toMatch(/node agent: a DaemonSet using hostNetwork/);
    expect(calico.changes).toEqual([]);
    expect(calico.strategicPatch).toBeNull();
    const newrelic = restricted('DaemonSet', 'newrelic-infra-agent', 'newrelic-infra-daemonset.yaml');
    expect(newrelic.status).toBe('blocked');
    expect(newrelic.blockedReason).toMatch(/hostPID/);
    expect(restricted('DaemonSet', 'kube-proxy-windows', 'kube-proxy-hostprocess.yaml').blockers).toContain(
      'windowsHostProcess',
    );
    expect(restricted('Pod', 'iscsipd', 'iscsi-pod.yaml').blockedReason).toMatch(/inline iscsi volume/);
    expect(restricted('ReplicationController', 'es', 'elasticsearch-rc.yaml').blockedReason).toMatch(
      /init-sysctl" changes the node/,
    );
  });

  it('fixes the guestbook frontend (known image: UID 33, port 80 via the sysctl)', () => {
    const p = restricted('Deployment', 'frontend', 'guestbook-all-in-one.yaml');
    expect(p.status).toBe('fixed');
    expect(p.questions).toEqual([]);
    const spec = p.patchedTemplate.spec as {
      securityContext: Record<string, unknown>;
      containers: { securityContext: Record<string, unknown> }[];
    };
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }],
    });
    expect(spec.containers[0]!.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsUser: 33,
      runAsGroup: 33,
    });
    const uid = p.changes.find((c) => c.path === '/spec/containers/0/securityContext/runAsUser');
    expect(uid?.source).toEqual({ kind: 'catalogue', image: 'gb-frontend' });
  });

  it('asks for the UID of an unknown image instead of guessing (review)', () => {
    const p = restricted('Deployment', 'redis-master', 'guestbook-all-in-one.yaml');
    expect(p.status).toBe('review');
    expect(p.questions).toEqual([
      expect.objectContaining({ kind: 'uid', key: 'default/Deployment/redis-master/master' }),
    ]);
    expect(JSON.stringify(p.patchedTemplate)).not.toContain('runAsUser');
  });

  it('leaves compliant workloads untouched', () => {
    const p = restricted('Deployment', 'metrics-server', 'metrics-server__base-deployment.yaml');
    expect(p).toMatchObject({ status: 'compliant', changes: [], strategicPatch: null, jsonPatch: [] });
  });

  it('turns hostPorts of a non-agent Deployment into a review change', () => {
    const p = restricted('Deployment', 'ingress-nginx-controller', 'kind-deploy.yaml');
    expect(p.status).toBe('review');
    expect(p.changes.map((c) => [c.check, c.op, c.path, c.behavioural])).toEqual([
      ['hostPorts', 'remove', '/spec/containers/0/ports/0/hostPort', true],
      ['hostPorts', 'remove', '/spec/containers/0/ports/1/hostPort', true],
    ]);
  });

  it('marks replacing an explicit Unconfined seccomp/AppArmor profile for review', () => {
    const p = restricted('Job', 'buildkit', 'job-rootless.yaml');
    expect(p.status).toBe('review');
    expect(p.changes.filter((c) => c.behavioural).map((c) => c.check)).toEqual(
      expect.arrayContaining(['seccompProfile_restricted', 'appArmorProfile']),
    );
  });
});
