// The building blocks every step's transitions share (src/wizard/*-flow.ts): the Transition type,
// staying or going with effects, ending the wizard, quitting (and the confirmQuit step it opens),
// and opening the overview, the context picker and the plan. Pure: no I/O, no clock.

import type { WizardEffect } from './effects.js';
import type { OwnEvent } from './protocol.js';
import type { Session } from './session.js';
import type { ConfirmQuitState, OverviewState, PlanState, StepName, WizardState } from './state.js';

export interface Transition {
  state: WizardState;
  effects: WizardEffect[];
}

/** Exhaustiveness guard for switches over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

export type Own<S extends StepName> = OwnEvent<S>;

export const stay = (state: WizardState): Transition => ({ state, effects: [] });
export const go = (state: WizardState, ...effects: WizardEffect[]): Transition => ({ state, effects });
export const clamp = (n: number, len: number): number => (len <= 0 ? 0 : Math.max(0, Math.min(len - 1, n)));
export const done = (exitCode: number, message: string | null = null): Transition =>
  stay({ step: 'done', exitCode, message });

type Quittable = ConfirmQuitState['previous'];

/** Quit: asks first when there are decisions not yet written to a plan; after a write, the summary stays on screen. */
export function quit(state: Quittable): Transition {
  const dirty = 'session' in state && state.session.dirty;
  if (dirty) return stay({ step: 'confirmQuit', previous: state });
  return state.step === 'written' || state.step === 'apply' ? done(0, state.result.report.trimEnd()) : done(0);
}

export function overview(session: Session, cursor = 0): OverviewState {
  return { step: 'overview', session, cursor, sort: 'name', filter: '', filtering: false };
}

export function picker(outDir: string): Transition {
  return go({ step: 'cluster', contexts: null, cursor: 0, error: null, outDir }, { type: 'loadContexts' });
}

export function planOf(session: Session): Transition {
  const state: PlanState = {
    step: 'plan',
    session,
    preview: null,
    writing: false,
    error: null,
    conflict: null,
    dirDraft: null,
  };
  return go(state, {
    type: 'previewPlan',
    inventory: session.inventory,
    answers: session.answers,
    evidence: session.evidence,
  });
}

export function onConfirmQuit(s: ConfirmQuitState, e: Own<'confirmQuit'>): Transition {
  switch (e.type) {
    case 'confirm':
      return e.yes ? done(0, 'quit without writing a plan') : stay(s.previous);
    case 'back':
      return stay(s.previous);
    default:
      return assertNever(e);
  }
}
