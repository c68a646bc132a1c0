// A fix whose new pods crash: the test plays the kubelet and puts the patched pods in
// CrashLoopBackOff with a BackOff event. `podsec apply` reports the failing pod with its reason
// and events, stops the phase there, and (with --yes) rolls that workload back exactly.
import { AppsV1Api, CoreV1Api, CoreV1Event, setHeaderOptions } from '@kubernetes/client-node';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepState, type JournalEntry } from '../../src/apply/journal-model.js';
import { deleteNamespace, kubeConfigFor, kubeconfigPath } from '../harness/env.js';
import { podsec, seedCopy, type Estate } from '../helpers/apply-estate.js';

const kc = kubeConfigFor();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const dir = join(mkdtempSync(join(tmpdir(), 'podsec-rollout-it-')), 'plan');
let estate: Estate;
let stopped = false;
let loop: Promise<void> = Promise.resolve();

/** Old pods become Ready; pods of the patched template (runAsNonRoot) crash. */
async function crashingKubelet(namespace: string): Promise<void> {
  const done = new Set<string>();
  while (!stopped) {
    for (const p of (await core.listNamespacedPod({ namespace })).items) {
      const name = p.metadata?.name ?? '';
      if (done.has(name) || p.metadata?.deletionTimestamp) continue;
      done.add(name);
      const t = new Date(Date.now() - 60_000).toISOString();
      const patched = p.spec?.securityContext?.runAsNonRoot === true;
      const c = p.spec?.containers[0];
      const status = patched
        ? {
            phase: 'Running',
            conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: t }],
            containerStatuses: [
              {
                name: c?.name,
                image: c?.image,
                imageID: '',
                ready: false,
                restartCount: 4,
                state: {
                  waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' },
                },
              },
            ],
          }
        : { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] };
      await core.patchNamespacedPodStatus(
        { name, namespace, body: { status } },
        setHeaderOptions('Content-Type', 'application/merge-patch+json'),
      );
      if (patched) {
        const event: CoreV1Event = {
          metadata: { name: `${name}.backoff`, namespace },
          involvedObject: { kind: 'Pod', name, namespace, uid: p.metadata?.uid ?? '' },
          reason: 'BackOff',
          message: `Back-off restarting failed container ${c?.name ?? ''}`,
          type: 'Warning',
        };
        await core.createNamespacedEvent({ namespace, body: event });
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

const journal = (): JournalEntry[] =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);

describe('podsec apply: a failed rollout stops the phase and is rolled back', () => {
  beforeAll(async () => {
    estate = await seedCopy(kc, ['web']);
    loop = crashingKubelet(estate.ns['web']!);
    const r = await podsec(['plan', '-n', estate.ns['web']!, '--out', dir], kubeconfigPath());
    expect(r.code, r.stderr).toBe(0);
    const o = await podsec(['apply', dir, '--yes'], kubeconfigPath());
    expect(o.code, o.stdout + o.stderr).toBe(0);
  });
  afterAll(async () => {
    stopped = true;
    await loop.catch(() => {});
    for (const n of estate?.all ?? []) await deleteNamespace(kc, n);
  });

  it('reports the crashing pod with its reason and events, stops, and restores the template', async () => {
    const ns = estate.ns['web']!;
    const before = (await apps.readNamespacedDeployment({ name: 'nginx', namespace: ns })).spec?.template;
    const r = await podsec(['apply', dir, '--yes', '--phase', '2-fix', '--timeout', '60'], kubeconfigPath());
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAILED\s+Deployment web-\w+\/nginx: rollout failed: 1 pod\(s\) failing to start/);
    expect(r.stdout).toMatch(
      /pod nginx-[a-z0-9-]+: container nginx: CrashLoopBackOff \(back-off 1m20s restarting failed container\)/,
    );
    expect(r.stdout).toContain('event: BackOff: Back-off restarting failed container nginx');
    expect(r.stdout).toMatch(/rolled back\s+Deployment web-\w+\/nginx: restored the previous pod template/);
    expect(r.stderr).toContain(`podsec rollback ${dir} --phase 2-fix`);
    const after = (await apps.readNamespacedDeployment({ name: 'nginx', namespace: ns })).spec?.template;
    expect(after).toEqual(before);
    const entries = journal();
    expect(stepState(entries, `2-fix/fix/${ns}/Deployment/nginx`).state).toBe('pending');
    expect(
      entries.filter((e) => e.step === `2-fix/fix/${ns}/Deployment/nginx`).map((e) => `${e.action}:${e.status}`),
    ).toEqual(['apply:intended', 'apply:applied', 'apply:failed', 'rollback:intended', 'rollback:rolledBack']);
  });
});
