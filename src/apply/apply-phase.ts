// Pure: applies one phase of a plan through the ports: gating per namespace, one confirmation for
// the phase, then each step in plan order (dry-run checks, journal, write, verify). Stops at the
// first failed rollout and offers to roll that step back. The wizard calls this with its own
// confirm and progress callbacks; `podsec apply` calls it from src/cli/commands/apply.ts.

import { CancelledError, UserError } from '../errors.js';
import { workloadKey } from '../inventory/types.js';
import { trialObjection } from '../trial/records.js';
import type { Plan } from '../plan/plan-schema.js';
import type { JournalEntry } from './journal-model.js';
import { applyLabelStep } from './label-step.js';
import type { ApplyPorts } from './ports.js';
import { checkAccess, liveVsJournal, recordReverted } from './live-check.js';
import { readPhasePatches } from './plan-files.js';
import { inPhase, outcome, stopPhase, targetOf, type Run, type RunOptions, type StepOutcome } from './run.js';
import { gateBlockers, isAutomatic, laterInPlace, phaseSteps, type StepView } from './steps.js';
import { applyWorkloadStep, rollbackWorkloadStep } from './workload-step.js';

/** The result of applying (or dry-running) a phase. */
export interface PhaseReport {
  phase: string;
  dryRun: boolean;
  outcomes: StepOutcome[];
  /** Set when a rollout failed and the phase stopped there. */
  stoppedAt: string | null;
}

/**
 * Fix patches of the phase that a recorded trial run speaks against (issue 12): the trial failed,
 * or passed only with changes this plan's patch files lack. `podsec trial` records into plan.json;
 * the patch files change only by planning again with `--trials`.
 */
export function trialObjections(plan: Plan, phaseId: string): string[] {
  const steps = plan.phases.find((p) => p.id === phaseId)?.steps ?? [];
  const out: string[] = [];
  for (const s of steps) {
    if (s.type !== 'patch' || s.purpose !== 'fix') continue;
    const w = plan.workloads.find((x) => x.patch === s.file);
    const why = w === undefined ? null : trialObjection(w.trial, w.fingerprintAfter);
    if (w !== undefined && why !== null) out.push(`${workloadKey(w)}: ${why}`);
  }
  return out;
}

/** Lines describing what a phase will do, for the confirmation. */
export function phaseSummary(views: readonly StepView[]): string[] {
  return views.map((v) => {
    const s = v.step;
    const what =
      s.type === 'labels'
        ? `labels ${Object.entries(s.after)
            .map(([k, val]) => `${k.replace('pod-security.kubernetes.io/', '')}=${val}`)
            .join(' ')}`
        : `${s.purpose === 'fix' ? 'patch' : 'remove ownership init container'} (${s.file})`;
    return `${targetOf(v)}: ${what}${s.type === 'labels' && s.gated ? ' [gated: dry-run must show no violating pods]' : ''}`;
  });
}

/**
 * Applies phase `phaseId` of `plan`. Throws UserError for an unknown phase or an inconsistent
 * journal, CancelledError when the operator declines the phase; every other problem is an outcome.
 */
export async function applyPhase(
  plan: Plan,
  phaseId: string,
  opts: RunOptions,
  ports: ApplyPorts,
): Promise<PhaseReport> {
  const objections = trialObjections(plan, phaseId);
  if (objections.length > 0)
    throw new UserError(
      `the trial runs recorded in plan.json contradict ${objections.length} patch(es) of phase ${phaseId}:\n${objections.map((o) => `  ${o}`).join('\n')}`,
      'plan again with the trial records (`podsec plan ... --trials DIR --out NEW`, the command `podsec trial` printed): the new plan carries the fixes that passed and holds the ones that failed',
    );
  return inPhase(plan, phaseId, opts, ports, 'apply', (phase, run, entries) => applyLocked(plan, phase, run, entries));
}

