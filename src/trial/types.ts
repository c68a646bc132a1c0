// Trial runs (issue 12): the patched pod template runs as a short-lived, owner-less copy in the
// workload's namespace before the rollout. Types of the pure core; src/cluster/trial.ts is the
// adapter that creates, watches and deletes the pod.

import type { FixChange } from '../fix/types.js';

/** What one container of the trial pod showed (from the pod's status). */
export interface ContainerObservation {
  name: string;
  init: boolean;
  ready: boolean;
  restartCount: number;
  waiting?: { reason: string; message?: string };
  terminated?: { reason: string; exitCode: number; message?: string };
  lastTerminated?: { reason: string; exitCode: number; message?: string };
}

/** A snapshot of the trial pod, with the events seen so far. */
export interface TrialObservation {
  phase: string;
  /** The pod's Ready condition. */
  ready: boolean;
  /** How long it has been Ready without a break (0 when not Ready). */
  readyForMs: number;
  elapsedMs: number;
  containers: ContainerObservation[];
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  events: { type: string; reason: string; message: string }[];
}

export type TrialVerdict = 'pass' | 'fail' | 'running';

/** The decision about a trial pod: pass, fail (with the reason) or keep watching. */
export interface Classification {
  verdict: TrialVerdict;
  /** Short reason: Ready, CrashLoopBackOff, CreateContainerConfigError, OOMKilled, Timeout ... */
  reason: string;
  /** The kubelet's or the container's own words. */
  message: string;
}

/** Everything a finished trial pod left behind (the adapter always deletes the pod). */
export interface TrialRunResult {
  pod: string;
  observation: TrialObservation;
  classification: Classification;
  /** Container logs (current and previous), by container name. */
  logs: Record<string, string>;
  /** True once the pod is gone (deleted and not found). */
  deleted: boolean;
}

/** One round of a trial: what ran, how it ended, the lines that drove the next proposal. */
export interface TrialRound {
  round: number;
  result: 'pass' | 'fail';
  reason: string;
  message: string;
  durationMs: number;
  /** Log and kubelet lines the evidence engine acted on. */
  lines: string[];
  /** The same lines by container (the evidence is per container): re-planning reads them back. */
  containerLines?: Record<string, string[]> | undefined;
  /** A failed round: the last lines each container logged (`name: line`), evidence or not. */
  logTail?: string[] | undefined;
  /** Fingerprint of the pod template this round ran (the fix phase's template, as `fingerprintAfter`). */
  template?: string | undefined;
  /** Changes the re-proposal added after this round (empty on the last round). */
  changes: FixChange[];
}

/** The trial record of one workload, kept in plan.json. */
export interface TrialRecord {
  result: 'pass' | 'fail' | 'refused';
  reason: string;
  rounds: TrialRound[];
  durationMs: number;
  /** Fingerprint of the workload's template the trial copied (as the plan's `fingerprint`). */
  fingerprint?: string | undefined;
  /** A refusal the operator overrode, with the stated reason. */
  override?: string | undefined;
}
