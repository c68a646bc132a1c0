// Shell, opt-in and read-only: gathers evidence for the fix engine from a live workload's pods.
// Container logs (current and previous, bounded) always; with `probe` (needs pods/exec, asked first
// by the caller) runs `id -u`, `id -g` and a search for files written since the container started
// outside mounted volumes (src/cluster/exec-probe.ts); the log reads are src/cluster/pod-log.ts.
// Containers without a shell are skipped and say so. Never throws for a pod, container or log that
// cannot be read: that becomes a note.

import type { ClusterSession } from './connect.js';
import { probeContainer, probeFailureNote, type PodStatus } from './exec-probe.js';
import { mapLimit } from './list.js';
import { GONE_CONTAINER_RE, readLog, type LogReadOptions, type LogResult } from './pod-log.js';
import { analyzeLogs, mergeContainerEvidence, type ContainerEvidence, type Evidence } from '../fix/evidence.js';
import { workloadKey, type Workload } from '../inventory/types.js';
import { CancelledError } from '../errors.js';

/** Log reads (src/cluster/pod-log.ts); `timeoutMs` also bounds each exec. */
export interface EvidenceOptions extends LogReadOptions {
  /** Run the exec probe (the caller has asked the operator first). */
  probe: boolean;
}

/** Why the logs of a workload's pod said nothing (for the per-namespace notes). */
export type LogProblem = 'noPods' | 'notStarted' | 'forbidden' | 'unavailable';

/** Evidence plus what went wrong reading logs (kept apart so callers can aggregate). */
export interface GatheredEvidence {
  evidence: Evidence;
  pod: string | undefined;
  problem?: { kind: LogProblem; detail: string };
}

/** Container names of the template (init containers first). */
export function containerNames(w: Workload): string[] {
  const spec = w.template.spec;
  return ['initContainers', 'containers'].flatMap((l) => {
    const list = spec[l];
    return Array.isArray(list) ? list.map((c: unknown) => String((c as { name?: unknown }).name ?? '')) : [];
  });
}

/** The pod to look at: a crashing one first, then the one with most restarts, then by name. */
export function pickPod(w: Workload): PodStatus | undefined {
  const pods = [...(w.live?.podStatuses ?? [])].sort((a, b) => {
    const crash = (p: PodStatus): number => (p.reason === 'CrashLoopBackOff' ? 1 : 0);
    return crash(b) - crash(a) || b.restarts - a.restarts || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  });
  return pods[0] ?? (w.kind === 'Pod' ? { name: w.name, phase: 'Unknown', restarts: 0 } : undefined);
}

/** True when some pod is not Running, is waiting/terminated with a reason, or has restarted. */
export function isUnhealthy(w: Workload): boolean {
  return (w.live?.podStatuses ?? []).some(
    (p) =>
      (p.phase !== 'Running' && p.phase !== 'Succeeded') ||
      p.restarts > 0 ||
      (p.reason !== undefined && p.reason !== 'Completed'),
  );
}

/** Log problem of one pod: a forbidden or failing read wins over "not started". */
function logProblem(results: LogResult[], pod: PodStatus): GatheredEvidence['problem'] {
  const failed = results.filter((r): r is { status: number; message: string } => 'status' in r);
  // The previous instance of a container that never restarted answers 400: nothing to learn.
  // A previous instance the kubelet removed (GONE_CONTAINER_RE) while the current log was read is
  // not a problem either: the current log is the last crash's.
  const currentRead = results.some((r) => 'text' in r && r.text.trim() !== '');
  const real = failed.filter(
    (r) =>
      !(r.status === 400 && /previous terminated container|not found/i.test(r.message)) &&
      !(currentRead && GONE_CONTAINER_RE.test(r.message)),
  );
  const forbidden = real.find((r) => r.status === 403 || r.status === 401);
  if (forbidden) return { kind: 'forbidden', detail: forbidden.message };
  const other = real.find(
    (r) => r.status !== 400 || !/waiting to start|ContainerCreating|PodInitializing/i.test(r.message),
  );
  if (other) return { kind: 'unavailable', detail: other.message };
  const empty = results.every((r) => !('text' in r) || r.text.trim() === '');
  if (empty && (pod.phase === 'Pending' || real.length > 0))
    return { kind: 'notStarted', detail: `pod ${pod.name} is ${pod.reason ?? pod.phase}` };
  return undefined;
}

