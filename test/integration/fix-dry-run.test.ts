// Fix proposals against the real API server: in a namespace labelled warn=restricted, the
// original workload draws a PodSecurity warning, and both the patched object (server-side
// dry-run create) and the strategic-merge patch applied by the server (dry-run patch of the
// created original) draw none.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchedObject } from '../../src/fix/patches.js';
import { proposeFix } from '../../src/fix/propose.js';
import type { Workload } from '../../src/inventory/types.js';
import {
  createTestNamespace,
  deleteNamespace,
  kubeConfigFor,
  kubeconfigPath,
  kubectlPath,
  psaLabels,
} from '../harness/env.js';
import { loadCatalogue, REALWORLD, workloadsFromFile, workloadsFromText } from '../fix/helpers.js';

const catalogue = loadCatalogue();
let ns = '';

function kubectl(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(kubectlPath(), ['--kubeconfig', kubeconfigPath(), ...args], { input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let serial = 0;
function inNamespace(object: Record<string, unknown>, name: string): Record<string, unknown> {
  const o = structuredClone(object) as { metadata: Record<string, unknown> };
  o.metadata = { ...o.metadata, namespace: ns, name };
  return o;
}

function podSecurityWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.includes('PodSecurity'));
}

const candidates: [string, Workload][] = readdirSync(REALWORLD)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => workloadsFromFile(join(REALWORLD, f)).map((w): [string, Workload] => [`${f} ${w.kind}/${w.name}`, w]))
  .filter(([, w]) =>
    ['fixed', 'review'].includes(proposeFix(w, { target: 'restricted', version: 'latest', catalogue }).status),
  );

describe('fix proposals on the real API server', () => {
  beforeAll(async () => {
    ns = await createTestNamespace(kubeConfigFor(), { prefix: 'fix', labels: psaLabels({ warn: 'restricted' }) });
  });
  afterAll(async () => {
    if (ns) await deleteNamespace(kubeConfigFor(), ns);
  });

  it('has fixable real-world workloads to check', () => {
    expect(candidates.length).toBeGreaterThanOrEqual(5);
  });

  it.each(candidates)('%s: patched object and server-applied SMP pass restricted', (_, w) => {
    const name = `w${++serial}`;
    for (const harden of [false, true]) {
      const p = proposeFix(w, { target: 'restricted', version: 'latest', catalogue, harden });
      const original = inNamespace(w.object, name);
      const before = kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], JSON.stringify(original));
      expect(before.status, before.stderr).toBe(0);
      expect(podSecurityWarnings(before.stderr).length).toBeGreaterThan(0);

      const after = kubectl(
        ['create', '--dry-run=server', '-o', 'name', '-f', '-'],
        JSON.stringify(inNamespace(patchedObject(w, p.patchedTemplate), name)),
      );
      expect(after.status, after.stderr).toBe(0);
      expect(podSecurityWarnings(after.stderr)).toEqual([]);
    }
    // The strategic-merge patch as the plan writes it, applied by the server to the live object
    // (bare Pods and Jobs have immutable templates: those are recreated, never patched).
    const p = proposeFix(w, { target: 'restricted', version: 'latest', catalogue, harden: true });
    if (p.applyMethod === 'recreate') {
      expect(['Pod', 'Job']).toContain(w.kind);
      return;
    }
    expect(p.applyMethod).toBe('patch');
    const original = inNamespace(w.object, name);
    const created = kubectl(['create', '-o', 'name', '-f', '-'], JSON.stringify(original));
    expect(created.status, created.stderr).toBe(0);
    const ref = created.stdout.trim();
    const patched = kubectl([
      'patch',
      ref,
      '-n',
      ns,
      '--type',
      'strategic',
      '--dry-run=server',
      '-o',
      'json',
      '-p',
      JSON.stringify(p.strategicPatch),
    ]);
    expect(patched.status, patched.stderr).toBe(0);
    expect(podSecurityWarnings(patched.stderr)).toEqual([]);
    execFileSync(kubectlPath(), ['--kubeconfig', kubeconfigPath(), 'delete', ref, '-n', ns, '--wait=false']);
  });
});

describe('immutable pod templates', () => {
  it('the server refuses a template patch on a Job, so the proposal says recreate', async () => {
    const ns2 = await createTestNamespace(kubeConfigFor(), {
      prefix: 'fixjob',
      labels: psaLabels({ warn: 'restricted' }),
    });
    try {
      const job = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'once', namespace: ns2 },
        spec: {
          suspend: true,
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'registry.k8s.io/pause' }] } },
        },
      };
      const [w] = workloadsFromText(JSON.stringify(job));
      const p = proposeFix(w!, { target: 'restricted', version: 'latest', catalogue });
      expect(p.status).toBe('fixed');
      expect(p.applyMethod).toBe('recreate');
      expect(kubectl(['create', '-f', '-'], JSON.stringify(job)).status).toBe(0);
      const r = kubectl([
        'patch',
        'job/once',
        '-n',
        ns2,
        '--type',
        'strategic',
        '--dry-run=server',
        '-p',
        JSON.stringify(p.strategicPatch),
      ]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/field is immutable/);
    } finally {
      await deleteNamespace(kubeConfigFor(), ns2);
    }
  });
});
