// The wizard's effect protocol: which events each effect's run can report back, which events each
// step takes, and which states are waiting on an effect. transition() enforces it (an event a step
// cannot take, or an effect whose results the new step cannot take, is an InternalError), and the
// session runner uses it to drop stale results. Pure.

import { InternalError } from '../errors.js';
import type { WizardEffect, WizardEffectType } from './effects.js';
import type { ResultEvent, WizardEvent, WizardEventType } from './events.js';
import type { StepName, WizardState } from './state.js';

/** Every event an effect's run may report, intermediate ones (progress, questions) included. */
export const EFFECT_RESULTS = {
  loadContexts: ['contextsLoaded', 'contextsFailed'],
  scan: ['scanProgressed', 'scanFinished', 'scanFailed'],
  propose: ['proposalsUpdated', 'proposeFailed'],
  gatherEvidence: ['evidenceGathered', 'evidenceFailed'],
  trialRun: ['evidenceGathered', 'evidenceFailed'],
  previewPlan: ['planPreviewed', 'planPreviewFailed'],
  writePlan: ['planWritten', 'planFailed'],
  loadApply: ['applyLoaded', 'applyFailed'],
  runPhase: ['applyProgress', 'applyQuestion', 'phaseRan', 'applyFailed'],
  answerApply: [],
} as const satisfies { [T in WizardEffectType]: readonly ResultEvent['type'][] };

/** The result events an effect of type `T` may produce. */
export type ResultOf<T extends WizardEffectType> = Extract<ResultEvent, { type: (typeof EFFECT_RESULTS)[T][number] }>;

/** The effect of type `T`. */
export type EffectOf<T extends WizardEffectType> = Extract<WizardEffect, { type: T }>;

/** Every event each step takes; anything else sent to it is a bug in a driver or the runner. */
export const STEP_ACCEPTS = {
  cluster: ['move', 'select', 'back', 'quit', 'cancel', 'pickContext', 'contextsLoaded', 'contextsFailed'],
  scanning: ['back', 'quit', 'cancel', 'scanProgressed', 'scanFinished', 'scanFailed'],
  overview: [
    'move',
    'select',
    'back',
    'quit',
    'cancel',
    'openNamespace',
    'cycleSort',
    'startFilter',
    'changeFilter',
    'openPlan',
    'proposalsUpdated',
    'proposeFailed',
  ],
  namespace: [
    'move',
    'select',
    'back',
    'quit',
    'cancel',
    'pickWorkload',
    'accept',
    'acceptAll',
    'confirm',
    'skip',
    'startEdit',
    'changeEdit',
    'submitEdit',
    'gatherEvidence',
    'trialRun',
    'openPlan',
    'proposalsUpdated',
    'proposeFailed',
    'evidenceGathered',
    'evidenceFailed',
  ],
  plan: [
    'select',
    'back',
    'quit',
    'cancel',
    'writePlan',
    'overwritePlan',
    'changeOutDir',
    'changeEdit',
    'submitEdit',
    'planPreviewed',
    'planPreviewFailed',
    'planWritten',
    'planFailed',
    'proposalsUpdated',
    'proposeFailed',
  ],
  written: ['select', 'back', 'quit', 'cancel', 'showApply'],
  apply: [
    'move',
    'select',
    'back',
    'quit',
    'cancel',
    'confirm',
    'toggle',
    'setNamespaces',
    'pickPhase',
    'applyLoaded',
    'applyProgress',
    'applyQuestion',
    'phaseRan',
    'applyFailed',
  ],
  confirmQuit: ['confirm', 'back', 'quit', 'cancel'],
  done: [],
  failed: ['select', 'back', 'quit', 'cancel'],
} as const satisfies { [S in StepName]: readonly WizardEventType[] };

/** The events step `S` takes. */
export type StepEvent<S extends StepName> = Extract<WizardEvent, { type: (typeof STEP_ACCEPTS)[S][number] }>;

/** The events a step handles itself (quit and cancel are handled once, in transition()). */
export type OwnEvent<S extends StepName> = Exclude<StepEvent<S>, { type: 'quit' | 'cancel' }>;

/** True when a step takes events of this type. */
export function accepts(step: StepName, type: WizardEventType): boolean {
  return (STEP_ACCEPTS[step] as readonly WizardEventType[]).includes(type);
}

/** True when a step takes at least one result of an effect type (else a running one is stale). */
export function awaitsAny(step: StepName, effect: WizardEffectType): boolean {
  return EFFECT_RESULTS[effect].some((r) => accepts(step, r));
}

/** Fails loudly when `state` was handed an event its step does not take. */
export function assertAccepted(state: WizardState, e: WizardEvent): void {
  if (!accepts(state.step, e.type))
    throw new InternalError(`the wizard's ${state.step} step was sent ${e.type}, which it does not take`);
}

/** Fails loudly when a step asks for an effect whose results it could not take (they would be lost). */
export function assertAwaits(state: WizardState, effects: readonly WizardEffect[]): void {
  for (const f of effects) {
    const lost = EFFECT_RESULTS[f.type].filter((r) => !accepts(state.step, r));
    if (lost.length > 0)
      throw new InternalError(`the wizard's ${state.step} step asked for ${f.type} but cannot take ${lost.join(', ')}`);
  }
}

/**
 * True while the state waits for an effect and the operator has nothing to decide (a spinner):
 * loading contexts, scanning, re-proposing, building or writing the plan, a phase running with no
 * question. Drivers ask the operator only when this is false; the model test checks that it never
 * stays true once every effect has settled.
 */
export function isWaiting(state: WizardState): boolean {
  switch (state.step) {
    case 'cluster':
      return state.contexts === null;
    case 'scanning':
      return true;
    case 'namespace':
      return state.busy !== null && state.editing === null;
    case 'plan':
      return state.writing || (state.preview === null && state.error === null);
    case 'apply':
      return (
        state.question === null &&
        (state.stage === 'loading' ? state.error === null : state.stage === 'dryRun' || state.stage === 'applying')
      );
    case 'overview':
    case 'written':
    case 'confirmQuit':
    case 'done':
    case 'failed':
      return false;
  }
}
