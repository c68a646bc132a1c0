// Pure: what one apply or rollback run carries (plan, ports, options, the journal so far), the
// journal recorder, and step outcomes. Only `record` writes, and never in a dry run.

import { CancelledError, InternalError, UserError } from '../errors.js';
import type { PhaseReport } from './apply-phase.js';
import type { Plan } from '../plan/plan-schema.js';
import {
  isInPlace,
  journalProblems,
  nextSeq,
  stepState,
  type EntryStatus,
  type JournalAction,
  type JournalEntry,
  type ObjectState,
} from './journal-model.js';
import type { ApplyPorts, Confirm } from './ports.js';
import type { StepView } from './steps.js';

/** Options of an apply or rollback run (the wizard passes its own confirm and progress). */
export interface RunOptions {
  /** Asked before writing, and before any risky step (drift, violating pods). */
  confirm: Confirm;
  /** Progress lines (stderr in the CLI). */
  progress: (line: string) => void;
  /** Run every check, write nothing (no journal entries either). */
  dryRun: boolean;
  /** Skip gating, drift and "changed since" refusals (still shown). */
  force: boolean;
  /** --yes: the phase is confirmed; risky steps are refused instead of asked (unless force). */
  assumeYes: boolean;
  /**
   * The operator already confirmed this phase after reviewing its dry run (the wizard): the phase
   * question is not asked a second time; risky steps (drift, violating pods) still are.
   */
  phaseConfirmed?: boolean;
  /** Limit to these namespaces (empty = all of the phase). */
  namespaces?: readonly string[];
}

/** What happened to one step. */
export type OutcomeKind =
  | 'applied'
  | 'alreadyDone'
  | 'wouldApply'
  | 'skipped'
  | 'refused'
  | 'failed'
  | 'manual'
  | 'rolledBack'
  | 'wouldRollBack';

/** How each outcome is named to the operator (CLI report and wizard). */
export const OUTCOME_LABEL: Readonly<Record<OutcomeKind, string>> = {
  applied: 'applied',
  alreadyDone: 'done',
  wouldApply: 'would apply',
  skipped: 'skipped',
  refused: 'refused',
  failed: 'FAILED',
  manual: 'manual',
  rolledBack: 'rolled back',
  wouldRollBack: 'would revert',
};

export interface StepOutcome {
  step: string;
  namespace: string;
  /** `namespace shop` or `Deployment shop/vote`. */
  target: string;
  outcome: OutcomeKind;
  message: string;
  details: string[];
}

/** A run in progress. `entries` grows as the run records. */
export interface Run {
  plan: Plan;
  ports: ApplyPorts;
  opts: RunOptions;
  entries: JournalEntry[];
}

/** Fields of an entry the caller chooses; the rest comes from the run. */
export interface EntryInput {
  view: StepView;
  action: JournalAction;
  status: EntryStatus;
  before: ObjectState | null;
  after: ObjectState | null;
  resourceVersionBefore?: string | undefined;
  resourceVersionAfter?: string | undefined;
  message?: string;
  /** The entry records a read, not a write. */
  observed?: boolean;
}

/** Appends one entry (on disk before this resolves) and keeps it in `run.entries`. */
export async function record(run: Run, input: EntryInput): Promise<JournalEntry> {
  if (run.opts.dryRun) throw new InternalError('a dry run tried to write the journal');
  const s = input.view.step;
  const entry: JournalEntry = {
    v: 1,
    seq: nextSeq(run.entries),
    run: run.ports.runId,
    step: input.view.id,
    phase: input.view.phase,
    action: input.action,
    status: input.status,
    namespace: s.namespace,
    kind: s.type === 'labels' ? 'Namespace' : s.kind,
    apiVersion: s.type === 'labels' ? 'v1' : s.apiVersion,
    name: s.type === 'labels' ? s.namespace : s.name,
    before: input.before,
    after: input.after,
    time: run.ports.now().toISOString(),
    user: run.ports.user,
  };
  if (input.resourceVersionBefore !== undefined) entry.resourceVersionBefore = input.resourceVersionBefore;
  if (input.resourceVersionAfter !== undefined) entry.resourceVersionAfter = input.resourceVersionAfter;
  if (input.message !== undefined) entry.message = input.message;
  if (input.observed) entry.observed = true;
  if (input.status === 'intended' && input.action === 'apply' && isInPlace(stepState(run.entries, input.view.id)))
    entry.again = true;
  await run.ports.journal.append(entry);
  run.entries.push(entry);
  return entry;
}

