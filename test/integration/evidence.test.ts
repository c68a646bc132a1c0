// `podsec plan --evidence` and `--probe --yes` on the real control plane, which has no scheduler and
// no kubelet: a Deployment's pods stay Pending (no logs yet) and a pod bound to a node that does not
// exist has logs the API server cannot fetch. Both are one note per namespace; the plan is written.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteNamespace, kubeconfigPath, kubectlPath, pollUntil, uniqueName } from '../harness/env.js';

const ROOT = join(import.meta.dirname, '../..');
const base = uniqueName('evid');
const NS = { pending: `${base}-a`, ghost: `${base}-b` };

function kubectl(args: string[], input?: string) {
  return spawnSync(kubectlPath(), ['--kubeconfig', kubeconfigPath(), ...args], { input, encoding: 'utf8' });
}

function cli(cwd: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: '1', KUBECONFIG: kubeconfigPath() };
    const p = spawn('node', [join(ROOT, 'bin/podsec.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const objects = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS.pending } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS.ghost } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'vote', namespace: NS.pending },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'vote' } },
      template: {
        metadata: { labels: { app: 'vote' } },
        spec: { containers: [{ name: 'vote', image: 'python:3.12' }] },
      },
    },
  },
  // Bound to a node that does not exist: the API server has no kubelet to ask for its logs.
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'stray', namespace: NS.ghost },
    spec: { nodeName: 'podsec-no-such-node', containers: [{ name: 'app', image: 'nginx:1.27' }] },
  },
];

beforeAll(async () => {
  const build = spawnSync('node', ['build.mjs'], { cwd: ROOT, encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  const r = kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  expect(r.status, r.stderr).toBe(0);
  await pollUntil(
    'the Deployment pod',
    async () => {
      const pods = kubectl(['get', 'pods', '-n', NS.pending, '-o', 'name']).stdout.trim();
      return pods !== '' ? pods : undefined;
    },
    60_000,
    500,
  );
}, 120_000);

afterAll(async () => {
  const { kubeConfigFor } = await import('../harness/env.js');
  const kc = kubeConfigFor('admin');
  await Promise.all(Object.values(NS).map((ns) => deleteNamespace(kc, ns)));
});

type PlanJson = {
  origin: string;
  policyVersion: string;
  workloads: { namespace: string; name: string; status: string }[];
};

describe('podsec plan --evidence on the real control plane (no kubelet)', () => {
  it('completes, notes per namespace that logs are unavailable, and writes the plan', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-evidence-it-'));
    const r = await cli(cwd, ['plan', '--evidence', '-n', NS.pending, '-n', NS.ghost, '--out', 'p']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Wrote the plan to p/');
    expect(r.stderr).toContain(
      `podsec: note: namespace ${NS.pending}: logs of 1 workload(s) have no container logs yet (pods not started)`,
    );
    expect(r.stderr).toMatch(
      new RegExp(
        `podsec: note: namespace ${NS.ghost}: logs of 1 workload\\(s\\) could not be read \\(HTTP \\d{3}: .+\\)`,
      ),
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const notes = r.stderr.split('\n').filter((l) => l.startsWith('podsec: note:'));
    expect(notes).toHaveLength(2);
    const plan = JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8')) as PlanJson;
    expect(plan.origin).toBe('cluster');
    expect(plan.workloads.map((w) => `${w.namespace}/${w.name}`).sort()).toEqual(
      [`${NS.pending}/vote`, `${NS.ghost}/stray`].sort(),
    );
  }, 120_000);

  it('--probe --yes: no exec into a pod that never started (no kubelet), a note per container saying so, and the plan is still written', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-evidence-it-'));
    const r = await cli(cwd, ['plan', '--probe', '--yes', '-n', NS.ghost, '--out', 'p', '--version', 'v1.30']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `podsec: note: ${NS.ghost}/Pod/stray: container "app" in pod stray is not running \\(Pending\\): exec is not possible, so no probe; the evidence comes from its logs`,
      ),
    );
    expect(r.stderr).not.toContain('[object Object]');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const plan = JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8')) as PlanJson;
    expect(plan.policyVersion).toBe('v1.30');
  }, 120_000);
});
