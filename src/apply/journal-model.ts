// Pure: the apply journal's entry model and its fold. Each write is described twice: an
// `intended` entry (fsynced before the write) and a result entry (applied, verified, failed,
// rolledBack). Folding the entries gives each step's state, so a resumed run never repeats one.

/** Status of one journal entry. */
export type EntryStatus = 'intended' | 'applied' | 'verified' | 'failed' | 'rolledBack';

/** Whether an entry belongs to applying a step or to undoing it. */
export type JournalAction = 'apply' | 'rollback';

/** State of the object a step changes: the Pod Security labels, or the raw pod template. */
export type ObjectState = { type: 'labels'; labels: Record<string, string> } | { type: 'template'; template: unknown };

/** One line of journal.jsonl. */
export interface JournalEntry {
  /** Entry format version. */
  v: 1;
  /** Position in the journal, from 1. */
  seq: number;
  /** The podsec run that wrote it (apply and rollback runs each get one). */
  run: string;
  /** Stable step id, see `stepIdOf`. */
  step: string;
  phase: string;
  action: JournalAction;
  status: EntryStatus;
  namespace: string;
  kind: string;
  apiVersion: string;
  name: string;
  /** State before the write (read live right before it). */
  before: ObjectState | null;
  /** State after the write: expected (server dry-run) on `intended`, read back on results. */
  after: ObjectState | null;
  resourceVersionBefore?: string;
  resourceVersionAfter?: string;
  /** ISO time from the injected clock. */
  time: string;
  /** Who wrote it (the API server's view of the user, else the kubeconfig user). */
  user: string;
  /** Why it failed, or a note such as "found applied after an interruption". */
  message?: string;
  /**
   * A result that records what a read found, not a write (no intent precedes it): e.g. labels
   * found already as before when rolling back, or a verified change found reverted outside podsec.
   */
  observed?: true;
  /** An intent made while the step's change is in place (a deliberate re-apply, e.g. --force). */
  again?: true;
}

/**
 * Effective state of a step after folding its entries:
 * - `pending`: never written, or written and then rolled back;
 * - `inDoubt`: an intent without a result (the run stopped around the write); the live object decides;
 * - `applied`: written, not (yet) verified; `verified`: written and verified;
 * - `failed`: the write or its rollout failed (`written` says whether the object was changed);
 * - `rollbackInDoubt`: a rollback intent without a result.
 */
export type StepState =
  | { state: 'pending'; last?: JournalEntry }
  | { state: 'inDoubt'; last: JournalEntry }
  | { state: 'applied'; last: JournalEntry }
  | { state: 'verified'; last: JournalEntry }
  | { state: 'failed'; last: JournalEntry; written: boolean }
  | { state: 'rollbackInDoubt'; last: JournalEntry };

/** The last entry per step, in journal order. */
export function lastEntries(entries: readonly JournalEntry[]): Map<string, JournalEntry> {
  const out = new Map<string, JournalEntry>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) out.set(e.step, e);
  return out;
}

/** Folds the entries of one step into its state. */
export function stepState(entries: readonly JournalEntry[], step: string): StepState {
  const mine = entries.filter((e) => e.step === step).sort((a, b) => a.seq - b.seq);
  const last = mine[mine.length - 1];
  if (last === undefined) return { state: 'pending' };
  if (last.action === 'rollback') {
    if (last.status === 'rolledBack') return { state: 'pending', last };
    if (last.status === 'intended') return { state: 'rollbackInDoubt', last };
    // A failed rollback leaves the step as it was before the rollback was tried.
    const prior = mine.filter((e) => e.action === 'apply' && e.status !== 'intended').pop();
    return prior
      ? { state: prior.status === 'verified' ? 'verified' : 'applied', last: prior }
      : { state: 'pending', last };
  }
  switch (last.status) {
    case 'intended':
      return { state: 'inDoubt', last };
    case 'applied':
      return { state: 'applied', last };
    case 'verified':
      return { state: 'verified', last };
    case 'failed':
      return { state: 'failed', last, written: last.after !== null };
    case 'rolledBack':
      return { state: 'pending', last };
  }
}

/** True when the step's change is in place (applied or verified, or failed after the write). */
export function isInPlace(s: StepState): boolean {
  return s.state === 'applied' || s.state === 'verified' || (s.state === 'failed' && s.written);
}

/** True when the step counts as done for phase gating. */
export function isDone(s: StepState): boolean {
  return s.state === 'applied' || s.state === 'verified';
}

/**
 * The state the step's change started from: the `before` of the first apply intent since the
 * step was last rolled back (a re-apply over an intermediate state keeps the original), or null.
 */
export function changeBase(entries: readonly JournalEntry[], step: string): ObjectState | null {
  let base: ObjectState | null = null;
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (e.step !== step) continue;
    if (e.action === 'rollback' && e.status === 'rolledBack') base = null;
    else if (e.action === 'apply' && e.status === 'intended' && base === null) base = e.before;
  }
  return base;
}

/** True for a result entry that records a read rather than a write (also in journals of older versions). */
export function isObservation(e: JournalEntry): boolean {
  return (
    e.observed === true || (e.action === 'rollback' && e.status === 'rolledBack' && e.message === 'found as before')
  );
}

/** The next sequence number. */
export function nextSeq(entries: readonly JournalEntry[]): number {
  return entries.reduce((m, e) => Math.max(m, e.seq), 0) + 1;
}

/**
 * Problems that make a journal untrustworthy: a result without its intent, duplicate sequence
 * numbers, or a step applied twice without a rollback between. Empty for a consistent journal.
 */
export function journalProblems(entries: readonly JournalEntry[]): string[] {
  const problems: string[] = [];
  const seqs = new Set<number>();
  const open = new Map<string, JournalEntry>();
  const inPlace = new Set<string>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    if (seqs.has(e.seq)) problems.push(`seq ${e.seq} appears twice`);
    seqs.add(e.seq);
    const key = `${e.step}/${e.action}`;
    if (e.status === 'intended') {
      if (e.action === 'apply' && inPlace.has(e.step) && e.again !== true)
        problems.push(`seq ${e.seq}: ${e.step} applied again without a rollback`);
      open.set(key, e);
      continue;
    }
    const intent = open.get(key);
    const isVerifyAfterApply = e.status === 'verified' || (e.status === 'failed' && inPlace.has(e.step));
    if (!intent && !isVerifyAfterApply && !isObservation(e))
      problems.push(`seq ${e.seq}: ${e.status} ${e.step} without an intent`);
    open.delete(key);
    if (e.action === 'apply' && (e.status === 'applied' || e.status === 'verified')) inPlace.add(e.step);
    if (e.action === 'apply' && e.status === 'failed' && e.after !== null) inPlace.add(e.step);
    if (e.action === 'rollback' && e.status === 'rolledBack') inPlace.delete(e.step);
  }
  return problems;
}
