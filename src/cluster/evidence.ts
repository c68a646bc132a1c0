// Shell, opt-in and read-only: gathers evidence for the fix engine from a live workload's pods.
// Container logs (current and previous) always; with `probe` (needs pods/exec, asked first by
// the caller) runs `id -u`, `id -g` and a search for files written since the container started
// outside mounted volumes. Containers without a shell are skipped and say so.

import { PassThrough } from 'node:stream';
import { CoreV1Api, Exec, type V1Status } from '@kubernetes/client-node';
import type { ClusterSession } from './connect.js';
import { analyzeLogs, mergeContainerEvidence, parseProbeOutput, type ContainerEvidence, type Evidence } from '../fix/evidence.js';
import type { Workload } from '../inventory/types.js';

export interface EvidenceOptions {
  /** Run the exec probe (the caller has asked the operator first). */
  probe: boolean;
  /** Log lines read per container and log (default 500). */
  tailLines?: number;
  /** Exec timeout per container (default 15 s). */
  timeoutMs?: number;
}

const SEP = '---podsec---';
/** `-xdev` stays on the container's root filesystem, so mounted volumes are left out. */
const PROBE_SCRIPT = `id -u; echo ${SEP}; id -g; echo ${SEP}; find / -xdev -type f -newer /proc/1/cmdline 2>/dev/null | head -n 200`;

function containerNames(w: Workload): string[] {
  const spec = w.template.spec;
  return ['initContainers', 'containers'].flatMap((l) => {
    const list = spec[l];
    return Array.isArray(list) ? list.map((c: unknown) => String((c as { name?: unknown }).name ?? '')) : [];
  });
}

/** The pod to look at: a crashing one first, then the one with most restarts. */
function pickPod(w: Workload): string | undefined {
  const pods = [...(w.live?.podStatuses ?? [])].sort((a, b) => {
    const crash = (p: typeof a): number => (p.reason === 'CrashLoopBackOff' ? 1 : 0);
    return crash(b) - crash(a) || b.restarts - a.restarts || (a.name < b.name ? -1 : 1);
  });
  return pods[0]?.name ?? (w.kind === 'Pod' ? w.name : undefined);
}

async function readLog(core: CoreV1Api, ns: string, pod: string, container: string, previous: boolean, tailLines: number): Promise<string> {
  try {
    return await core.readNamespacedPodLog({ name: pod, namespace: ns, container, previous, tailLines });
  } catch {
    return ''; // no previous instance, or the container never started: nothing to learn
  }
}

async function execProbe(session: ClusterSession, ns: string, pod: string, container: string, timeoutMs: number): Promise<{ out: string } | { error: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ error: 'timed out' }), timeoutMs);
    const done = (status: V1Status): void => {
      clearTimeout(timer);
      resolve(status.status === 'Success' ? { out } : { error: status.message ?? (err.trim() || 'failed') });
    };
    new Exec(session.kc).exec(ns, pod, container, ['sh', '-c', PROBE_SCRIPT], stdout, stderr, null, false, done).catch((e: unknown) => {
      clearTimeout(timer);
      resolve({ error: e instanceof Error ? e.message : String(e) });
    });
  });
}

/** Evidence for one workload; never throws for a pod or container that cannot be read. */
export async function gatherEvidence(session: ClusterSession, w: Workload, opts: EvidenceOptions): Promise<Evidence> {
  const evidence: Evidence = { containers: {}, notes: [] };
  const pod = pickPod(w);
  if (pod === undefined) {
    evidence.notes.push(`${w.kind} ${w.namespace}/${w.name} has no pods: no evidence`);
    return evidence;
  }
  const core = session.kc.makeApiClient(CoreV1Api);
  const tail = opts.tailLines ?? 500;
  for (const name of containerNames(w)) {
    const logs = (await readLog(core, w.namespace, pod, name, true, tail)) + '\n' + (await readLog(core, w.namespace, pod, name, false, tail));
    const parts: Partial<ContainerEvidence>[] = [analyzeLogs(logs)];
    if (opts.probe) {
      const r = await execProbe(session, w.namespace, pod, name, opts.timeoutMs ?? 15_000);
      if ('out' in r) {
        const [uid = '', gid = '', files = ''] = r.out.split(SEP);
        parts.push(parseProbeOutput(uid, gid, files));
      } else if (/executable file not found|no such file|not found/i.test(r.error)) {
        evidence.notes.push(`container "${name}" in pod ${pod} has no shell: probe skipped`);
      } else {
        evidence.notes.push(`container "${name}" in pod ${pod}: probe failed (${r.error})`);
      }
    }
    evidence.containers[name] = mergeContainerEvidence(...parts);
  }
  return evidence;
}
