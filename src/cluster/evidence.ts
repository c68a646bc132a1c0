// Shell, opt-in and read-only: gathers evidence for the fix engine from a live workload's pods.
// Container logs (current and previous, bounded) always; with `probe` (needs pods/exec, asked first
// by the caller) runs `id -u`, `id -g` and a search for files written since the container started
// outside mounted volumes. Containers without a shell are skipped and say so. Never throws for a
// pod, container or log that cannot be read: that becomes a note.

import * as http from 'node:http';
import * as https from 'node:https';
import { PassThrough } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import type { ClusterSession } from './connect.js';
import { mapLimit } from './list.js';
import {
  analyzeLogs,
  mergeContainerEvidence,
  parseProbeOutput,
  type ContainerEvidence,
  type Evidence,
} from '../fix/evidence.js';
import { workloadKey, type Workload } from '../inventory/types.js';
import { CancelledError } from '../errors.js';
import { pathSegment } from '../inventory/object-names.js';

export interface EvidenceOptions {
  /** Run the exec probe (the caller has asked the operator first). */
  probe: boolean;
  /** Log lines read per container and log (default 200). */
  tailLines?: number;
  /** Bytes read at most per container and log (default 256 KiB). */
  limitBytes?: number;
  /** Timeout per log read and per exec (default 15 s). */
  timeoutMs?: number;
  /** Waits before asking again for a previous log whose container the kubelet just removed (default 1, 2, 3 s). */
  retryDelaysMs?: readonly number[];
}

/** Why the logs of a workload's pod said nothing (for the per-namespace notes). */
export type LogProblem = 'noPods' | 'notStarted' | 'forbidden' | 'unavailable';

/** Evidence plus what went wrong reading logs (kept apart so callers can aggregate). */
export interface GatheredEvidence {
  evidence: Evidence;
  pod: string | undefined;
  problem?: { kind: LogProblem; detail: string };
}

const SEP = '---podsec---';
/**
 * `-xdev` stays on the container's root filesystem, so mounted volumes are left out. "Written at
 * run time" means newer than the container's start, marked by its termination-log file, which the
 * kubelet creates for each container just before starting it (then the pod's /etc/hostname).
 * Not /proc/1/cmdline: procfs stamps an inode when it is first looked up, so by the time the probe
 * runs it is newer than everything the program wrote (seen on a real node). The fourth part names,
 * for every directory above a written file, one file of the image there (not changed since the
 * start), so the fix engine knows where an emptyDir would hide image content (src/fix/evidence.ts
 * writtenDirectories). POSIX sh only: no sort, awk or sed needed.
 */
export const PROBE_SCRIPT = [
  `id -u; echo ${SEP}; id -g; echo ${SEP};`,
  `r=/dev/termination-log; [ -f "$r" ] || r=/etc/hostname; [ -f "$r" ] || r=/proc/1/cmdline;`,
  `w=$(find / -xdev -type f -newer "$r" 2>/dev/null | head -n 200); printf '%s\\n' "$w"; echo ${SEP};`,
  `seen=' '; printf '%s\\n' "$w" | while IFS= read -r f; do d="\${f%/*}"; while [ -n "$d" ]; do`,
  `case "$seen" in *" $d "*) ;; *) seen="$seen$d "; find "$d/" -xdev -mindepth 1 ! -type d ! -newer "$r" 2>/dev/null | head -n 1 ;; esac;`,
  `d="\${d%/*}"; done; done`,
].join(' ');

/** Container names of the template (init containers first). */
export function containerNames(w: Workload): string[] {
  const spec = w.template.spec;
  return ['initContainers', 'containers'].flatMap((l) => {
    const list = spec[l];
    return Array.isArray(list) ? list.map((c: unknown) => String((c as { name?: unknown }).name ?? '')) : [];
  });
}

type PodStatus = NonNullable<NonNullable<Workload['live']>['podStatuses']>[number];

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

export type LogResult = { text: string } | { status: number; message: string };

/**
 * GET of a text endpoint (pods/log) with the kubeconfig's TLS and credentials. Raw, because an
 * empty log (a pod that never started) comes back as 200 with no Content-Type, which the
 * generated client rejects. Reads at most `limitBytes` (+ a little) whatever the server sends.
 */
