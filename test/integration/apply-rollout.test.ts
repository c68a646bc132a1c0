// A fix whose new pods crash, on the real node (the shared node cluster, test/harness/env.ts
// sharedNodeCluster): Debian's nginx (local image, master as root, writes /var/lib/nginx) gets
// the planned restricted fix with the answered UID 101. Admission accepts it; at run time nginx
// cannot create /var/lib/nginx/body and the new pod really crash-loops. `podsec apply` reports
// the failing pod with the kubelet's reason, the real events and log lines, stops the phase
// there, and (with --yes) rolls that workload back exactly; the old pods stay Ready and keep
// answering HTTP (from inside the harness's peer namespace) throughout.
import { AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepState, type JournalEntry } from '../../src/apply/journal-model.js';
import {
  deleteNamespace,
  nodeSkipped,
  pollUntil,
  sharedNodeCluster,
  waitForDefaultServiceAccount,
  type SharedNodeCluster,
} from '../harness/env.js';
import { listPods, summarizePod, waitForReadyPods, type PodSummary } from '../harness/runtime.js';
import { podsec } from '../helpers/apply-estate.js';

const root = mkdtempSync(join(tmpdir(), 'podsec-rollout-it-'));
const dir = join(root, 'plan');
const ns = `web-${randomBytes(3).toString('hex')}`;
let cluster: SharedNodeCluster;
let kc: KubeConfig;
let oldPods: PodSummary[] = [];

const journal = (): JournalEntry[] =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);

/**
 * Watches the old pods while `during` runs: every 300 ms each must still exist, be Ready and
 * not have restarted; one answers HTTP each round. Returns what went wrong (nothing, hopefully).
 */
async function watchOldPods(during: () => Promise<void>): Promise<{ problems: string[]; checks: number }> {
  const problems: string[] = [];
  let checks = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const now = new Map((await listPods(kc, ns, 'app=nginx')).map((p) => [p.metadata?.name, summarizePod(p)]));
      for (const old of oldPods) {
        const p = now.get(old.name);
        if (!p || !p.ready || p.restarts > 0 || p.deleting)
          problems.push(`${old.name}: ${JSON.stringify(p ?? 'gone')}`);
      }
      const target = oldPods[checks % oldPods.length]!;
      const res = await cluster
        .httpGet(`http://${target.ip}:80/`, 3000)
        .catch((e: Error) => ({ status: 0, body: e.message }));
      if (res.status !== 200) problems.push(`${target.name} answered ${res.status}: ${res.body.slice(0, 200)}`);
      checks++;
      await new Promise((r) => setTimeout(r, 300));
    }
  })();
  try {
    await during();
  } finally {
    stop = true;
    await loop;
  }
  return { problems, checks };
}

describe.skipIf(nodeSkipped)('podsec apply on a real node: a failed rollout stops the phase and is rolled back', () => {
  beforeAll(async () => {
    cluster = await sharedNodeCluster();
    kc = cluster.kc;
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await waitForDefaultServiceAccount(kc, ns, 60_000);
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'nginx', labels: { app: 'nginx' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'nginx' } },
          template: {
            metadata: { labels: { app: 'nginx' } },
            spec: {
              containers: [
                {
                  name: 'nginx',
                  image: 'podsec.local/nginx:1', // Debian nginx-light: binds :80, writes /var/lib/nginx and /run
                  imagePullPolicy: 'Never',
                  ports: [{ name: 'http', containerPort: 80 }],
                  readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 2 },
                },
              ],
            },
          },
        },
      },
    });
    oldPods = (await waitForReadyPods(kc, ns, 'app=nginx', { count: 2 })).map(summarizePod);
    // The image's user is unknown to the catalogue: the operator answers nginx's www-data (101).
    const answers = join(root, 'answers.yaml');
    writeFileSync(answers, `uids:\n  ${ns}/Deployment/nginx: 101\n`);
    const r = await podsec(
      ['plan', '-n', ns, '--answers', answers, '--non-interactive', '--out', dir],
      cluster.kubeconfig,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const o = await podsec(['apply', dir, '--yes'], cluster.kubeconfig);
    expect(o.code, o.stdout + o.stderr).toBe(0);
  });
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    if (kc) await deleteNamespace(kc, ns);
  });

  it("reports the crashing pod with the kubelet's reason, the events and the log, stops, and restores the template; the old pods serve throughout", async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const before = (await apps.readNamespacedDeployment({ name: 'nginx', namespace: ns })).spec?.template;
    let r = { code: null as number | null, stdout: '', stderr: '' };
    const watched = await watchOldPods(async () => {
      r = await podsec(['apply', dir, '--yes', '--phase', '2-fix', '--timeout', '120'], cluster.kubeconfig);
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/FAILED\s+Deployment web-\w+\/nginx: rollout failed: 1 pod\(s\) failing to start/);
    expect(r.stdout).toMatch(
      /pod nginx-[a-z0-9-]+: container nginx: CrashLoopBackOff \(back-off [\dms]+ restarting failed container=nginx/,
    );
    expect(r.stdout).toMatch(/event: BackOff: Back-off restarting failed container nginx in pod nginx-/);
    // nginx's own words, read from the crashed container's log through the API server.
    expect(r.stdout).toMatch(
      /log: .*\[emerg\] 1#1: mkdir\(\) "\/var\/lib\/nginx\/body" failed \(13: Permission denied\)/,
    );
    // The kubelet has a cluster DNS address (test/harness/node.ts): no MissingClusterDNS noise among the events.
    expect(r.stdout).not.toContain('MissingClusterDNS');
    expect(r.stdout).toMatch(/rolled back\s+Deployment web-\w+\/nginx: restored the previous pod template/);
    expect(r.stderr).toContain(`podsec rollback ${dir} --phase 2-fix`);
    const after = (await apps.readNamespacedDeployment({ name: 'nginx', namespace: ns })).spec?.template;
    expect(after).toEqual(before);
    const entries = journal();
    expect(stepState(entries, `2-fix/fix/${ns}/Deployment/nginx`).state).toBe('pending');
    expect(
      entries.filter((e) => e.step === `2-fix/fix/${ns}/Deployment/nginx`).map((e) => `${e.action}:${e.status}`),
    ).toEqual(['apply:intended', 'apply:applied', 'apply:failed', 'rollback:intended', 'rollback:rolledBack']);
    // The old pods never stopped: same pods, Ready, no restarts, answering HTTP at every check.
    expect(watched.checks).toBeGreaterThan(3);
    expect(watched.problems).toEqual([]);
    const names = oldPods.map((p) => p.name).sort();
    await pollUntil(
      'only the old pods left',
      async () => {
        const live = (await listPods(kc, ns, 'app=nginx')).map(summarizePod).filter((p) => !p.deleting);
        return JSON.stringify(live.map((p) => p.name).sort()) === JSON.stringify(names) ? true : undefined;
      },
      60_000,
      500,
    );
  });
});
