// `podsec plan --evidence/--probe/--version` through the built CLI. Usage errors, the version pin,
// and evidence end to end against a scripted API server that plays the kubelet's log answers
// (fault injection: the real test control plane has no kubelet, see test/integration/evidence.test.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubeconfigYaml } from '../cluster/fake-api.js';

const ROOT = join(import.meta.dirname, '../..');
const ESTATE = join(ROOT, 'templates/demo/estate.yaml');
const GUNICORN =
  "[INFO] Starting gunicorn 22.0.0\nFileNotFoundError: [Errno 2] No usable temporary directory found in ['/tmp', '/var/tmp', '/usr/tmp', '/app']\n";

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('node', [join(ROOT, 'bin/podsec.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
}

/** The same, asynchronously (the fake server runs in this process). */
function cliAsync(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('node', [join(ROOT, 'bin/podsec.js'), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

beforeAll(() => {
  const build = spawnSync('node', ['build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
}, 120_000);

const tmp = () => mkdtempSync(join(tmpdir(), 'podsec-plan-ev-'));

describe('podsec plan: evidence and version flags (usage errors, exit 2)', () => {
  it('refuses --evidence and --probe with -f, naming why', () => {
    for (const flag of ['--evidence', '--probe']) {
      const r = cli(tmp(), ['plan', '-f', ESTATE, flag, '--yes']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${flag} reads container logs from a live cluster, so it cannot be used with -f`);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('refuses --probe in a non-interactive run without --yes, naming --yes, before connecting anywhere', () => {
    const env = { KUBECONFIG: join(tmp(), 'missing') };
    for (const args of [
      ['plan', '--probe', '--non-interactive'],
      ['--non-interactive', 'plan', '--probe'],
    ]) {
      const r = cli(tmp(), args, env);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--probe runs commands .* in pods/);
      expect(r.stderr).toContain('pass --yes');
    }
  });

  it('rejects an invalid --version', () => {
    for (const v of ['v1.x', '1.30', 'v2.1', 'v1.030', 'Latest']) {
      const r = cli(tmp(), ['plan', '-f', ESTATE, '--version', v]);
      expect(r.status, v).toBe(2);
      expect(r.stderr).toContain(`--version must be v1.N or latest, not "${v}"`);
    }
  });
});

describe('podsec plan --version', () => {
  it('pins every label of the plan to v1.N and records it; latest keeps the newest pin', () => {
    const cwd = tmp();
    expect(cli(cwd, ['plan', '-f', ESTATE, '--version', 'v1.25', '--out', 'p']).status).toBe(0);
    const plan = JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8')) as {
      policyVersion: string;
      namespaces: { phases: { labelsAfter: Record<string, string> }[] }[];
    };
    expect(plan.policyVersion).toBe('v1.25');
    const versions = plan.namespaces.flatMap((n) =>
      n.phases.flatMap((p) =>
        Object.entries(p.labelsAfter)
          .filter(([k]) => k.endsWith('-version'))
          .map(([, v]) => v),
      ),
    );
    expect(versions.length).toBeGreaterThan(0);
    // Every label the plan writes is pinned to v1.25; a namespace's older pin (legacy: v1.23) may stay only where a mode is untouched.
    expect(new Set(versions.filter((v) => v !== 'v1.23'))).toEqual(new Set(['v1.25']));
    expect(cli(cwd, ['plan', '-f', ESTATE, '--version', 'latest', '--out', 'q']).status).toBe(0);
    const q = JSON.parse(readFileSync(join(cwd, 'q/plan.json'), 'utf8')) as { policyVersion: string };
    const d = cli(cwd, ['plan', '-f', ESTATE, '--out', 'd']);
    expect(d.status).toBe(0);
    expect(q.policyVersion).toBe(
      (JSON.parse(readFileSync(join(cwd, 'd/plan.json'), 'utf8')) as { policyVersion: string }).policyVersion,
    );
  });
});

// ---- a scripted API server whose pods/log answers stand in for a kubelet ----

type Obj = { metadata: Record<string, unknown>; spec?: unknown; status?: unknown };
const owner = (kind: string, uid: string) => [{ apiVersion: 'apps/v1', kind, name: 'o', uid, controller: true }];
const restrictedSpec = (name: string) => ({
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [
    {
      name,
      image: `example.com/${name}:1`,
      securityContext: {
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
    },
  ],
});
const deploy = (ns: string, name: string, uid: string, spec: unknown): Obj => ({
  metadata: { name, namespace: ns, uid },
  spec: { replicas: 1, template: { metadata: {}, spec } },
});
const rs = (ns: string, name: string, uid: string, depUid: string, spec: unknown): Obj => ({
  metadata: { name, namespace: ns, uid, ownerReferences: owner('Deployment', depUid) },
  spec: { replicas: 1, template: { metadata: {}, spec } },
});
const pod = (ns: string, name: string, rsUid: string, spec: unknown, status: unknown): Obj => ({
  metadata: { name, namespace: ns, uid: `p-${name}`, ownerReferences: owner('ReplicaSet', rsUid) },
  spec,
  status,
});
const crashing = {
  phase: 'Running',
  containerStatuses: [{ name: 'vote', restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
};
const running = (c: string) => ({
  phase: 'Running',
  containerStatuses: [{ name: c, restartCount: 0, state: { running: {} } }],
});
const legacySpec = { containers: [{ name: 'api', image: 'example.com/api:1' }] };

const OBJECTS: Record<string, Obj[]> = {
  namespaces: [{ metadata: { name: 'shop', labels: {} } }, { metadata: { name: 'locked', labels: {} } }],
  deployments: [
    deploy('shop', 'vote', 'd1', restrictedSpec('vote')),
    deploy('shop', 'ok', 'd2', restrictedSpec('ok')),
    deploy('locked', 'api', 'd3', legacySpec),
  ],
  replicasets: [
    rs('shop', 'vote-5f', 'r1', 'd1', restrictedSpec('vote')),
    rs('shop', 'ok-7c', 'r2', 'd2', restrictedSpec('ok')),
    rs('locked', 'api-9d', 'r3', 'd3', legacySpec),
  ],
  pods: [
    pod('shop', 'vote-5f-a', 'r1', restrictedSpec('vote'), running('vote')),
    pod('shop', 'vote-5f-b', 'r1', restrictedSpec('vote'), crashing),
    pod('shop', 'ok-7c-a', 'r2', restrictedSpec('ok'), running('ok')),
    pod('locked', 'api-9d-a', 'r3', legacySpec, running('api')),
  ],
};

interface Seen {
  path: string;
  query: URLSearchParams;
}

async function startKube(seen: Seen[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    seen.push({ path: u.pathname, query: u.searchParams });
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (u.pathname === '/version') return json(200, { gitVersion: 'v1.36.2' });
    const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(u.pathname);
    if (log) {
      if (log[1] === 'locked')
        return json(403, {
          kind: 'Status',
          status: 'Failure',
          reason: 'Forbidden',
          code: 403,
          message: `pods "${log[2]}" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "locked"`,
        });
      if (u.searchParams.get('previous') === 'true') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return res.end(GUNICORN);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      return res.end('[INFO] Booting worker with pid: 8\n');
    }
    const m = /^\/apis?\/(?:[^/]+\/)?v1(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(u.pathname);
    if (m) {
      const items = (OBJECTS[m[2] ?? ''] ?? []).filter((o) => m[1] === undefined || o.metadata['namespace'] === m[1]);
      return json(200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items });
    }
    return json(404, {
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: `${u.pathname} not found`,
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

describe('podsec plan --evidence against a server that answers pods/log', () => {
  it('reads one crashing pod per failing or unhealthy workload and turns the gunicorn log into /tmp and /var/tmp emptyDirs', async () => {
    const seen: Seen[] = [];
    const kube = await startKube(seen);
    close = kube.close;
    const cwd = tmp();
    writeFileSync(join(cwd, 'kubeconfig'), kubeconfigYaml(kube.url, 'token', 'fake'));
    const r = await cliAsync(cwd, ['plan', '--evidence', '--out', 'p'], { KUBECONFIG: join(cwd, 'kubeconfig') });
    expect(r.status, r.stderr).toBe(0);

    const logs = seen.filter((s) => s.path.endsWith('/log'));
    // vote is crashing (its CrashLoopBackOff pod is read, not the healthy one), api fails restricted;
    // ok is healthy and compliant, so its logs are never read.
    expect(new Set(logs.map((s) => s.path))).toEqual(
      new Set(['/api/v1/namespaces/shop/pods/vote-5f-b/log', '/api/v1/namespaces/locked/pods/api-9d-a/log']),
    );
    for (const s of logs) {
      expect(Number(s.query.get('tailLines'))).toBeGreaterThan(0);
      expect(Number(s.query.get('tailLines'))).toBeLessThanOrEqual(500);
      expect(Number(s.query.get('limitBytes'))).toBeGreaterThan(0);
    }
    expect(
      logs
        .filter((s) => s.path.includes('vote-5f-b'))
        .map((s) => s.query.get('previous'))
        .sort(),
    ).toEqual(['false', 'true']);

    // The forbidden namespace is one note line, not an error.
    expect(r.stderr).toMatch(
      /^podsec: note: namespace locked: logs of 1 workload\(s\) could not be read: forbidden \(grant get pods\/log/m,
    );
    expect(r.stderr).not.toMatch(/namespace shop/);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    const plan = JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8')) as {
      workloads: {
        namespace: string;
        name: string;
        patch: string | null;
        changes: { path: string; source?: { kind: string; detail?: string } }[];
      }[];
    };
    const vote = plan.workloads.find((w) => w.name === 'vote');
    expect(
      vote?.changes.some(
        (c) => c.source?.kind === 'evidence' && /No usable temporary directory|\/tmp/.test(c.source.detail ?? ''),
      ),
    ).toBe(true);
    const patch = readFileSync(join(cwd, 'p', vote?.patch ?? 'missing'), 'utf8');
    expect(patch).toContain('mountPath: /tmp');
    expect(patch).toContain('mountPath: /var/tmp');
    expect(patch).toMatch(/emptyDir: \{\}/);
    // Without --evidence the same cluster gives vote no patch.
    const plain = await cliAsync(cwd, ['plan', '--out', 'q'], { KUBECONFIG: join(cwd, 'kubeconfig') });
    expect(plain.status, plain.stderr).toBe(0);
    const q = JSON.parse(readFileSync(join(cwd, 'q/plan.json'), 'utf8')) as typeof plan;
    expect(q.workloads.find((w) => w.name === 'vote')?.patch).toBeNull();
  }, 60_000);
});

describe('podsec plan --probe asks first', () => {
  it('lists the pods it would exec into and, when declined, reads logs only', async () => {
    const seen: Seen[] = [];
    const kube = await startKube(seen);
    close = kube.close;
    const cwd = tmp();
    writeFileSync(join(cwd, 'kubeconfig'), kubeconfigYaml(kube.url, 'token', 'fake'));
    // A terminal for the question: util-linux `script` runs the CLI on a pseudo-terminal.
    const cmd = `node ${join(ROOT, 'bin/podsec.js')} plan --probe --out p`;
    const p = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: '', KUBECONFIG: join(cwd, 'kubeconfig'), TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let answered = false;
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!answered && out.includes('Run the probe in these pods?')) {
        answered = true;
        p.stdin.write('n');
        setTimeout(() => p.stdin.write('\r'), 200);
      }
    });
    const status = await new Promise<number | null>((resolve) => p.on('close', resolve));
    const text = out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(status, text).toBe(0);
    expect(answered, text).toBe(true);
    expect(text).toContain('--probe will run `id -u`, `id -g` and a `find` for written files in 2 pod(s):');
    expect(text).toContain('shop/vote-5f-b (Deployment vote)');
    expect(text).toContain('locked/api-9d-a (Deployment api)');
    expect(text).toContain('probe skipped; reading logs only');
    // No exec was attempted; the logs were still read and used.
    expect(seen.some((s) => s.path.endsWith('/exec'))).toBe(false);
    expect(seen.some((s) => s.path === '/api/v1/namespaces/shop/pods/vote-5f-b/log')).toBe(true);
    const plan = JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8')) as {
      workloads: { name: string; patch: string | null }[];
    };
    expect(plan.workloads.find((w) => w.name === 'vote')?.patch).not.toBeNull();
  }, 60_000);
});