/** Takes the journal lock for a writing run (none for a dry run); returns its release. */
function lockRun(ports: ApplyPorts, opts: RunOptions, command: string): () => void {
  if (opts.dryRun || !ports.journal.lock) return () => {};
  return ports.journal.lock(command);
}

/**
 * The frame of `podsec apply` and `podsec rollback` for one phase: finds it (UserError for an
 * unknown one), takes the journal lock for a writing run, reads the journal and refuses an
 * inconsistent one unless `--force`, then runs `body` with the run state; the lock is released
 * whatever happens.
 */
export async function inPhase<T>(
  plan: Plan,
  phaseId: string,
  opts: RunOptions,
  ports: ApplyPorts,
  command: 'apply' | 'rollback',
  body: (phase: Plan['phases'][number], run: Run, entries: readonly JournalEntry[]) => Promise<T>,
): Promise<T> {
  const phase = plan.phases.find((p) => p.id === phaseId);
  if (!phase)
    throw new UserError(`the plan has no phase "${phaseId}"`, `phases: ${plan.phases.map((p) => p.id).join(', ')}`);
  const release = lockRun(ports, opts, `podsec ${command} --phase ${phase.id}`);
  try {
    const entries = await ports.journal.read();
    const problems = journalProblems(entries);
    if (problems.length > 0 && !opts.force) {
      throw new UserError(
        `the journal of this plan is inconsistent: ${problems[0]}`,
        `inspect journal.jsonl; --force ${command === 'apply' ? 'applies' : 'rolls back'} anyway`,
      );
    }
    return await body(phase, { plan, ports, opts, entries: [...entries] }, entries);
  } finally {
    release();
  }
}

/** `namespace shop` or `Deployment shop/vote`. */
export function targetOf(view: StepView): string {
  const s = view.step;
  return s.type === 'labels' ? `namespace ${s.namespace}` : `${s.kind} ${s.namespace}/${s.name}`;
}

/** An outcome for a step. */
export function outcome(
  view: StepView,
  kind: OutcomeKind,
  message: string,
  details: readonly string[] = [],
): StepOutcome {
  return {
    step: view.id,
    namespace: view.step.namespace,
    target: targetOf(view),
    outcome: kind,
    message,
    details: [...details],
  };
}

/** JSON equality with object keys in any order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => sameJson(ao[k], bo[k]));
}

/** The value at `path` inside an object (undefined when absent). */
export function valueAt(object: unknown, path: readonly string[]): unknown {
  let cur: unknown = object;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * Asks `question` unless the answer is already known: with force the step proceeds, with --yes
 * (and no force) a risky step is refused. Returns true to proceed.
 */
export async function proceedDespite(run: Run, message: string, details: readonly string[]): Promise<boolean> {
  if (run.opts.force) {
    run.opts.progress(`${message} (continuing: --force)`);
    return true;
  }
  if (run.opts.assumeYes || run.opts.dryRun) return false;
  return run.opts.confirm({ message, details, default: false });
}

/**
 * An error that stopped a phase part-way (a journal write that failed, an unexpected API error):
 * `report` says what was done and what was not (the step in progress `failed`, the rest
 * `skipped`), so the caller prints it before the error itself (`error`, which sets the exit code).
 */
export class PhaseStopped extends Error {
  override name = 'PhaseStopped';
  constructor(
    readonly report: PhaseReport,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/**
 * Completes `report` for an error thrown by the first of `left` (the steps not yet reported) and
 * returns the PhaseStopped to throw; Ctrl-C (CancelledError) passes as it is.
 */
export function stopPhase(report: PhaseReport, left: readonly StepView[], err: unknown): unknown {
  if (err instanceof CancelledError || err instanceof PhaseStopped) return err;
  const [current, ...rest] = left;
  const why = err instanceof Error ? err.message : String(err);
  if (current !== undefined) report.outcomes.push(outcome(current, 'failed', `stopped here: ${why}`));
  for (const v of rest) report.outcomes.push(outcome(v, 'skipped', 'not run: the phase stopped at an earlier step'));
  return new PhaseStopped(report, err);
}
