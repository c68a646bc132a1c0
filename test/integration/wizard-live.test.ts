// The guided session headless against the real control plane: the built CLI reads a live
// namespace, proposes fixes and writes the plan (`podsec --non-interactive --out DIR -n NS`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, kubeConfigFor, kubeconfigPath } from '../harness/env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let ns = '';

beforeAll(async () => {
  const kc = kubeConfigFor('admin');
  ns = await createTestNamespace(kc, { prefix: 'wizard' });
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27' }] },
        },
      },
    },
  });
}, 60_000);

afterAll(async () => {
  if (ns !== '') await deleteNamespace(kubeConfigFor('admin'), ns);
});

describe('podsec --non-interactive on a live cluster', () => {
  it('writes a plan for the namespace with the fix for its Deployment', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-wizard-live-'));
    const r = spawnSync(
      'node',
      [
        join(ROOT, 'bin/podsec.js'),
        '--non-interactive',
        '--kubeconfig',
        kubeconfigPath('admin'),
        '-n',
        ns,
        '--out',
        'plan',
      ],
      { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 },
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Wrote the plan to plan/');
    const plan = JSON.parse(readFileSync(join(cwd, 'plan/plan.json'), 'utf8')) as {
      origin: string;
      workloads: { name: string; status: string; patch: string | null }[];
    };
    expect(plan.origin).toBe('cluster');
    const web = plan.workloads.find((w) => w.name === 'web');
    expect(web?.status).toMatch(/fixed|review/);
    expect(web?.patch).toBe(`2-fix/${ns}/deployment-web.yaml`);
  });

  it('exits 2 naming --out without it, before connecting', () => {
    const r = spawnSync(
      'node',
      [join(ROOT, 'bin/podsec.js'), '--non-interactive', '--kubeconfig', kubeconfigPath('admin')],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--out');
  });
});