async function getText(kc: KubeConfig, path: string, timeoutMs: number, limitBytes: number): Promise<LogResult> {
  const server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
  const o: https.RequestOptions = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(o);
  } catch (e) {
    return { status: 0, message: firstLine(e instanceof Error ? e.message : String(e)) };
  }
  const url = new URL(server + path);
  const mod = url.protocol === 'http:' ? http : https;
  return new Promise((resolve) => {
    const req = mod.request(
      url,
      {
        ...o,
        method: 'GET',
        headers: { ...o.headers, Accept: 'text/plain, application/json', 'User-Agent': 'podsec' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (): void => {
          const text = Buffer.concat(chunks).subarray(0, limitBytes).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ text });
          let message = text.trim();
          try {
            const st = JSON.parse(text) as { message?: unknown };
            if (typeof st.message === 'string') message = st.message;
          } catch {
            // not a Status object: keep the text
          }
          resolve({ status, message: `HTTP ${status}${message !== '' ? `: ${firstLine(message)}` : ''}` });
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= limitBytes) {
            // A server that ignores limitBytes: stop reading, keep the first limitBytes.
            res.removeAllListeners('data');
            req.destroy();
            finish();
          }
        });
        res.on('error', (e) => resolve({ status: 0, message: firstLine(e.message) }));
        res.on('end', finish);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${Math.round(timeoutMs / 1000)}s`)));
    req.on('error', (e) => resolve({ status: 0, message: firstLine(e.message) }));
    req.end();
  });
}

const firstLine = (t: string): string => (t.split('\n')[0] ?? '').slice(0, 200);

/** A readable text for whatever an exec rejects with (Error, ws ErrorEvent, Status, string). */
function describe(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e !== null && typeof e === 'object') {
    const o = e as { message?: unknown; error?: unknown; reason?: unknown };
    if (typeof o.message === 'string' && o.message !== '') return o.message;
    if (o.error !== undefined && o.error !== e) return describe(o.error);
    if (typeof o.reason === 'string') return o.reason;
    try {
      return JSON.stringify(e);
    } catch {
      return 'failed';
    }
  }
  return String(e);
}

/**
 * The kubelet's answer when the container a log request names is gone. Seen on a real node for
 * `previous` of a crash-looping container: just after a new instance dies, the pod status still
 * names the instance before it as the last terminated one, which the kubelet has already removed
 * (it keeps one dead instance per container). The status catches up within a status sync.
 */
const GONE_CONTAINER_RE = /unable to retrieve container logs for/i;

/** One container log (current or previous), bounded; a failed read is `{ status, message }`. */
export async function readLog(
  kc: KubeConfig,
  ns: string,
  pod: string,
  container: string,
  previous: boolean,
  opts: EvidenceOptions,
): Promise<LogResult> {
  const limitBytes = opts.limitBytes ?? 256 * 1024;
  const q = new URLSearchParams({
    container,
    previous: String(previous),
    tailLines: String(opts.tailLines ?? 200),
    limitBytes: String(limitBytes),
  });
  const path = `/api/v1/namespaces/${pathSegment('Namespace', ns)}/pods/${pathSegment('Pod', pod)}/log?${q.toString()}`;
  const first = await getText(kc, path, opts.timeoutMs ?? 15_000, limitBytes);
  if (!previous || !('status' in first) || !GONE_CONTAINER_RE.test(first.message)) return first;
  // The previous instance was removed under a stale pod status: ask again once the status has moved on.
  for (const delayMs of opts.retryDelaysMs ?? [1000, 2000, 3000]) {
    await new Promise((r) => setTimeout(r, delayMs));
    const again = await getText(kc, path, opts.timeoutMs ?? 15_000, limitBytes);
    if (!('status' in again) || !GONE_CONTAINER_RE.test(again.message)) return again;
  }
  return first;
}

async function execProbe(
  session: ClusterSession,
  ns: string,
  pod: string,
  container: string,
  timeoutMs: number,
): Promise<{ out: string } | { error: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  // The client builds the URL from ns and pod: check them as for our own paths.
  pathSegment('Namespace', ns);
  pathSegment('Pod', pod);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ error: 'timed out' }), timeoutMs);
    const done = (status: V1Status): void => {
      clearTimeout(timer);
      resolve(status.status === 'Success' ? { out } : { error: status.message ?? (err.trim() || 'failed') });
    };
    new Exec(session.kc)
      .exec(ns, pod, container, ['sh', '-c', PROBE_SCRIPT], stdout, stderr, null, false, done)
      .then((ws) => ws.on('error', (e: unknown) => done({ status: 'Failure', message: firstLine(describe(e)) })))
      .catch((e: unknown) => {
        clearTimeout(timer);
        resolve({ error: firstLine(describe(e)) || 'failed' });
      });
  });
}

/** Pod reasons (kubectl's STATUS) of a container that is not running: there is nothing to exec into. */
const NOT_RUNNING_RE =
  /^(CrashLoopBackOff|Error|OOMKilled|ContainerCreating|PodInitializing|CreateContainerConfigError|CreateContainerError|RunContainerError|ImagePullBackOff|ErrImagePull|ErrImageNeverPull|InvalidImageName|ContainerCannotRun|Completed|StartError)$/;

/**
 * The note for an exec probe that did not run. A crash-looping container is the common case:
 * exec needs a running container, and the API server only answers the upgrade with a bare 500,
 * so say what happened and where the evidence comes from instead.
 */
export function probeFailureNote(container: string, pod: PodStatus, error: string): string {
  const where = `container "${container}" in pod ${pod.name}`;
  if (/executable file not found|no such file|not found in \$PATH/i.test(error))
    return `${where} has no shell: probe skipped`;
  const reason = pod.reason ?? (pod.phase !== 'Running' ? pod.phase : undefined);
  const notRunning =
    (reason !== undefined && NOT_RUNNING_RE.test(reason)) ||
    (pod.phase !== 'Running' && pod.phase !== 'Unknown') ||
    /container not found|not running|stopped state|\b500\b/i.test(error);
  if (!notRunning) return `${where}: probe failed (${error})`;
  const state = reason
    ? `${reason}${pod.restarts > 0 ? `, ${pod.restarts} restart${pod.restarts === 1 ? '' : 's'}` : ''}`
    : `exec answered: ${error}`;
  return `${where} is not running (${state}): exec is not possible, so no probe; the evidence comes from its logs (--evidence reads the crashed instance's log)`;
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
      const r = await execProbe(session, w.namespace, pod.name, name, opts.timeoutMs ?? 15_000);
      if ('out' in r) {
        const [uid = '', gid = '', files = '', image] = r.out.split(SEP);
        parts.push(parseProbeOutput(uid, gid, files, image));
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
