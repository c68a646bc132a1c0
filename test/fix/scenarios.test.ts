// Proposal behaviour on small, hand-built workloads: identity sources in order, the non-root
// consequences (sysctl, root-owned paths, fsGroup, ownership init), evidence, hardening, targets.
import { describe, expect, it } from 'vitest';
import { answersSchema } from '../../src/fix/answers.js';
import { analyzeLogs, type Evidence } from '../../src/fix/evidence.js';
import { proposeFix } from '../../src/fix/propose.js';
import { evaluatePod } from '../../src/policy/index.js';
import { deployment, loadCatalogue } from './helpers.js';

const catalogue = loadCatalogue();
const restricted = { target: 'restricted' as const, version: 'latest', catalogue };
type Spec = {
  securityContext?: Record<string, unknown>;
  containers: Record<string, unknown>[];
  volumes?: Record<string, unknown>[];
};
const specOf = (p: { patchedTemplate: { spec: unknown } }) => p.patchedTemplate.spec as Spec;

describe('proposeFix scenarios', () => {
  it('moves official nginx to UID 101 with emptyDirs for its root-owned paths and the low-port sysctl', () => {
    const p = proposeFix(
      deployment('web', { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] }),
      restricted,
    );
    expect(p.status).toBe('fixed');
    const spec = specOf(p);
    expect(spec.containers[0]!['securityContext']).toMatchObject({ runAsUser: 101, runAsGroup: 101 });
    expect(spec.containers[0]!['volumeMounts']).toEqual([
      { name: 'podsec-var-cache-nginx', mountPath: '/var/cache/nginx' },
      { name: 'podsec-var-run', mountPath: '/var/run' },
    ]);
    expect(spec.securityContext!['sysctls']).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    expect(p.changes.every((c) => c.rationale.length > 10 && c.purpose === 'required')).toBe(true);
  });

  it('needs no UID or sysctl for nginx-unprivileged (image already runs as 101 on 8080)', () => {
    const p = proposeFix(
      deployment('web', {
        containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27', ports: [{ containerPort: 8080 }] }],
      }),
      restricted,
    );
    expect(p.status).toBe('fixed');
    expect(JSON.stringify(p.patchedTemplate)).not.toMatch(/runAsUser|sysctls|volumeMounts/);
  });

  it('sets the numeric UID for an image whose USER is a name (kubelet cannot verify names)', () => {
    const p = proposeFix(
      deployment('exp', {
        containers: [{ name: 'exp', image: 'prom/node-exporter:v1.8.2', ports: [{ containerPort: 9100 }] }],
      }),
      restricted,
    );
    expect(p.status).toBe('fixed');
    expect(specOf(p).containers[0]!['securityContext']).toMatchObject({ runAsUser: 65534, runAsGroup: 65534 });
    expect(JSON.stringify(p.patchedTemplate)).not.toMatch(/sysctls|volumeMounts/);
  });

  it('keeps a UID the workload already sets', () => {
    const p = proposeFix(
      deployment('app', {
        securityContext: { runAsUser: 4242 },
        containers: [{ name: 'app', image: 'example.com/app:1' }],
      }),
      restricted,
    );
    expect(p.status).toBe('fixed');
    expect(p.questions).toEqual([]);
    expect(specOf(p).containers[0]!['securityContext']).not.toHaveProperty('runAsUser');
  });

  it('asks for an unknown image and uses the answer when given', () => {
    const w = deployment('app', { containers: [{ name: 'app', image: 'example.com/app:1' }] });
    const asked = proposeFix(w, restricted);
    expect(asked.status).toBe('review');
    expect(asked.questions).toEqual([expect.objectContaining({ key: 'shop/Deployment/app/app', kind: 'uid' })]);
    const answers = answersSchema.parse({ uids: { 'shop/Deployment/app': 1500 } });
    const answered = proposeFix(w, { ...restricted, answers });
    expect(answered.status).toBe('fixed');
    expect(answered.changes.find((c) => c.path.endsWith('/runAsUser'))).toMatchObject({
      value: 1500,
      source: { kind: 'answer', key: 'shop/Deployment/app' },
    });
  });

  it('offers the catalogue suggestion for python but still asks (never a silent guess)', () => {
    const p = proposeFix(deployment('vote', { containers: [{ name: 'vote', image: 'python:3.12' }] }), restricted);
    expect(p.status).toBe('review');
    expect(p.questions[0]).toMatchObject({ kind: 'uid', suggestion: 1000 });
  });

  it('uses the probed UID from evidence', () => {
    const evidence: Evidence = {
      containers: { app: { uid: 1234, gid: 1234, writablePaths: [], lowPorts: [], findings: [] } },
      notes: [],
    };
    const p = proposeFix(deployment('app', { containers: [{ name: 'app', image: 'example.com/app:1' }] }), {
      ...restricted,
      evidence,
    });
    expect(p.status).toBe('fixed');
    expect(p.changes.find((c) => c.path.endsWith('/runAsUser'))?.source).toEqual({
      kind: 'evidence',
      detail: 'id -u in container "app"',
    });
  });

  it('fixes the gunicorn CrashLoopBackOff from its log: emptyDirs at /tmp and /var/tmp', () => {
    const logs =
      "FileNotFoundError: [Errno 2] No usable temporary directory found in ['/tmp', '/var/tmp', '/usr/tmp', '/app']";
    const evidence: Evidence = { containers: { vote: analyzeLogs(logs) }, notes: [] };
    const w = deployment('vote', {
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'vote',
          image: 'example.com/vote:1',
          securityContext: {
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
    });
    const p = proposeFix(w, { ...restricted, evidence });
    expect(p.status).toBe('compliant');
    expect(p.changes.map((c) => [c.check, c.path])).toEqual([
      ['writable', '/spec/volumes'],
      ['writable', '/spec/containers/0/volumeMounts'],
      ['writable', '/spec/volumes/-'],
      ['writable', '/spec/containers/0/volumeMounts/-'],
    ]);
    expect(specOf(p).containers[0]!['volumeMounts']).toEqual([
      { name: 'podsec-tmp', mountPath: '/tmp' },
      { name: 'podsec-var-tmp', mountPath: '/var/tmp' },
    ]);
    expect(p.strategicPatch).not.toBeNull();
  });

  it('plans volume ownership with fsGroup for a PVC, and an init container for inline CSI', () => {
    const w = deployment('db', {
      containers: [
        {
          name: 'db',
          image: 'postgres:17',
          volumeMounts: [
            { name: 'data', mountPath: '/var/lib/postgresql/data' },
            { name: 'blob', mountPath: '/blob' },
          ],
        },
      ],
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'db' } },
        { name: 'blob', csi: { driver: 'blob.csi.example.com' } },
      ],
    });
    const p = proposeFix(w, restricted);
    expect(specOf(p).securityContext).toMatchObject({ fsGroup: 999, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(p.ownershipInit).toMatchObject({ container: 'podsec-chown', paths: ['/blob'], uid: 999, gid: 999 });
    const init = p.ownershipInit!.initContainer!;
    expect(init['command']).toEqual(['sh', '-c', "chown -R 999:999 '/blob'"]);
    // Allowed under baseline (the plan's fix phase), not under restricted (removed before enforcing).
    const withInit = { ...p.patchedTemplate, spec: { ...p.patchedTemplate.spec, initContainers: [init] } };
    expect(evaluatePod(withInit, 'baseline', 'latest').allowed).toBe(true);
    expect(evaluatePod(withInit, 'restricted', 'latest').allowed).toBe(false);
  });

  it('fixes only what the baseline target needs', () => {
    const w = deployment('app', {
      containers: [{ name: 'app', image: 'nginx', securityContext: { privileged: true } }],
    });
    const p = proposeFix(w, { ...restricted, target: 'baseline' });
    expect(p.status).toBe('review');
    expect(p.changes.map((c) => [c.check, c.op, c.path])).toEqual([
      ['privileged', 'remove', '/spec/containers/0/securityContext/privileged'],
    ]);
  });

  it('keeps hardening separate and optional', () => {
    const w = deployment('web', { containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27' }] });
    const plain = proposeFix(w, restricted);
    const hard = proposeFix(w, { ...restricted, harden: true });
    expect(plain.changes.some((c) => c.purpose === 'hardening')).toBe(false);
    const extra = hard.changes.filter((c) => c.purpose === 'hardening');
    expect(extra.map((c) => c.path)).toEqual([
      '/spec/containers/0/securityContext/readOnlyRootFilesystem',
      '/spec/volumes',
      '/spec/containers/0/volumeMounts',
    ]);
    expect(hard.status).toBe(plain.status);
  });

  it('sets no UID on a Windows pod (runAsUser is Linux-only) and asks nothing', () => {
    const w = deployment('win', {
      os: { name: 'windows' },
      containers: [{ name: 'app', image: 'mcr.microsoft.com/windows/nanoserver:ltsc2022' }],
    });
    const p = proposeFix(w, restricted);
    expect(p.status).toBe('fixed');
    expect(p.questions).toEqual([]);
    expect(JSON.stringify(p.patchedTemplate)).not.toMatch(/runAsUser|runAsGroup/);
  });

  it('covers ephemeral containers too', () => {
    const w = deployment('dbg', {
      containers: [{ name: 'app', image: 'gcr.io/distroless/static:nonroot' }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
    });
    const p = proposeFix(w, restricted);
    expect(evaluatePod(p.patchedTemplate, 'restricted', 'latest').allowed).toBe(true);
    expect(p.changes.some((c) => c.path.startsWith('/spec/ephemeralContainers/0/securityContext'))).toBe(true);
  });

  it('removes an unconfined AppArmor annotation (review) and leaves other annotations', () => {
    const w = deployment(
      'app',
      { containers: [{ name: 'app', image: 'gcr.io/distroless/static:nonroot' }] },
      {
        'container.apparmor.security.beta.kubernetes.io/app': 'unconfined',
        team: 'x',
      },
    );
    const p = proposeFix(w, restricted);
    expect(p.status).toBe('review');
    expect(p.patchedTemplate.metadata.annotations).toEqual({ team: 'x' });
    const smp = p.strategicPatch as { spec: { template: { metadata: { annotations: Record<string, unknown> } } } };
    expect(smp.spec.template.metadata.annotations).toEqual({
      'container.apparmor.security.beta.kubernetes.io/app': null,
    });
  });
});
