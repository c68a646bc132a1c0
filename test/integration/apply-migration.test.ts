// `podsec apply` on the real node (the shared node cluster, test/harness/env.ts
// sharedNodeCluster): the seeded estate (in its own namespaces) migrated through observe, fix,
// enforce-baseline and enforce-restricted, its rollouts followed until the new pods are Ready;
// an enforce step refused while a violating pod really exists (the fix is applied but cannot
// roll out: the node is cordoned) and accepted once the fixed pods replaced it; then every
// phase rolled back, newest first, restoring labels and pod templates exactly.
// The seed is copied runnable (test/helpers/apply-estate.ts runnableSeedObject): every
// container runs the local busybox image, which the catalogue knows (nobody, 65534), so no UID
// question is left; the security settings the plan fixes are the seed's.
import {
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  setHeaderOptions,
  type KubeConfig,
  type V1ReplicaSet,
} from '@kubernetes/client-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalProblems, type JournalEntry } from '../../src/apply/journal-model.js';
import { deleteNamespace, nodeSkipped, pollUntil, sharedNodeCluster, type SharedNodeCluster } from '../harness/env.js';
import { NODE_NAME } from '../harness/node.js';
import { listPods, summarizePod } from '../harness/runtime.js';
import { podsec, seedCopy, type Estate } from '../helpers/apply-estate.js';

const P = 'pod-security.kubernetes.io/';
const root = mkdtempSync(join(tmpdir(), 'podsec-apply-it-'));
const dir = join(root, 'plan');
let cluster: SharedNodeCluster;
let kc: KubeConfig;
let core: CoreV1Api;
let apps: AppsV1Api;
let batch: BatchV1Api;
let estate: Estate;
let labelsBefore: Record<string, Record<string, string>> = {};
let templatesBefore = '';

/** Cordons (true) or uncordons the node, as `kubectl cordon` does. */
const cordon = (unschedulable: boolean) =>
  core.patchNode(
    { name: NODE_NAME, body: { spec: { unschedulable } } },
    setHeaderOptions('Content-Type', 'application/merge-patch+json'),
  );

type PlanJson = {
  namespaces: { name: string; phases: { id: string; labelsAfter: Record<string, string> }[] }[];
  workloads: {
    namespace: string;
    kind: string;
    name: string;
    status: string;
    patch: string | null;
    applyMethod: string | null;
  }[];
};
const plan = (): PlanJson => JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as PlanJson;
const journal = (): JournalEntry[] =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);
const psa = (labels: Record<string, string> = {}) =>
  Object.fromEntries(
    Object.entries(labels)
      .filter(([k]) => k.startsWith(P))
      .sort(),
  );

async function labels(ns: string): Promise<Record<string, string>> {
  return (await core.readNamespace({ name: ns })).metadata?.labels ?? {};
}

/** Pod templates of every workload in the estate, as one comparable string. */
async function templates(): Promise<string> {
  const out: unknown[] = [];
  for (const namespace of estate.all) {
    for (const d of (await apps.listNamespacedDeployment({ namespace })).items)
      out.push(['Deployment', namespace, d.metadata?.name, d.spec?.template]);
    for (const s of (await apps.listNamespacedStatefulSet({ namespace })).items)
      out.push(['StatefulSet', namespace, s.metadata?.name, s.spec?.template]);
    for (const s of (await apps.listNamespacedDaemonSet({ namespace })).items)
      out.push(['DaemonSet', namespace, s.metadata?.name, s.spec?.template]);
    for (const c of (await batch.listNamespacedCronJob({ namespace })).items)
      out.push(['CronJob', namespace, c.metadata?.name, c.spec?.jobTemplate.spec?.template]);
  }
  return JSON.stringify(out);
}

const apply = (...args: string[]) =>
  podsec(['apply', dir, '--yes', '--wait', 'ready', '--timeout', '90', ...args], cluster.kubeconfig);

