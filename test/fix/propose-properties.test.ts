// Property tests over generated pod specs: every proposal verifies, is deterministic and
// idempotent, and leaves unrelated fields (images, commands, ports, env, other volumes) alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import jsonpatch from 'fast-json-patch';
import { patchedObject } from '../../src/fix/patches.js';
import { proposeFix } from '../../src/fix/propose.js';
import { applyStrategicMerge } from '../../src/fix/strategic-merge.js';
import type { Workload } from '../../src/inventory/types.js';
import { deployment, loadCatalogue, workloadsFromText } from './helpers.js';

const catalogue = loadCatalogue();
type Gen<A> = A extends fc.Arbitrary<infer T> ? T : never;
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const IMAGES = [
  'nginx:1.27',
  'redis:7',
  'example.com/team/app:1.2',
  'bitnami/postgresql:16',
  'python:3.12',
  'gcr.io/distroless/static:nonroot',
  'busybox',
];

const tameSecurityContext = fc.record(
  {
    runAsNonRoot: fc.constantFrom(true, undefined),
    runAsUser: fc.constantFrom(1000, undefined),
    allowPrivilegeEscalation: fc.constantFrom(false, undefined),
    capabilities: fc.constantFrom({ drop: ['ALL'] }, undefined),
    seccompProfile: fc.constantFrom({ type: 'RuntimeDefault' }, undefined),
  },
  { requiredKeys: [] },
);

const wildSecurityContext = fc.record(
  {
    privileged: opt(fc.boolean()),
    runAsUser: opt(fc.constantFrom(0, 1000, 101)),
    runAsNonRoot: opt(fc.boolean()),
    allowPrivilegeEscalation: opt(fc.boolean()),
    readOnlyRootFilesystem: opt(fc.boolean()),
    procMount: opt(fc.constantFrom('Default', 'Unmasked')),
    capabilities: opt(
      fc.record(
        {
          add: opt(fc.subarray(['NET_BIND_SERVICE', 'NET_ADMIN', 'CHOWN', 'SYS_TIME'])),
          drop: opt(fc.subarray(['ALL', 'MKNOD'])),
        },
        { requiredKeys: [] },
      ),
    ),
    seccompProfile: opt(
      fc.constantFrom(
        { type: 'RuntimeDefault' },
        { type: 'Unconfined' },
        { type: 'Localhost', localhostProfile: 'p.json' },
      ),
    ),
    seLinuxOptions: opt(fc.constantFrom({ type: 'spc_t' }, { level: 's0:c1' }, { user: 'u', role: 'r' })),
  },
  { requiredKeys: [] },
);

const securityContext = fc.oneof(wildSecurityContext, tameSecurityContext, tameSecurityContext);

const container = fc.record({
  image: fc.constantFrom(...IMAGES),
  command: opt(fc.constant(['run', '--flag'])),
  env: opt(fc.constant([{ name: 'A', value: '1' }])),
  ports: opt(
    fc.subarray(
      [{ containerPort: 80 }, { containerPort: 8080, hostPort: 8080 }, { containerPort: 53, protocol: 'UDP' }],
      { minLength: 1 },
    ),
  ),
  mounts: fc.subarray(['data', 'scratch', 'host', 'proc']),
  securityContext: opt(securityContext),
});

const wildPod = fc.record({
  kind: fc.constantFrom('Deployment', 'DaemonSet', 'Pod'),
  containers: fc.array(container, { minLength: 1, maxLength: 3 }),
  init: fc.array(container, { maxLength: 1 }),
  hostNetwork: opt(fc.boolean()),
  hostPID: opt(fc.boolean()),
  podSc: opt(
    fc.record(
      {
        runAsUser: opt(fc.constantFrom(0, 2000)),
        runAsNonRoot: opt(fc.boolean()),
        seccompProfile: opt(fc.constantFrom({ type: 'RuntimeDefault' }, { type: 'Unconfined' })),
        sysctls: opt(
          fc.subarray(
            [
              { name: 'kernel.msgmax', value: '1' },
              { name: 'net.ipv4.tcp_syncookies', value: '1' },
            ],
            { minLength: 1 },
          ),
        ),
        fsGroup: opt(fc.constant(3000)),
      },
      { requiredKeys: [] },
    ),
  ),
  apparmor: fc.boolean(),
});

