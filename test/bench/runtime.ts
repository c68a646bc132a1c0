// `npm run bench:runtime`: every fix of the runnable estate, run for real (issue 11, section 3).
// Starts its own control plane with a real node (needs root and test/node/install.sh), seeds
// test/harness/seed-node (shop: vote crash-looping read-only, the rest running), plans with
// evidence, applies 1-observe and 2-fix, watches every workload podsec marked `fixed` for 30 s
// (Ready, zero restarts), applies the enforce phases, recreates every pod under
// enforce=restricted and checks them again. Prints a Markdown table (stdout) and the node's
// figures (node Ready time, pod start, RSS of kubelet + containerd) on stderr.
import { AppsV1Api, setHeaderOptions, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startControlPlane } from '../harness/control-plane.js';
import { loadKubeConfig, pollUntil, sleep } from '../harness/kube-helpers.js';
import { listPods, seedRunnableEstate, summarizePod } from '../harness/runtime.js';
import { podsec } from '../helpers/apply-estate.js';
import type { Plan, PlanWorkload } from '../../src/plan/plan-schema.js';

const { values } = parseArgs({ options: { soak: { type: 'string' }, namespace: { type: 'string' } } });
const SOAK_S = Number(values.soak ?? 30);
const NS = values.namespace ?? 'shop';
const log = (m: string) => process.stderr.write(`bench:runtime: ${m}\n`);

/** Pods of a workload, by the app label of its template. */
async function workloadPods(kc: KubeConfig, w: PlanWorkload): Promise<V1Pod[]> {
  return (await listPods(kc, w.namespace, `app=${w.name}`)).filter((p) => !p.metadata?.deletionTimestamp);
}

/** "Ready 2/2, restarts 0" or "CrashLoopBackOff 0/2, restarts 5". */
async function statusOf(kc: KubeConfig, w: PlanWorkload): Promise<{ text: string; ok: boolean; restarts: number }> {
  const pods = (await workloadPods(kc, w)).map(summarizePod);
  const ready = pods.filter((p) => p.ready).length;
  const restarts = pods.reduce((n, p) => n + p.restarts, 0);
  const worst = pods.find((p) => !p.ready)?.status ?? (pods.length ? 'Running' : 'no pods');
  return {
    text: `${worst} ${ready}/${pods.length}`,
    ok: pods.length > 0 && ready === pods.length && restarts === 0,
    restarts,
  };
}

/** The fix in a few words: what the patch sets, from the plan's changes. */
function fixSummary(w: PlanWorkload): string {
  const parts = new Set<string>();
  for (const c of w.changes) {
    const v = JSON.stringify(c.value ?? '');
    if (/volumeMounts/.test(c.path)) {
      const paths = v.match(/"mountPath":"([^"]+)"/g)?.map((m) => m.slice(13, -1)) ?? [];
      if (paths.length) parts.add(`emptyDir ${paths.join(',')}${c.source?.kind === 'evidence' ? ' (from log)' : ''}`);
    } else if (/runAsUser/.test(c.path) || /runAsUser/.test(v))
      parts.add(`runAsUser ${/"?runAsUser"?:?\s*(\d+)/.exec(v)?.[1] ?? v}`);
    else if (/runAsNonRoot/.test(c.path + v)) parts.add('runAsNonRoot');
    else if (/capabilities/.test(c.path + v))
      parts.add(/NET_BIND_SERVICE/.test(v) ? 'drop ALL + NET_BIND_SERVICE' : 'drop ALL');
    else if (/seccomp/i.test(c.path + v)) parts.add('seccomp RuntimeDefault');
    else if (/allowPrivilegeEscalation/.test(c.path + v)) parts.add('no privilege escalation');
    else if (/fsGroup/.test(c.path + v)) parts.add(`fsGroup ${/(\d+)/.exec(v)?.[1] ?? ''}`);
    else if (/initContainers/.test(c.path)) parts.add('init: chown');
    else parts.add(c.check);
  }
  return [...parts].join('; ');
}