describe.skipIf(nodeSkipped)('podsec apply on a real node: full migration of the seeded estate, then rollback', () => {
  beforeAll(async () => {
    cluster = await sharedNodeCluster();
    kc = cluster.kc;
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    batch = kc.makeApiClient(BatchV1Api);
    estate = await seedCopy(kc, ['shop', 'web', 'staging', 'legacy', 'payments', 'monitoring', 'batch'], {
      runnable: true,
    });
    labelsBefore = Object.fromEntries(await Promise.all(estate.all.map(async (n) => [n, await labels(n)] as const)));
    templatesBefore = await templates();
    const r = await podsec(['plan', ...estate.all.flatMap((n) => ['-n', n]), '--out', dir], cluster.kubeconfig);
    expect(r.code, r.stderr).toBe(0);
    // No question is left open: nothing is held for a UID.
    expect(plan().workloads.filter((w) => w.status === 'review' && w.patch === null)).toEqual([]);
  });

  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    if (!kc) return;
    await cordon(false).catch(() => {});
    for (const n of estate?.all ?? []) await deleteNamespace(kc, n);
  });

  it('without --yes in a non-interactive run, asks for the flag and writes nothing', async () => {
    const r = await podsec(['apply', dir], cluster.kubeconfig);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes');
    expect(() => journal()).toThrow();
  });

  it('--dry-run checks every step of the next phase and writes nothing', async () => {
    const r = await podsec(['apply', dir, '--dry-run'], cluster.kubeconfig);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('apply 1-observe (dry run');
    expect(r.stdout).toContain('would apply');
    for (const n of estate.all) expect(await labels(n)).toEqual(labelsBefore[n]);
  });

  it('1-observe sets warn and audit as planned', async () => {
    const r = await apply();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const shop = estate.ns['shop']!;
    expect(psa(await labels(shop))).toEqual(
      plan()
        .namespaces.find((n) => n.name === shop)
        ?.phases.find((p) => p.id === '1-observe')?.labelsAfter,
    );
  });

  it('2-fix patches the workloads and follows their rollouts until the new pods are Ready', async () => {
    const staging = estate.ns['staging']!;
    const others = estate.all.filter((n) => n !== staging);
    const r = await apply('--phase', '2-fix', ...others.flatMap((n) => ['--namespace', n]));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/manual\s+Job .*db-migrate/);
    // The patched Deployments and the StatefulSet run fixed pods, Ready, none restarted.
    for (const w of plan().workloads.filter(
      (x) => x.namespace !== staging && x.patch !== null && ['Deployment', 'StatefulSet'].includes(x.kind),
    )) {
      const pods = (await listPods(kc, w.namespace)).filter(
        (p) => !p.metadata?.deletionTimestamp && p.metadata?.name?.startsWith(`${w.name}-`),
      );
      const replicas =
        (w.kind === 'Deployment'
          ? await apps.readNamespacedDeployment({ name: w.name, namespace: w.namespace })
          : await apps.readNamespacedStatefulSet({ name: w.name, namespace: w.namespace })
        ).spec?.replicas ?? 1;
      expect(pods.length, `${w.namespace}/${w.name}`).toBe(replicas);
      for (const p of pods) {
        expect(p.spec?.securityContext?.runAsNonRoot, p.metadata?.name).toBe(true);
        expect(summarizePod(p), p.metadata?.name).toMatchObject({ ready: true, restarts: 0 });
      }
    }
    // staging's fix is applied while the node is cordoned: its new pods are admitted but cannot
    // be scheduled, so the old ones (debug-tools with NET_ADMIN) keep running.
    await cordon(true);
    const s = await podsec(
      ['apply', dir, '--yes', '--phase', '2-fix', '--namespace', staging, '--wait', 'admitted'],
      cluster.kubeconfig,
    );
    expect(s.code, s.stdout + s.stderr).toBe(0);
  });

  it('an enforce step is refused while a violating pod exists, and accepted after the fix rolled out', async () => {
    const staging = estate.ns['staging']!;
    const refused = await apply('--phase', '3-enforce-baseline', '--namespace', staging);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/refused\s+namespace staging-\w+: existing pods violate/);
    expect(refused.stdout).toMatch(
      /pod debug-tools-[a-z0-9-]+ \(staging-\w+\/Deployment\/debug-tools\): non-default capabilities/,
    );
    expect((await labels(staging))[`${P}enforce`]).toBeUndefined();
    // Capacity comes back: the fixed pods start, become Ready and replace the old ones.
    await cordon(false);
    await pollUntil(
      'old staging pods replaced',
      async () => {
        const pods = (await core.listNamespacedPod({ namespace: staging })).items;
        const rs = (await apps.listNamespacedReplicaSet({ namespace: staging })).items;
        const old = rs.filter((x) => (x.spec?.replicas ?? 0) === 0).map((x) => x.metadata?.name);
        return pods.every((p) => !old.includes(p.metadata?.ownerReferences?.[0]?.name)) && old.length >= 2
          ? true
          : undefined;
      },
      90_000,
      500,
    );
    const accepted = await apply('--phase', '3-enforce-baseline', '--namespace', staging);
    expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
    expect((await labels(staging))[`${P}enforce`]).toBe('baseline');
  });

  it('3-enforce-baseline and 4-enforce-restricted end with every namespace labelled as planned', async () => {
    const r3 = await apply('--phase', '3-enforce-baseline');
    expect(r3.code, r3.stdout + r3.stderr).toBe(0);
    // The plan leaves the Job (immutable template) to the operator: recreate it from the patch.
    await batch.deleteNamespacedJob({
      name: 'db-migrate',
      namespace: estate.ns['batch']!,
      propagationPolicy: 'Foreground',
    });
    await pollUntil(
      'db-migrate pods gone',
      async () =>
        (await core.listNamespacedPod({ namespace: estate.ns['batch']! })).items.length === 0 ? true : undefined,
      60_000,
      500,
    );
    const r4 = await apply('--phase', '4-enforce-restricted');
    expect(r4.code, r4.stdout + r4.stderr).toBe(0);
    for (const ns of plan().namespaces) {
      const last = ns.phases[ns.phases.length - 1];
      if (last) expect(psa(await labels(ns.name)), ns.name).toEqual(last.labelsAfter);
    }
    const again = await apply();
    expect(again.stdout).toContain('every phase of the plan is applied');
    expect(journalProblems(journal())).toEqual([]);
  });

  it('fixed Deployments run new ReplicaSets whose pods were admitted and are Ready; a violating pod is rejected', async () => {
    const fixed = plan().workloads.filter((w) => w.kind === 'Deployment' && w.patch !== null);
    expect(fixed.length).toBeGreaterThanOrEqual(5);
    expect(fixed.map((w) => w.name)).toEqual(
      expect.arrayContaining(['vote', 'worker', 'api', 'debug-tools', 'inventory']),
    );
    for (const w of fixed) {
      const d = await apps.readNamespacedDeployment({ name: w.name, namespace: w.namespace });
      const rev = d.metadata?.annotations?.['deployment.kubernetes.io/revision'];
      expect(rev, w.name).toBe('2');
      const rs = (await apps.listNamespacedReplicaSet({ namespace: w.namespace })).items.find(
        (x: V1ReplicaSet) =>
          x.metadata?.ownerReferences?.some((o) => o.uid === d.metadata?.uid) &&
          x.metadata?.annotations?.['deployment.kubernetes.io/revision'] === rev,
      );
      expect(rs?.status?.replicas ?? 0, w.name).toBe(d.spec?.replicas ?? 1);
      expect(rs?.status?.readyReplicas ?? 0, w.name).toBe(d.spec?.replicas ?? 1);
      expect(rs?.status?.conditions?.some((c) => c.type === 'ReplicaFailure') ?? false).toBe(false);
    }
    for (const ns of plan().namespaces.filter((n) => n.phases.at(-1)?.labelsAfter[`${P}enforce`] === 'restricted')) {
      const pod = {
        metadata: { name: 'violator' },
        spec: { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }] },
      };
      const err = await core.createNamespacedPod({ namespace: ns.name, body: pod }).then(
        () => null,
        (e: { code?: number; body?: string }) => e,
      );
      expect(err?.code, ns.name).toBe(403);
      expect((JSON.parse(err?.body ?? '{}') as { message?: string }).message).toMatch(
        /^pods "violator" is forbidden: violates PodSecurity "restricted:v1\.\d+": privileged/,
      );
    }
  });

  it('rolls back each phase, newest first, restoring labels and templates exactly', async () => {
    for (const phase of ['4-enforce-restricted', '3-enforce-baseline', '2-fix', '1-observe']) {
      const r = await podsec(
        ['rollback', dir, '--phase', phase, '--yes', '--wait', 'ready', '--timeout', '90'],
        cluster.kubeconfig,
      );
      expect(r.code, `${phase}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    for (const n of estate.all) expect(await labels(n), n).toEqual(labelsBefore[n]);
    expect(await templates()).toBe(templatesBefore);
    // The restored templates run again: every pod of the Deployments is Ready, as before the migration.
    for (const n of estate.all)
      for (const d of (await apps.listNamespacedDeployment({ namespace: n })).items)
        expect(d.status?.readyReplicas ?? 0, `${n}/${d.metadata?.name}`).toBe(d.spec?.replicas ?? 1);
    expect(journalProblems(journal())).toEqual([]);
    const none = await podsec(['rollback', dir, '--yes'], cluster.kubeconfig);
    expect(none.stdout).toContain('nothing to roll back');
  });
});