async function applyLocked(
  plan: Plan,
  phase: Plan['phases'][number],
  run: Run,
  entries: readonly JournalEntry[],
): Promise<PhaseReport> {
  const { opts } = run;
  const report: PhaseReport = { phase: phase.id, dryRun: opts.dryRun, outcomes: [], stoppedAt: null };
  const views = phaseSteps(phase, entries, opts.namespaces);
  if (views.length === 0) return report;
  // One access check for the whole phase before any read or write of its objects.
  await checkAccess(
    run,
    views.filter((v) => isAutomatic(v.step)),
    `apply phase ${phase.id}`,
  );

  const todo: StepView[] = [];
  const reverted = new Set<string>();
  for (const v of views) {
    if (!isAutomatic(v.step)) {
      const s = v.step;
      report.outcomes.push(
        outcome(
          v,
          'manual',
          s.type === 'patch'
            ? `the pod template of a ${s.kind} is immutable: recreate it from ${s.file} (see the phase's apply.sh notes)`
            : '',
        ),
      );
      continue;
    }
    if (v.state.state === 'verified' && laterInPlace(plan, phase, v.step.namespace, entries).length > 0) {
      // Later phases changed the same objects on top: the live object cannot match this phase.
      report.outcomes.push(outcome(v, 'alreadyDone', 'already applied (journal; later phases are applied on top)'));
      continue;
    }
    if (v.state.state === 'verified') {
      // Trust the journal only once the live object agrees with it.
      const live = await liveVsJournal(run, v);
      if (live === 'inPlace') {
        report.outcomes.push(outcome(v, 'alreadyDone', 'already applied (journal and live object agree)'));
        continue;
      }
      if (live === 'missing') {
        report.outcomes.push(outcome(v, 'failed', `${targetOf(v)} does not exist`));
        continue;
      }
      if (live === 'changed' && !opts.force) {
        report.outcomes.push(
          outcome(
            v,
            'skipped',
            'the live object differs from what podsec applied (changed outside podsec): inspect it, roll the phase back, or --force to apply again',
          ),
        );
        continue;
      }
      if (live === 'reverted') {
        opts.progress(`${phase.id}: ${targetOf(v)} was found reverted outside podsec; applying it again`);
        reverted.add(v.id);
      }
    }
    const blockers = gateBlockers(plan, phase, v.step.namespace, entries);
    if (blockers.length > 0 && !opts.force) {
      report.outcomes.push(
        outcome(
          v,
          'skipped',
          `earlier phases not applied for namespace ${v.step.namespace}: ${blockers.join(', ')} (apply them first, or --force)`,
        ),
      );
      continue;
    }
    todo.push(v);
  }
  if (todo.length === 0) return report;
  // Every patch file of the phase is read and checked before the first write: one bad file stops
  // the phase with nothing written and a report for every step (never a crash half-way).
  const { patches, refused } = await readPhasePatches(run, todo);
  if (refused.length > 0) {
    report.outcomes.push(...refused);
    for (const v of todo)
      if (!refused.some((o) => o.step === v.id))
        report.outcomes.push(
          outcome(v, 'skipped', 'not run: a plan file of this phase failed its checks, so nothing was written'),
        );
    return report;
  }

  if (!opts.dryRun && !opts.assumeYes && opts.phaseConfirmed !== true) {
    const ok = await opts.confirm({
      message: `Apply phase ${phase.id} (${todo.length} change${todo.length === 1 ? '' : 's'})?`,
      details: phaseSummary(todo),
      default: false,
    });
    if (!ok) throw new CancelledError('nothing was applied');
  }

  for (const [i, planned] of todo.entries()) {
    try {
      const v = reverted.has(planned.id) ? await recordReverted(run, planned) : planned;
      opts.progress(`${phase.id}: ${targetOf(v)}`);
      if (v.step.type === 'labels') {
        report.outcomes.push(await applyLabelStep(run, v));
        continue;
      }
      const r = await applyWorkloadStep(run, v, patches.get(v.id) ?? {});
      report.outcomes.push(r.outcome);
      if (r.rolloutFailed) {
        report.stoppedAt = v.id;
        await offerRollback(run, v, report);
        break;
      }
    } catch (err) {
      // A journal write that failed (full disk) stops the phase: the report still says what was
      // applied and what was not, before the error.
      throw stopPhase(report, todo.slice(i), err);
    }
  }
  return report;
}

/** After a failed rollout: ask (or with --yes, do) the rollback of that one step. */
async function offerRollback(run: Run, view: StepView, report: PhaseReport): Promise<void> {
  const last = [...run.entries]
    .reverse()
    .find((e) => e.step === view.id && e.action === 'apply' && e.status !== 'intended');
  if (!last) return;
  const ask = !run.opts.assumeYes && !run.opts.dryRun;
  const yes =
    run.opts.assumeYes ||
    (ask &&
      (await run.opts.confirm({
        message: `Roll back ${targetOf(view)} to its previous pod template now?`,
        details: [],
        default: true,
      })));
  if (!yes) return;
  const again: StepView = { ...view, state: { state: 'failed', last, written: true } };
  report.outcomes.push(await rollbackWorkloadStep({ ...run, opts: { ...run.opts, force: false } }, again, last));
}
