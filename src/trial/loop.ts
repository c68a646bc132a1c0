// The trial loop (issue 12): run the patched pod template as a copy, classify it, and on failure
// feed its logs and the kubelet's messages to the evidence engine, re-propose and, with
// --iterate N, try again, up to N rounds. The cluster part is a port; this module is pure apart
// from awaiting it.

import { analyzeLogs, matchLogLine, mergeContainerEvidence, type Evidence } from '../fix/evidence.js';
import { fixPhaseTemplate } from '../fix/patches.js';
import type { FixChange, FixProposal } from '../fix/types.js';
import { workloadKey, type PodTemplate, type Workload } from '../inventory/types.js';
import { trialPod, trialRefusal } from './pod.js';
import { mergeEvidence } from './records.js';
import type { TrialRecord, TrialRound, TrialRunResult } from './types.js';

/** Runs one trial pod to its end and always deletes it (the adapter, src/cluster/trial.ts). */
export interface TrialPort {
  run(pod: Record<string, unknown>, opts: { timeoutMs: number; signal: AbortSignal }): Promise<TrialRunResult>;
}

export interface TrialLoopOptions {
  plan: string;
  /** Rounds at most (1 = no re-proposal). */
  iterate: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** A fresh proposal for the workload given the evidence gathered so far. */
  propose: (evidence: Evidence | undefined) => FixProposal;
  /** Unique suffix per pod (random in the shell, fixed in tests). */
  suffix: (round: number) => string;
  now: () => number;
  /** Fingerprint of a pod template (the plan's: SHA-256 of its stable JSON, from the shell). */
  fingerprint: (template: PodTemplate) => string;
  /** Claim -> access modes, for the refusal rule. */
  pvcAccessModes?: Readonly<Record<string, readonly string[]>>;
  /** The operator's stated reason to run a copy the rules refuse. */
  override?: string;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
}

/** The last lines each container logged (at most 5 per container), for a failed round's record. */
export function logTail(run: TrialRunResult, max = 5): string[] {
  return Object.entries(run.logs).flatMap(([name, text]) =>
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .slice(-max)
      .map((l) => `${name}: ${l.length > 300 ? `${l.slice(0, 297)}...` : l}`),
  );
}

/** Evidence from a finished trial: its logs plus the kubelet's waiting/termination messages and events. */
export function trialEvidence(run: TrialRunResult): {
  evidence: Evidence;
  lines: string[];
  containerLines: Record<string, string[]>;
} {
  const containers: Evidence['containers'] = {};
  const containerLines: Record<string, string[]> = {};
  const lines: string[] = [];
  for (const c of run.observation.containers) {
    const kubelet = [c.waiting?.message, c.terminated?.message, c.lastTerminated?.message].filter(
      (m): m is string => m !== undefined && m !== '',
    );
    const text = [run.logs[c.name] ?? '', ...kubelet].join('\n');
    const ev = analyzeLogs(text);
    containers[c.name] = mergeContainerEvidence(ev);
    const found = [...new Set(ev.findings.map((f) => f.line))];
    if (found.length > 0) containerLines[c.name] = found;
    lines.push(...found);
  }
  for (const e of run.observation.events) if (matchLogLine(e.message) !== null) lines.push(e.message);
  return { evidence: { containers, notes: [] }, lines: [...new Set(lines)], containerLines };
}

const changeKey = (c: FixChange) => `${c.path} ${JSON.stringify(c.value)}`;

/**
 * Trials a workload: refused (with the reason) unless safe or overridden; otherwise up to
 * `iterate` rounds, each a fresh copy of the latest proposal, stopping at the first pass, when
 * the evidence changes nothing, or when cancelled. Returns the record for plan.json and the last
 * proposal.
 */
export async function trialWorkload(
  w: Workload,
  port: TrialPort,
  opts: TrialLoopOptions,
): Promise<{ record: TrialRecord; proposal: FixProposal; evidence: Evidence | undefined }> {
  const started = opts.now();
  let proposal = opts.propose(undefined);
  const refusal = trialRefusal(w, opts.pvcAccessModes);
  if (refusal !== null && opts.override === undefined) {
    return {
      record: {
        result: 'refused',
        reason: `not tried: ${refusal} (override with --allow ${workloadKey(w)}=REASON)`,
        rounds: [],
        durationMs: 0,
      },
      proposal,
      evidence: undefined,
    };
  }
  const rounds: TrialRound[] = [];
  let evidence: Evidence | undefined;
  for (let round = 1; round <= Math.max(1, opts.iterate); round++) {
    if (opts.signal.aborted) break;
    const t0 = opts.now();
    // What the fix phase rolls out: the patched template (and a temporary ownership init container).
    const tried = fixPhaseTemplate(proposal);
    opts.progress?.(`trial ${workloadKey(w)}: round ${round}, up to ${Math.round(opts.timeoutMs / 1000)}s`);
    const run = await port.run(trialPod(w, tried, { plan: opts.plan, round, suffix: opts.suffix(round) }), {
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
    });
    const { verdict, reason, message } = run.classification;
    const result = verdict === 'pass' ? 'pass' : 'fail';
    const found = trialEvidence(run);
    const entry: TrialRound = {
      round,
      result,
      reason,
      message,
      durationMs: opts.now() - t0,
      lines: found.lines,
      containerLines: found.containerLines,
      template: opts.fingerprint(tried),
      ...(result === 'fail' ? { logTail: logTail(run) } : {}),
      changes: [],
    };
    rounds.push(entry);
    opts.progress?.(`  round ${round}: ${result} (${reason})${message ? `: ${message}` : ''}`);
    if (result === 'pass') break;
    evidence = mergeEvidence(evidence, found.evidence);
    if (round >= opts.iterate) break;
    const next = opts.propose(evidence);
    const before = new Set(proposal.changes.map(changeKey));
    entry.changes = next.changes.filter((c) => !before.has(changeKey(c)));
    if (JSON.stringify(next.patchedTemplate) === JSON.stringify(proposal.patchedTemplate)) {
      opts.progress?.('  the evidence changes nothing in the proposal: stopping');
      break;
    }
    for (const c of entry.changes) opts.progress?.(`  re-proposed: ${c.rationale}`);
    proposal = next;
  }
  const last = rounds[rounds.length - 1];
  const record: TrialRecord = {
    result: last?.result === 'pass' ? 'pass' : 'fail',
    reason:
      last === undefined
        ? 'cancelled before the first round'
        : last.result === 'pass'
          ? `passed in round ${last.round}`
          : `${last.reason}: ${last.message}`,
    rounds,
    durationMs: opts.now() - started,
    fingerprint: opts.fingerprint(w.template),
    ...(refusal !== null && opts.override !== undefined
      ? { override: `${refusal}; run anyway: ${opts.override}` }
      : {}),
  };
  return { record, proposal, evidence };
}