const RESTRICTED_SC = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
const tamePod = wildPod.map((p) => ({
  ...p,
  hostNetwork: undefined,
  hostPID: undefined,
  podSc: undefined,
  apparmor: false,
  init: [],
  containers: p.containers.map((c) => ({
    ...c,
    mounts: c.mounts.filter((m) => m === 'data' || m === 'scratch'),
    ports: undefined,
  })),
}));

/** Wild pods, pods close to restricted (known images, no host features), and compliant ones. */
const pod = fc.oneof(
  wildPod,
  tamePod,
  tamePod.map((p) => ({ ...p, containers: p.containers.map((c) => ({ ...c, securityContext: RESTRICTED_SC })) })),
);

const VOLUMES: Record<string, Record<string, unknown>> = {
  data: { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
  scratch: { name: 'scratch', emptyDir: {} },
  host: { name: 'host', hostPath: { path: '/srv/host' } },
  proc: { name: 'proc', hostPath: { path: '/proc' } },
};

function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

function build(p: Gen<typeof pod>): Workload {
  const used = new Set<string>();
  const mk = (
    c: {
      image: string;
      command?: unknown;
      env?: unknown;
      ports?: unknown;
      mounts: string[];
      securityContext?: unknown;
    },
    name: string,
  ) => {
    c.mounts.forEach((m) => used.add(m));
    return clean({
      name,
      image: c.image,
      command: c.command,
      env: c.env,
      ports: c.ports,
      securityContext: c.securityContext,
      volumeMounts: c.mounts.length ? c.mounts.map((m) => ({ name: m, mountPath: `/mnt/${m}` })) : undefined,
    });
  };
  const spec = clean({
    hostNetwork: p.hostNetwork,
    hostPID: p.hostPID,
    securityContext: p.podSc,
    initContainers: p.init.length ? p.init.map((c, i) => mk(c, `init${i}`)) : undefined,
    containers: p.containers.map((c, i) => mk(c, `c${i}`)),
  }) as Record<string, unknown>;
  if (used.size) spec['volumes'] = [...used].sort().map((v) => VOLUMES[v]);
  const annotations = p.apparmor ? { 'container.apparmor.security.beta.kubernetes.io/c0': 'unconfined' } : undefined;
  if (p.kind === 'Deployment') return deployment('gen', spec, annotations);
  const object =
    p.kind === 'Pod'
      ? {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'gen', namespace: 'shop', ...(annotations ? { annotations } : {}) },
          spec,
        }
      : {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name: 'gen', namespace: 'shop' },
          spec: { selector: {}, template: { metadata: annotations ? { annotations } : {}, spec } },
        };
  return workloadsFromText(JSON.stringify(object))[0]!;
}

type C = Record<string, unknown> & { name: string };
const containersOf = (spec: Record<string, unknown>): C[] => [
  ...((spec['initContainers'] as C[]) ?? []),
  ...((spec['containers'] as C[]) ?? []),
];

const settings = { numRuns: 300, seed: 42 };

