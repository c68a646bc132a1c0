// Shell: follows the rollout of a patched Deployment, StatefulSet or DaemonSet until it is
// complete, fails, or times out, and reports pods that fail to start (reason, events, last log
// lines). `wait: 'admitted'` ends once the new pods exist (Pod Security admitted them), for
// clusters whose pods cannot start (no kubelet); `ready` waits until they are available.

import type { KubeConfig } from '@kubernetes/client-node';
import type { LiveObject, RolloutResult, WorkloadRef } from '../apply/ports.js';
import { CancelledError } from '../errors.js';
import type { KubeClient } from './client.js';
import { toClusterError } from './errors.js';
import { pathSegment } from '../inventory/object-names.js';

export interface RolloutOptions {
  timeoutMs: number;
  wait: 'ready' | 'admitted';
  pollMs?: number;
  signal?: AbortSignal;
}

type Obj = Record<string, unknown> & {
  metadata?: {
    name?: string;
    uid?: string;
    generation?: number;
    annotations?: Record<string, string>;
    ownerReferences?: { uid?: string; controller?: boolean }[];
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
};

const BAD_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'InvalidImageName',
]);
const num = (v: unknown, d = 0) => (typeof v === 'number' ? v : d);

interface Progress {
  done: boolean;
  message: string;
  /** A reason the rollout cannot succeed (FailedCreate, progress deadline). */
  failure?: string;
  /** Label selector of the new pods (to inspect failures). */
  podSelector?: (pod: Obj) => boolean;
}

/** Follows one rollout. Kinds without rolling pods (ReplicaSet, Job, CronJob, Pod) are not followed. */
export async function followRollout(
  client: KubeClient,
  kc: KubeConfig,
  ref: WorkloadRef,
  patched: LiveObject,
  opts: RolloutOptions,
  progress: (line: string) => void,
): Promise<RolloutResult> {
  if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(ref.kind)) {
    return {
      status: 'notFollowed',
      message: `a ${ref.kind} does not roll its pods; existing pods keep the old template until recreated`,
      failures: [],
    };
  }
  const base = `/apis/apps/v1/namespaces/${pathSegment('Namespace', ref.namespace)}`;
  const path = `${base}/${ref.kind.toLowerCase()}s/${pathSegment(ref.kind, ref.name)}`;
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  let p: Progress;
  for (;;) {
    try {
      const obj = (await client.get<Obj>(path)).body;
      p = await assess(client, base, ref, obj, opts.wait);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      throw toClusterError(err, client.server, `follow the rollout of ${ref.kind} ${ref.namespace}/${ref.name}`);
    }
    if (p.message !== last) progress(`  ${ref.kind} ${ref.namespace}/${ref.name}: ${p.message}`);
    last = p.message;
    if (p.done) return { status: 'complete', message: p.message, failures: [] };
    const failures = await podFailures(client, kc, ref.namespace, p.podSelector);
    if (p.failure || failures.length > 0) {
      return { status: 'failed', message: p.failure ?? `${failures.length} pod(s) failing to start`, failures };
    }
    if (Date.now() >= deadline)
      return { status: 'timeout', message: `${p.message} after ${Math.round(opts.timeoutMs / 1000)} s`, failures };
    await sleep(opts.pollMs ?? 1000, opts.signal);
  }
}