/** Evidence for one workload with the reason its logs were unreadable, if they were. */
export async function gatherWorkloadEvidence(
  session: ClusterSession,
  w: Workload,
  opts: EvidenceOptions,
): Promise<GatheredEvidence> {
  const evidence: Evidence = { containers: {}, notes: [] };
  const pod = pickPod(w);
  if (pod === undefined) {
    evidence.notes.push(`${w.kind} ${w.namespace}/${w.name} has no pods: no evidence`);
    return { evidence, pod: undefined, problem: { kind: 'noPods', detail: `${w.kind} ${w.name} has no pods` } };
  }
  const all: LogResult[] = [];
  for (const name of containerNames(w)) {
    const logs = await Promise.all([
      readLog(session.kc, w.namespace, pod.name, name, true, opts),
      readLog(session.kc, w.namespace, pod.name, name, false, opts),
    ]);
    all.push(...logs);
    const text = logs.map((l) => ('text' in l ? l.text : '')).join('\n');
    const parts: Partial<ContainerEvidence>[] = [analyzeLogs(text)];
    if (opts.probe) {
      const r = await probeContainer(session, w.namespace, pod.name, name, opts.timeoutMs ?? 15_000);
      if ('evidence' in r) {
        parts.push(r.evidence);
      } else {
        evidence.notes.push(probeFailureNote(name, pod, r.error));
      }
    }
    evidence.containers[name] = mergeContainerEvidence(...parts);
  }
  const problem = logProblem(all, pod);
  if (problem !== undefined)
    evidence.notes.push(`logs of pod ${pod.name}: ${problem.kind === 'notStarted' ? 'none yet' : problem.detail}`);
  return problem === undefined ? { evidence, pod: pod.name } : { evidence, pod: pod.name, problem };
}

/** Evidence for one workload; never throws for a pod or container that cannot be read. */
export async function gatherEvidence(session: ClusterSession, w: Workload, opts: EvidenceOptions): Promise<Evidence> {
  return (await gatherWorkloadEvidence(session, w, opts)).evidence;
}

export interface CollectOptions extends EvidenceOptions {
  /** Workloads that fail their target level (always gathered, healthy or not). */
  failsTarget?: (w: Workload) => boolean;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
  signal?: AbortSignal;
  /** Workloads read at once (default 4). */
  concurrency?: number;
}

export interface EvidenceCollection {
  /** Evidence per workload, for `generatePlan`/`buildPlan` `evidenceFor`. */
  evidenceFor: (w: Workload) => Evidence | undefined;
  /** Workload keys (ns/Kind/name) looked at, in input order. */
  gathered: string[];
  /** One line per namespace and problem, e.g. logs forbidden or pods not started; and probe notes. */
  notes: string[];
}

/** Workloads worth reading: failing their target, or with pods not running, waiting or restarting. */
export function selectForEvidence(workloads: readonly Workload[], failsTarget: (w: Workload) => boolean): Workload[] {
  return workloads.filter((w) => failsTarget(w) || isUnhealthy(w));
}

const PROBLEM_TEXT: Record<LogProblem, string> = {
  noPods: 'have no pods to read',
  notStarted: 'have no container logs yet (pods not started)',
  forbidden: 'could not be read: forbidden (grant get pods/log, templates/rbac/podsec-evidence.yaml)',
  unavailable: 'could not be read',
};

/** One line per namespace and problem: `namespace shop: logs of 2 workload(s) could not be read (...)`. */
export function summarizeProblems(
  results: readonly { namespace: string; problem?: { kind: LogProblem; detail: string } | undefined }[],
): string[] {
  const groups = new Map<string, { ns: string; kind: LogProblem; count: number; detail: string }>();
  for (const r of results) {
    if (r.problem === undefined) continue;
    const key = `${r.namespace}\u0000${r.problem.kind}`;
    const g = groups.get(key) ?? { ns: r.namespace, kind: r.problem.kind, count: 0, detail: r.problem.detail };
    g.count++;
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.kind < b.kind ? -1 : 1))
    .map(
      (g) =>
        `namespace ${g.ns}: logs of ${g.count} workload(s) ${PROBLEM_TEXT[g.kind]}${g.kind === 'unavailable' ? ` (${g.detail})` : ''}`,
    );
}

/**
 * Reads logs (and probes, when asked) for the workloads that need it, at most `concurrency` at a
 * time, one pod per workload. Cancelled by `signal` between workloads.
 */
export async function collectEvidence(
  session: ClusterSession,
  workloads: readonly Workload[],
  opts: CollectOptions,
): Promise<EvidenceCollection> {
  const picked = selectForEvidence(workloads, opts.failsTarget ?? (() => false));
  opts.progress?.(
    `reading container logs of ${picked.length} workload(s)${opts.probe ? ' and probing their containers' : ''}`,
  );
  const results = await mapLimit(picked, opts.concurrency ?? 4, async (w) => {
    if (opts.signal?.aborted) throw new CancelledError();
    return { w, ...(await gatherWorkloadEvidence(session, w, opts)) };
  });
  const byKey = new Map(results.map((r) => [workloadKey(r.w), r.evidence]));
  const probeNotes = results.flatMap((r) =>
    r.evidence.notes.filter((n) => n.startsWith('container ')).map((n) => `${workloadKey(r.w)}: ${n}`),
  );
  return {
    evidenceFor: (w) => byKey.get(workloadKey(w)),
    gathered: results.map((r) => workloadKey(r.w)),
    notes: [
      ...summarizeProblems(results.map((r) => ({ namespace: r.w.namespace, problem: r.problem }))),
      ...probeNotes,
    ],
  };
}
