/**
 * Helpers for real pods on the harness node (control-plane.ts `node: true`): the runnable
 * estate (test/harness/seed-node), waiting for pods to be Ready or crash-looping, and a pod
 * summary (status, restarts) for tests, `npm run cluster -- --seed` and `npm run bench:runtime`.
 */
import { CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pollUntil } from './kube-helpers.js';
import { seedEstate, type SeedResult } from './seed.js';

export const NODE_SEED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed-node');

/** gunicorn's error when no temp dir is writable (Python's tempfile). */
export const GUNICORN_TMP_ERROR = /No usable temporary directory found in \[[^\]]*\]/;

export interface PodSummary {
  name: string;
  /** Owner workload as `Kind/name` (ReplicaSets folded into their Deployment's name prefix). */
  phase: string;
  ready: boolean;
  restarts: number;
  /** e.g. 'Running', 'CrashLoopBackOff', 'ContainerCreating', 'Error', 'Completed'. */
  status: string;
  ip?: string;
  deleting: boolean;
}

/** A kubectl-like STATUS column: the waiting/terminated reason of the first unhappy container. */
export function podStatus(p: V1Pod): string {
  if (p.metadata?.deletionTimestamp) return 'Terminating';
  const all = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
  for (const c of all) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason && c.state.terminated.reason !== 'Completed') return c.state.terminated.reason;
  }
  return p.status?.phase ?? 'Unknown';
}

export function summarizePod(p: V1Pod): PodSummary {
  const cs = p.status?.containerStatuses ?? [];
  return {
    name: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: cs.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    status: podStatus(p),
    ...(p.status?.podIP ? { ip: p.status.podIP } : {}),
    deleting: Boolean(p.metadata?.deletionTimestamp),
  };
}

export async function listPods(kc: KubeConfig, namespace: string, labelSelector?: string): Promise<V1Pod[]> {
  const core = kc.makeApiClient(CoreV1Api);
  return (await core.listNamespacedPod({ namespace, ...(labelSelector ? { labelSelector } : {}) })).items;
}

/** Wait until `count` (default: all, at least one) live pods matching the selector are Ready. */
export async function waitForReadyPods(
  kc: KubeConfig,
  namespace: string,
  labelSelector: string | undefined,
  opts: { count?: number; timeoutMs?: number } = {},
): Promise<V1Pod[]> {
  return await pollUntil(
    `Ready pods in ${namespace}${labelSelector ? ` (${labelSelector})` : ''}`,
    async () => {
      const pods = (await listPods(kc, namespace, labelSelector)).filter((p) => !p.metadata?.deletionTimestamp);
      const ready = pods.filter((p) => summarizePod(p).ready);
      const want = opts.count ?? Math.max(1, pods.length);
      return ready.length >= want && (opts.count !== undefined || ready.length === pods.length) ? ready : undefined;
    },
    opts.timeoutMs ?? 120_000,
    500,
  );
}

/** Wait until some live pod matching the selector is in CrashLoopBackOff after at least one restart. */
export async function waitForCrashLoop(
  kc: KubeConfig,
  namespace: string,
  labelSelector: string,
  timeoutMs = 120_000,
): Promise<V1Pod[]> {
  return await pollUntil(
    `CrashLoopBackOff in ${namespace} (${labelSelector})`,
    async () => {
      const pods = (await listPods(kc, namespace, labelSelector)).filter((p) => !p.metadata?.deletionTimestamp);
      const looping = pods.filter(
        (p) => summarizePod(p).status === 'CrashLoopBackOff' && summarizePod(p).restarts >= 1,
      );
      return looping.length ? looping : undefined;
    },
    timeoutMs,
    500,
  );
}

/** Current (or previous) log of a pod's container through the API server (kubelet behind it). */
export async function podLog(
  kc: KubeConfig,
  namespace: string,
  pod: string,
  container: string,
  previous = false,
): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  return await core.readNamespacedPodLog({ name: pod, namespace, container, previous });
}

export interface RunnableEstate extends SeedResult {
  /** The vote pods, crash-looping with gunicorn's temp-dir error in their previous log. */
  crashing: string[];
}

/**
 * Seed the runnable estate (test/harness/seed-node) on a cluster with a node and wait until
 * it is in its story state: every workload but `shop/vote` Ready, vote's pods in
 * CrashLoopBackOff with gunicorn's temp-dir error in their previous log.
 */
export async function seedRunnableEstate(
  kubeconfigPath: string,
  kc: KubeConfig,
  opts: { log?: (m: string) => void; timeoutMs?: number } = {},
): Promise<RunnableEstate> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const res = await seedEstate(kubeconfigPath, {
    dir: NODE_SEED_DIR,
    ...(opts.log ? { log: opts.log } : {}),
    timeoutMs,
  });
  for (const app of ['result', 'worker', 'redis', 'db'])
    await waitForReadyPods(kc, 'shop', `app=${app}`, { timeoutMs });
  const looping = await waitForCrashLoop(kc, 'shop', 'app=vote', timeoutMs);
  const first = looping[0]!;
  await pollUntil(
    'gunicorn temp-dir error in the previous log of a vote pod',
    async () =>
      GUNICORN_TMP_ERROR.test(await podLog(kc, 'shop', first.metadata!.name!, 'vote', true)) ? true : undefined,
    30_000,
    500,
  );
  return { ...res, crashing: looping.map((p) => p.metadata?.name ?? '') };
}
