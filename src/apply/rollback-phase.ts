// Pure: rolls back one phase from the journal, newest change first: every step of the phase
// whose change is in place is restored to the state recorded before it (labels or pod template),
// with the same dry-run, confirmation and journal rules as apply.

import { CancelledError } from '../errors.js';
import type { Plan } from '../plan/plan-schema.js';
import { changeBase, isInPlace, type JournalEntry } from './journal-model.js';
import { checkAccess } from './live-check.js';
import { rollbackLabelStep } from './label-step.js';
import type { ApplyPorts } from './ports.js';
import { inPhase, outcome, stopPhase, targetOf, type Run, type RunOptions, type StepOutcome } from './run.js';
import { laterInPlace, phaseSteps, type StepView } from './steps.js';
import { rollbackWorkloadStep } from './workload-step.js';
import type { PhaseReport } from './apply-phase.js';

/** The entry describing the change in place for a step: its last apply result with an `after`. */
function appliedEntry(entries: readonly JournalEntry[], step: string): JournalEntry | undefined {
  return [...entries]
    .sort((a, b) => b.seq - a.seq)
    .find((e) => e.step === step && e.action === 'apply' && e.status !== 'intended' && e.after !== null);
}

/** Steps of the phase to roll back, newest change first. */
export function rollbackOrder(
  views: readonly StepView[],
  entries: readonly JournalEntry[],
): { view: StepView; applied: JournalEntry }[] {
  const out: { view: StepView; applied: JournalEntry }[] = [];
  for (const v of views) {
    const inPlace = isInPlace(v.state) || v.state.state === 'inDoubt' || v.state.state === 'rollbackInDoubt';
    const found = appliedEntry(entries, v.id) ?? (v.state.state === 'inDoubt' ? v.state.last : undefined);
    // Restore the state the change started from, even when it was re-applied over a later one.
    const base = changeBase(entries, v.id);
    const applied = found && base ? { ...found, before: base } : found;
    if (inPlace && applied) out.push({ view: v, applied });
  }
  return out.sort((a, b) => b.applied.seq - a.applied.seq);
}

/** Rolls back phase `phaseId`. Throws UserError for an unknown phase or a bad journal, CancelledError when declined. */
export async function rollbackPhase(
  plan: Plan,
  phaseId: string,
  opts: RunOptions,
  ports: ApplyPorts,
): Promise<PhaseReport> {
  return inPhase(plan, phaseId, opts, ports, 'rollback', (phase, run, entries) =>
    rollbackLocked(plan, phase, run, entries),
  );
}

async function rollbackLocked(
  plan: Plan,
  phase: Plan['phases'][number],
  run: Run,
  entries: readonly JournalEntry[],
): Promise<PhaseReport> {
  const { opts } = run;
  const report: PhaseReport = { phase: phase.id, dryRun: opts.dryRun, outcomes: [], stoppedAt: null };
  const order = rollbackOrder(phaseSteps(phase, entries, opts.namespaces), entries);
  const todo: typeof order = [];
  for (const item of order) {
    const later = laterInPlace(plan, phase, item.view.step.namespace, entries);
    if (later.length > 0 && !opts.force) {
      report.outcomes.push(
        outcome(
          item.view,
          'skipped',
          `later phases are still applied for namespace ${item.view.step.namespace}: ${later.join(', ')} (roll them back first, or --force)`,
        ),
      );
      continue;
    }
    todo.push(item);
  }
  if (todo.length === 0) return report;
  await checkAccess(
    run,
    todo.map((t) => t.view),
    `roll back phase ${phase.id}`,
  );
  if (!opts.dryRun && !opts.assumeYes) {
    const details = todo.map((t) => `${targetOf(t.view)}: restore the state recorded at ${t.applied.time}`);
    const ok = await opts.confirm({
      message: `Roll back phase ${phase.id} (${todo.length} change${todo.length === 1 ? '' : 's'})?`,
      details,
      default: false,
    });
    if (!ok) throw new CancelledError('nothing was rolled back');
  }
  for (const [i, { view, applied }] of todo.entries()) {
    opts.progress(`rollback ${phase.id}: ${targetOf(view)}`);
    try {
      const o: StepOutcome =
        view.step.type === 'labels'
          ? await rollbackLabelStep(run, view, applied)
          : await rollbackWorkloadStep(run, view, applied);
      report.outcomes.push(o);
    } catch (err) {
      throw stopPhase(
        report,
        todo.slice(i).map((t) => t.view),
        err,
      );
    }
  }
  return report;
}
