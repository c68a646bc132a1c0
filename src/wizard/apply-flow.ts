// Step 6 on a live cluster: pick a phase (the next unapplied one preselected) and namespaces, run
// its server-side dry run, confirm, apply with progress, see the result, go on with the next
// phase. Questions asked by the running phase wait in `question`. Pure.

import { OUTCOME_LABEL } from '../apply/run.js';
import type { WizardEffect } from './effects.js';
import type { OwnEvent } from './protocol.js';
import type { ApplyPhaseInfo, PhaseRun } from './ports.js';
import type { ApplyState, WrittenState } from './state.js';

export interface ApplyTransition {
  state: ApplyState | WrittenState;
  effects: WizardEffect[];
}

const MAX_PROGRESS = 50;

/** Opens the Apply step from the written plan: loads the phases and the journal. */
export function openApply(w: WrittenState): ApplyTransition {
  const state: ApplyState = {
    step: 'apply',
    session: w.session,
    result: w.result,
    stage: 'loading',
    overview: null,
    cursor: 0,
    phase: null,
    namespaces: [],
    report: null,
    progress: [],
    question: null,
    error: null,
  };
  return { state, effects: [{ type: 'loadApply', dir: w.result.dir }] };
}

/** The phase picked (or under the cursor while picking). */
export function currentPhase(s: ApplyState): ApplyPhaseInfo | undefined {
  const phases = s.overview?.phases ?? [];
  return s.phase !== null ? phases.find((p) => p.id === s.phase) : phases[s.cursor];
}

/** An interrupted phase: a namespace started and not finished (applying it again resumes it). */
export function isResuming(p: ApplyPhaseInfo): boolean {
  return p.interrupted ?? (p.journalEntries > 0 && !p.done && (p.appliedNamespaces ?? []).length === 0);
}

/** A phase's state in words: applied, resuming (interrupted), partly applied (k of n namespaces), next, or nothing. */
export function phaseTag(p: ApplyPhaseInfo, next: string | null): string {
  if (p.done) return 'applied';
  if (isResuming(p)) return 'resuming (interrupted)';
  const applied = p.appliedNamespaces ?? [];
  const part = applied.length > 0 ? `partly applied (${applied.length} of ${p.namespaces.length} namespaces)` : '';
  return [part, p.id === next ? '(next)' : ''].filter((x) => x !== '').join(' ');
}

/** True while a phase runs (quitting then would leave a step half-written). */
export function applyBusy(s: ApplyState): boolean {
  return s.stage === 'loading' || s.stage === 'dryRun' || s.stage === 'applying';
}

/** The report of a run as lines (one per step outcome, its details indented, the stop point). */
export function reportLines(r: PhaseRun): string[] {
  const lines = [
    `${r.dryRun ? 'Dry run of' : 'Applied'} ${r.phase}${r.dryRun ? ' (server-side, nothing written)' : ''}:`,
  ];
  if (r.outcomes.length === 0) lines.push('  nothing to do');
  for (const o of r.outcomes) {
    lines.push(`  ${OUTCOME_LABEL[o.outcome].padEnd(12)} ${o.target}: ${o.message}`);
    for (const d of o.details) lines.push(`  ${''.padEnd(12)}   ${d}`);
  }
  if (r.stoppedAt !== null)
    lines.push(`  stopped at ${r.stoppedAt}: the phase did not finish (apply it again to resume)`);
  return lines;
}

const run = (s: ApplyState, dryRun: boolean): ApplyTransition => ({
  state: { ...s, stage: dryRun ? 'dryRun' : 'applying', progress: [], error: null, question: null },
  // The real run follows the operator's yes after the dry run: that is the phase's one confirmation.
  effects: [
    { type: 'runPhase', dir: s.result.dir, phase: s.phase ?? '', namespaces: s.namespaces, dryRun, confirmed: !dryRun },
  ],
});

const reload = (s: ApplyState): ApplyTransition => ({
  state: { ...s, stage: 'loading', phase: null, namespaces: [], question: null },
  effects: [{ type: 'loadApply', dir: s.result.dir }],
});