const t0 = Date.now();
const cp = await startControlPlane({ node: true, log });
const work = mkdtempSync(join(tmpdir(), 'podsec-bench-runtime-'));
try {
  const kc = loadKubeConfig(cp.kubeconfigPath);
  const node = cp.node!;
  log(
    `cluster + node up in ${((Date.now() - t0) / 1000).toFixed(1)}s; node Ready ${node.readySeconds.toFixed(1)}s after kubelet start`,
  );
  const tSeed = Date.now();
  await seedRunnableEstate(cp.kubeconfigPath, kc, { log });
  log(
    `runnable estate seeded (every pod Ready but vote, which crash-loops) in ${((Date.now() - tSeed) / 1000).toFixed(1)}s`,
  );
  const dir = join(work, 'plan');
  const r = await podsec(['plan', '-n', NS, '--evidence', '--non-interactive', '--out', dir], cp.kubeconfigPath);
  if (r.code !== 0) throw new Error(`podsec plan failed:\n${r.stdout}${r.stderr}`);
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
  const workloads = plan.workloads.filter((w) => w.namespace === NS);
  const before = new Map<string, string>();
  for (const w of workloads) before.set(w.name, (await statusOf(kc, w)).text);

  for (const phase of ['1-observe', '2-fix']) {
    const a = await podsec(['apply', dir, '--phase', phase, '--yes', '--timeout', '240'], cp.kubeconfigPath);
    log(`apply ${phase}: exit ${a.code}`);
    if (a.code !== 0) process.stderr.write(a.stdout + a.stderr);
  }
  const tFix = Date.now();
  log(`watching ${SOAK_S}s after 2-fix`);
  await sleep(SOAK_S * 1000);
  const afterFix = new Map<string, { text: string; ok: boolean; restarts: number }>();
  for (const w of workloads) afterFix.set(w.name, await statusOf(kc, w));

  for (const phase of ['3-enforce-baseline', '4-enforce-restricted']) {
    const a = await podsec(['apply', dir, '--phase', phase, '--yes', '--timeout', '240'], cp.kubeconfigPath);
    log(`apply ${phase}: exit ${a.code}`);
    if (a.code !== 0) process.stderr.write(a.stdout + a.stderr);
  }
  // Recreate every pod under enforce=restricted.
  const apps = kc.makeApiClient(AppsV1Api);
  const stamp = { spec: { template: { metadata: { annotations: { 'podsec.test/recreated': String(Date.now()) } } } } };
  const merge = setHeaderOptions('Content-Type', 'application/merge-patch+json');
  const old = new Set((await listPods(kc, NS)).map((p) => p.metadata?.uid));
  for (const d of (await apps.listNamespacedDeployment({ namespace: NS })).items)
    await apps.patchNamespacedDeployment({ name: d.metadata!.name!, namespace: NS, body: stamp }, merge);
  for (const s of (await apps.listNamespacedStatefulSet({ namespace: NS })).items)
    await apps.patchNamespacedStatefulSet({ name: s.metadata!.name!, namespace: NS, body: stamp }, merge);
  await pollUntil(
    `every ${NS} pod recreated under enforce=restricted`,
    async () => {
      const pods = (await listPods(kc, NS)).filter((p) => !p.metadata?.deletionTimestamp);
      return pods.every((p) => !old.has(p.metadata?.uid)) && pods.every((p) => summarizePod(p).ready)
        ? true
        : undefined;
    },
    240_000,
    1000,
  ).catch((e: unknown) => log(String(e)));
  await sleep(10_000);
  const rows: string[] = [];
  rows.push(
    '| workload | podsec status | fix | before | after 2-fix (+30 s) | restarts | after enforce-restricted (recreated) | restarts |',
  );
  rows.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
  let failures = 0;
  for (const w of workloads) {
    const fix = afterFix.get(w.name)!;
    const enf = await statusOf(kc, w);
    if (w.status === 'fixed' && (!fix.ok || !enf.ok)) failures++;
    rows.push(
      `| ${w.kind}/${w.name} | ${w.status} | ${fixSummary(w) || '-'} | ${before.get(w.name)} | ${fix.text} | ${fix.restarts} | ${enf.text} | ${enf.restarts} |`,
    );
  }
  const rss = node.rss();
  log(
    `RSS: kubelet ${(rss.kubelet / 1024).toFixed(0)} MiB, containerd ${(rss.containerd / 1024).toFixed(0)} MiB, shims ${(rss.shims / 1024).toFixed(0)} MiB; soak ended ${((Date.now() - tFix) / 1000).toFixed(0)}s after 2-fix`,
  );
  console.log(rows.join('\n'));
  console.log(
    `\n${failures === 0 ? 'every fixed workload Ready with zero restarts after 2-fix and after enforce-restricted' : `${failures} fixed workload(s) not running`}`,
  );
  process.exitCode = failures === 0 ? 0 : 1;
} finally {
  await cp.stop();
  rmSync(work, { recursive: true, force: true });
}