describe('proposeFix properties', () => {
  it('generates every status (the properties are not vacuous)', () => {
    const seen = new Set(
      fc
        .sample(pod, { numRuns: 300, seed: 7 })
        .map((p) => proposeFix(build(p), { target: 'restricted', version: 'latest', catalogue }).status),
    );
    expect([...seen].sort()).toEqual(['blocked', 'compliant', 'fixed', 'review']);
  });

  for (const target of ['baseline', 'restricted'] as const) {
    for (const harden of [false, true]) {
      it(`is verified, deterministic and idempotent (${target}, harden=${harden})`, () => {
        fc.assert(
          fc.property(pod, fc.constantFrom('latest', 'v1.24', 'v1.30'), (p, version) => {
            const w = build(p);
            const a = proposeFix(w, { target, version, catalogue, harden });
            const b = proposeFix(w, { target, version, catalogue, harden });
            expect(JSON.stringify(a)).toBe(JSON.stringify(b));
            if (a.status === 'blocked') {
              expect(a.patchedTemplate).toEqual(w.template);
              return;
            }
            const again = proposeFix(
              { ...w, template: a.patchedTemplate, object: w.object },
              { target, version, catalogue, harden },
            );
            expect(again.status).toBe('compliant');
            expect(again.changes).toEqual([]);
          }),
          settings,
        );
      });
    }
  }

  it('lists changes that, applied in order, give the patched template; SMP and JSON patch agree', () => {
    fc.assert(
      fc.property(pod, fc.boolean(), (p, harden) => {
        const w = build(p);
        const r = proposeFix(w, { target: 'restricted', version: 'latest', catalogue, harden });
        const ops = r.changes.map(({ op, path, value }) =>
          op === 'remove' ? { op, path } : { op, path, value },
        ) as jsonpatch.Operation[];
        expect(jsonpatch.applyPatch(structuredClone(w.template), ops, true, false).newDocument).toEqual(
          r.patchedTemplate,
        );
        const expected = patchedObject(w, r.patchedTemplate);
        expect(
          jsonpatch.applyPatch(structuredClone(w.object), r.jsonPatch as jsonpatch.Operation[], true, false)
            .newDocument,
        ).toEqual(expected);
        expect(r.strategicPatch === null ? w.object : applyStrategicMerge(w.object, r.strategicPatch)).toEqual(
          expected,
        );
      }),
      settings,
    );
  });

  it('changes no unrelated field', () => {
    fc.assert(
      fc.property(pod, (p) => {
        const w = build(p);
        const r = proposeFix(w, { target: 'restricted', version: 'latest', catalogue, harden: true });
        const before = containersOf(w.template.spec);
        const after = containersOf(r.patchedTemplate.spec);
        expect(after.map((c) => c.name)).toEqual(before.map((c) => c.name));
        before.forEach((c, i) => {
          const n = after[i]!;
          for (const f of ['image', 'command', 'args', 'env']) expect(n[f]).toEqual(c[f]);
          const ports = (x: C) =>
            ((x['ports'] as Record<string, unknown>[] | undefined) ?? []).map(({ hostPort: _, ...rest }) => rest);
          expect(ports(n)).toEqual(ports(c));
          const mounts = (n['volumeMounts'] as { name: string }[] | undefined) ?? [];
          expect(mounts.slice(0, ((c['volumeMounts'] as unknown[]) ?? []).length)).toEqual(c['volumeMounts'] ?? []);
          expect(
            mounts.slice(((c['volumeMounts'] as unknown[]) ?? []).length).every((m) => m.name.startsWith('podsec-')),
          ).toBe(true);
        });
        const vb = (w.template.spec['volumes'] as { name: string; hostPath?: unknown }[] | undefined) ?? [];
        const va = (r.patchedTemplate.spec['volumes'] as { name: string; emptyDir?: unknown }[] | undefined) ?? [];
        vb.forEach((v, i) => {
          if (v.hostPath !== undefined && r.status !== 'blocked' && JSON.stringify(va[i]) !== JSON.stringify(v))
            expect(va[i]).toEqual({ name: v.name, emptyDir: {} });
          else expect(va[i]).toEqual(v);
        });
        expect(
          va.slice(vb.length).every((v) => v.name.startsWith('podsec-') && JSON.stringify(v.emptyDir) === '{}'),
        ).toBe(true);
      }),
      settings,
    );
  });
});