async function assess(
  client: KubeClient,
  base: string,
  ref: WorkloadRef,
  o: Obj,
  wait: 'ready' | 'admitted',
): Promise<Progress> {
  const st = o.status ?? {};
  const gen = num(o.metadata?.generation);
  if (num(st['observedGeneration']) < gen)
    return { done: false, message: 'waiting for the controller to see the change' };
  const desired = ref.kind === 'DaemonSet' ? num(st['desiredNumberScheduled']) : num(o.spec?.['replicas'], 1);
  const uid = o.metadata?.uid ?? '';
  if (ref.kind === 'Deployment') {
    const conds = (st['conditions'] as { type?: string; reason?: string; message?: string }[] | undefined) ?? [];
    const deadline = conds.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
    const revision = o.metadata?.annotations?.['deployment.kubernetes.io/revision'];
    const rsList = (await client.get<{ items?: Obj[] }>(`${base}/replicasets`)).body.items ?? [];
    const rs = rsList.find(
      (r) =>
        r.metadata?.ownerReferences?.some((x) => x.uid === uid) &&
        r.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision,
    );
    const rsFail = ((rs?.status?.['conditions'] as { type?: string; message?: string }[] | undefined) ?? []).find(
      (c) => c.type === 'ReplicaFailure',
    );
    const rsUid = rs?.metadata?.uid ?? '#';
    const podSelector = (pod: Obj) => pod.metadata?.ownerReferences?.some((x) => x.uid === rsUid) === true;
    if (rsFail)
      return {
        done: false,
        message: 'the new ReplicaSet cannot create pods',
        failure: `FailedCreate: ${rsFail.message ?? ''}`,
        podSelector,
      };
    if (deadline)
      return {
        done: false,
        message: 'progress deadline exceeded',
        failure: deadline.message ?? 'ProgressDeadlineExceeded',
        podSelector,
      };
    if (desired === 0) return { done: true, message: 'scaled to zero: nothing to roll out' };
    const created = num(rs?.status?.['replicas']);
    const wanted = num(rs?.spec?.['replicas']);
    if (wait === 'admitted') {
      const done = rs !== undefined && wanted > 0 && created >= wanted;
      return { done, message: `${created}/${wanted} pod(s) of the new ReplicaSet created (admitted)`, podSelector };
    }
    const updated = num(st['updatedReplicas']);
    const available = num(st['availableReplicas']);
    const total = num(st['replicas']);
    const done = updated >= desired && total === updated && available >= desired;
    return { done, message: `${updated}/${desired} updated, ${available} available`, podSelector };
  }
  const events = await failedCreateEvents(client, ref, uid);
  if (events.length > 0)
    return {
      done: false,
      message: 'the controller cannot create pods',
      failure: `FailedCreate: ${events[events.length - 1]}`,
    };
  if (ref.kind === 'StatefulSet') {
    const rev = String(st['updateRevision'] ?? '');
    const podSelector = (pod: Obj) =>
      (pod.metadata as { labels?: Record<string, string> } | undefined)?.labels?.['controller-revision-hash'] === rev &&
      pod.metadata?.ownerReferences?.some((x) => x.uid === uid) === true;
    if (desired === 0) return { done: true, message: 'scaled to zero: nothing to roll out' };
    const updated = num(st['updatedReplicas']);
    // An OrderedReady StatefulSet replaces a pod only once the others are ready, so with pods that
    // cannot start (no kubelet) `admitted` ends when the controller took the new revision.
    if (wait === 'admitted')
      return {
        done: true,
        message: `the controller took the new revision; ${updated}/${desired} pod(s) at it`,
        podSelector,
      };
    const ready = num(st['readyReplicas']);
    return {
      done: updated >= desired && ready >= desired && st['currentRevision'] === rev,
      message: `${updated}/${desired} updated, ${ready} ready`,
      podSelector,
    };
  }
  const updated = num(st['updatedNumberScheduled']);
  const podSelector = (pod: Obj) => pod.metadata?.ownerReferences?.some((x) => x.uid === uid) === true;
  if (wait === 'admitted')
    return {
      done: updated >= desired,
      message: `${updated}/${desired} node(s) with the new pod (admitted)`,
      podSelector,
    };
  const available = num(st['numberAvailable']);
  return {
    done: updated >= desired && available >= desired,
    message: `${updated}/${desired} updated, ${available} available`,
    podSelector,
  };
}

async function failedCreateEvents(client: KubeClient, ref: WorkloadRef, uid: string): Promise<string[]> {
  const q = { fieldSelector: `involvedObject.uid=${uid},reason=FailedCreate` };
  try {
    const items =
      (
        await client.get<{ items?: { message?: string }[] }>(
          `/api/v1/namespaces/${pathSegment('Namespace', ref.namespace)}/events`,
          q,
        )
      ).body.items ?? [];
    return items.map((e) => e.message ?? '');
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    return []; // events not readable (RBAC): the status checks still apply
  }
}

type PodStatus = { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[] };
type ContainerStatus = {
  name: string;
  restartCount?: number;
  state?: { waiting?: { reason?: string; message?: string } };
};

/** Pods (of the new revision) stuck in CrashLoopBackOff, image pull errors and the like. */
async function podFailures(
  client: KubeClient,
  kc: KubeConfig,
  ns: string,
  select: ((p: Obj) => boolean) | undefined,
): Promise<RolloutResult['failures']> {
  if (!select) return [];
  const pods = (
    (await client.get<{ items?: Obj[] }>(`/api/v1/namespaces/${pathSegment('Namespace', ns)}/pods`)).body.items ?? []
  ).filter(select);
  const out: RolloutResult['failures'] = [];
  for (const pod of pods) {
    const status = (pod.status ?? {}) as PodStatus;
    const bad = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])].find((c) =>
      BAD_WAITING.has(c.state?.waiting?.reason ?? ''),
    );
    if (!bad) continue;
    const name = pod.metadata?.name ?? '';
    const reason = `container ${bad.name}: ${bad.state?.waiting?.reason ?? ''}${bad.state?.waiting?.message ? ` (${bad.state.waiting.message})` : ''}`;
    out.push({
      pod: name,
      reason,
      logs: await lastLogLines(kc, ns, name, bad.name),
      events: await podEvents(client, ns, name),
    });
  }
  return out;
}

async function podEvents(client: KubeClient, ns: string, pod: string): Promise<string[]> {
  try {
    const q = { fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${pod}` };
    const items =
      (
        await client.get<{ items?: { type?: string; reason?: string; message?: string }[] }>(
          `/api/v1/namespaces/${pathSegment('Namespace', ns)}/events`,
          q,
        )
      ).body.items ?? [];
    return items
      .filter((e) => e.type === 'Warning')
      .slice(-5)
      .map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`);
  } catch {
    return [];
  }
}

/** The last 10 log lines of the previous (crashed) container, else the current one. */
async function lastLogLines(kc: KubeConfig, ns: string, pod: string, container: string): Promise<string[]> {
  const { CoreV1Api } = await import('@kubernetes/client-node');
  const api = kc.makeApiClient(CoreV1Api);
  // The client builds the URL from ns and pod: check them as for our own paths.
  pathSegment('Namespace', ns);
  pathSegment('Pod', pod);
  for (const previous of [true, false]) {
    try {
      const text = await api.readNamespacedPodLog({ name: pod, namespace: ns, container, tailLines: 10, previous });
      const lines = String(text)
        .split('\n')
        .filter((l) => l.trim() !== '');
      if (lines.length > 0) return lines;
    } catch {
      // no logs (never started, or not allowed): try the next
    }
  }
  return [];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
