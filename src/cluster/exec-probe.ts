// Shell, opt-in: the exec probe (needs pods/exec, asked first by the caller) runs `id -u`, `id -g`
// and a search for files written since the container started outside mounted volumes, in one
// container; what it found is parsed by the pure core (src/fix/evidence.ts). Never throws: a
// probe that cannot run is `{ error }`, and probeFailureNote says why in the operator's words.

import { PassThrough } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import type { ClusterSession } from './connect.js';
import { firstLine } from './pod-log.js';
import { parseProbeOutput, type ContainerEvidence } from '../fix/evidence.js';
import type { Workload } from '../inventory/types.js';
import { pathSegment } from '../inventory/object-names.js';

/** A pod of a workload as the inventory records it. */
export type PodStatus = NonNullable<NonNullable<Workload['live']>['podStatuses']>[number];

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

/** Probes one container: what the probe found, or why it could not run. */
export async function probeContainer(
  session: ClusterSession,
  ns: string,
  pod: string,
  container: string,
  timeoutMs: number,
): Promise<{ evidence: Partial<ContainerEvidence> } | { error: string }> {
  const r = await execProbe(session, ns, pod, container, timeoutMs);
  if ('error' in r) return r;
  const [uid = '', gid = '', files = '', image] = r.out.split(SEP);
  return { evidence: parseProbeOutput(uid, gid, files, image) };
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
