// Pass/fail of a trial pod from its real status. Ready (and steady) with no restarts passes;
// CrashLoopBackOff, CreateContainerConfigError, an image that cannot be pulled, OOMKilled, any
// restart, a failed init container, a failed readiness probe or no Ready in time fail. Pure.

import type { Classification, ContainerObservation, TrialObservation } from './types.js';

/** Waiting reasons that end a trial at once. */
export const FAILING_WAITING = [
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
];

export interface ClassifyOptions {
  /** True once the watch time is up. */
  timedOut: boolean;
  /** How long the pod must stay Ready with no restart to pass (default 3 s). */
  settleMs?: number;
  timeoutMs: number;
}

const said = (c: ContainerObservation, what: string, message?: string) =>
  `container "${c.name}"${c.init ? ' (init)' : ''}: ${what}${message ? `: ${message}` : ''}`;

/** Classifies a snapshot of the trial pod. */
export function classifyTrial(o: TrialObservation, opts: ClassifyOptions): Classification {
  for (const c of o.containers) {
    if (c.waiting && FAILING_WAITING.includes(c.waiting.reason)) {
      // CrashLoopBackOff says little: the last termination says why.
      const last = c.lastTerminated;
      const msg =
        c.waiting.reason === 'CrashLoopBackOff' && last
          ? `exited ${last.exitCode} (${last.reason})${last.message ? `: ${last.message}` : ''}`
          : (c.waiting.message ?? '');
      // The reason is shown beside the message everywhere (round lines, the record): not in it again.
      return { verdict: 'fail', reason: c.waiting.reason, message: said(c, msg === '' ? c.waiting.reason : msg) };
    }
  }
  for (const c of o.containers) {
    const t = [c.terminated, c.lastTerminated].find((x) => x?.reason === 'OOMKilled');
    if (t)
      return { verdict: 'fail', reason: 'OOMKilled', message: said(c, 'killed for using more memory than its limit') };
  }
  for (const c of o.containers) {
    if (c.init && c.terminated && c.terminated.exitCode !== 0)
      return {
        verdict: 'fail',
        reason: 'InitContainerFailed',
        message: said(c, `exited ${c.terminated.exitCode} (${c.terminated.reason})`, c.terminated.message),
      };
    if (!c.init && c.restartCount > 0) {
      const last = c.lastTerminated;
      return {
        verdict: 'fail',
        reason: 'Restarted',
        message: said(
          c,
          `restarted ${c.restartCount} time(s)`,
          last ? `last exit ${last.exitCode} (${last.reason})` : undefined,
        ),
      };
    }
    if (!c.init && c.terminated)
      return {
        verdict: 'fail',
        reason: 'Terminated',
        message: said(c, `exited ${c.terminated.exitCode} (${c.terminated.reason})`, c.terminated.message),
      };
  }
  if (o.phase === 'Failed') return { verdict: 'fail', reason: 'Failed', message: 'the pod failed' };
  if (o.ready && o.readyForMs >= (opts.settleMs ?? 3000))
    return {
      verdict: 'pass',
      reason: 'Ready',
      message: `Ready after ${Math.round((o.elapsedMs - o.readyForMs) / 1000)}s with no restarts`,
    };
  if (!opts.timedOut) return { verdict: 'running', reason: o.phase, message: '' };
  const probe = o.events.find((e) => e.reason === 'Unhealthy' && /Readiness probe failed/i.test(e.message));
  if (probe && !o.ready) return { verdict: 'fail', reason: 'ReadinessProbeFailed', message: probe.message };
  if (o.ready) return { verdict: 'pass', reason: 'Ready', message: 'Ready with no restarts' };
  const scheduled = o.conditions.find((c) => c.type === 'PodScheduled' && c.status !== 'True');
  const why = scheduled
    ? `not scheduled${scheduled.reason ? ` (${scheduled.reason}${scheduled.message ? `: ${scheduled.message}` : ''})` : ''}`
    : `${o.phase}${o.containers.find((c) => c.waiting)?.waiting?.reason ? `, ${o.containers.find((c) => c.waiting)?.waiting?.reason ?? ''}` : ''}`;
  return {
    verdict: 'fail',
    reason: 'Timeout',
    message: `not Ready within ${Math.round(opts.timeoutMs / 1000)}s: ${why}`,
  };
}