function pick(s: ApplyState, id: string): ApplyTransition {
  const p = (s.overview?.phases ?? []).find((x) => x.id === id);
  if (p === undefined) return { state: { ...s, error: `the plan has no phase ${id}` }, effects: [] };
  // The namespaces the phase still has to do are preselected (all of them when none is left).
  const left = p.namespaces.filter((n) => !(p.appliedNamespaces ?? []).includes(n));
  return {
    state: {
      ...s,
      stage: 'namespaces',
      phase: p.id,
      namespaces: left.length > 0 ? left : [...p.namespaces],
      cursor: 0,
      report: null,
      error: null,
    },
    effects: [],
  };
}

/** The Apply step's transitions (back from the phase list returns to the written plan). */
export function onApply(s: ApplyState, e: OwnEvent<'apply'>): ApplyTransition {
  const stay = (state: ApplyState | WrittenState = s): ApplyTransition => ({ state, effects: [] });
  const phases = s.overview?.phases ?? [];
  // Results and the running phase's questions, whatever the stage.
  switch (e.type) {
    case 'applyProgress':
      return stay({ ...s, progress: [...s.progress, e.line].slice(-MAX_PROGRESS) });
    case 'applyQuestion':
      return stay({ ...s, question: e.question });
    case 'applyFailed':
      return stay({
        ...s,
        stage: s.overview === null ? 'loading' : 'phase',
        phase: null,
        error: e.message,
        question: null,
      });
    case 'applyLoaded': {
      const next = e.overview.phases.findIndex((p) => p.id === e.overview.next);
      return stay({
        ...s,
        overview: e.overview,
        stage: 'phase',
        cursor: Math.max(0, next),
        phase: null,
        namespaces: [],
        error: null,
      });
    }
    case 'phaseRan':
      return stay({ ...s, report: e.report, stage: e.report.dryRun ? 'reviewed' : 'applied' });
    default:
      if (s.question !== null) {
        if (e.type === 'confirm' || e.type === 'back')
          return {
            state: { ...s, question: null },
            effects: [{ type: 'answerApply', yes: e.type === 'confirm' && e.yes }],
          };
        return stay();
      }
  }
  switch (s.stage) {
    case 'loading':
      return e.type === 'back' && s.error !== null
        ? stay({ step: 'written', session: s.session, result: s.result, showApply: true })
        : stay();
    case 'phase': {
      if (e.type === 'move')
        return stay({ ...s, cursor: Math.max(0, Math.min(phases.length - 1, s.cursor + e.delta)) });
      if (e.type === 'back') return stay({ step: 'written', session: s.session, result: s.result, showApply: false });
      if (e.type === 'pickPhase') return pick(s, e.id);
      const p = phases[s.cursor];
      return e.type === 'select' && p !== undefined ? pick(s, p.id) : stay();
    }
    case 'namespaces': {
      const all = currentPhase(s)?.namespaces ?? [];
      if (e.type === 'move') return stay({ ...s, cursor: Math.max(0, Math.min(all.length - 1, s.cursor + e.delta)) });
      if (e.type === 'back')
        return stay({
          ...s,
          stage: 'phase',
          cursor: Math.max(
            0,
            phases.findIndex((p) => p.id === s.phase),
          ),
          phase: null,
          namespaces: [],
        });
      if (e.type === 'toggle') {
        const ns = all[s.cursor];
        if (ns === undefined) return stay();
        const on = s.namespaces.includes(ns);
        return stay({ ...s, namespaces: all.filter((n) => (n === ns ? !on : s.namespaces.includes(n))) });
      }
      if (e.type === 'setNamespaces') return stay({ ...s, namespaces: all.filter((n) => e.namespaces.includes(n)) });
      if (e.type === 'select')
        return s.namespaces.length === 0
          ? stay({ ...s, error: 'select at least one namespace (space toggles)' })
          : run(s, true);
      return stay();
    }
    case 'reviewed':
      if (e.type === 'select' || (e.type === 'confirm' && e.yes)) return run(s, false);
      if (e.type === 'back' || e.type === 'confirm') return stay({ ...s, stage: 'namespaces', cursor: 0 });
      return stay();
    case 'applied':
      return e.type === 'select' || e.type === 'back' ? reload(s) : stay();
    case 'dryRun':
    case 'applying':
      return stay();
  }
}
