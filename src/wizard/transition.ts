// The wizard's transition function: (state, event) -> { state, effects }. Quit and cancel are
// handled here once for every step; each step handles exactly the events protocol.ts says it takes,
// in an exhaustive switch (no silent default). Pure: no I/O, no clock.
// The steps' handlers live in the *-flow.ts modules, their shared building blocks in flow.ts.

import { applyBusy, onApply } from './apply-flow.js';
import { onCluster, onFailed, onScanning } from './cluster-flow.js';
import type { WizardEvent } from './events.js';
import { assertNever, done, onConfirmQuit, quit, stay, type Own, type Transition } from './flow.js';
import { onNamespace } from './namespace-flow.js';
import { onOverview } from './overview-flow.js';
import { onPlan, onWritten } from './plan-flow.js';
import { assertAccepted, assertAwaits } from './protocol.js';
import type { WizardState } from './state.js';

function route(state: Exclude<WizardState, { step: 'done' }>, e: WizardEvent): Transition {
  // Each step's handler is typed to the events protocol.ts declares for it; transition() has
  // checked the event against that declaration, so these narrowings hold.
  switch (state.step) {
    case 'cluster':
      return onCluster(state, e as Own<'cluster'>);
    case 'scanning':
      return onScanning(state, e as Own<'scanning'>);
    case 'overview':
      return onOverview(state, e as Own<'overview'>);
    case 'namespace':
      return onNamespace(state, e as Own<'namespace'>);
    case 'plan':
      return onPlan(state, e as Own<'plan'>);
    case 'written':
      return onWritten(state, e as Own<'written'>);
    case 'apply':
      return onApply(state, e as Own<'apply'>);
    case 'confirmQuit':
      return onConfirmQuit(state, e as Own<'confirmQuit'>);
    case 'failed':
      return onFailed(state, e as Own<'failed'>);
    default:
      return assertNever(state);
  }
}

/** True while a text input has the keyboard (q and letters are text then). */
export function isTyping(state: WizardState): boolean {
  return (
    (state.step === 'overview' && state.filtering) ||
    (state.step === 'namespace' && state.editing !== null) ||
    (state.step === 'plan' && state.dirDraft !== null)
  );
}

/**
 * The next state and the effects to run, for any state and event. An event the step does not take
 * (protocol.ts) is an InternalError, as is an effect whose results the new step could not take.
 */
export function transition(state: WizardState, e: WizardEvent): Transition {
  assertAccepted(state, e);
  if (state.step === 'done') return stay(state);
  let t: Transition;
  if (e.type === 'cancel') t = done(130, 'cancelled');
  else if (e.type === 'quit') {
    const applying = state.step === 'apply' && applyBusy(state);
    if (state.step === 'confirmQuit' || isTyping(state) || applying) t = stay(state);
    else if (state.step === 'failed') t = done(1, state.message);
    else t = quit(state);
  } else t = route(state, e);
  assertAwaits(t.state, t.effects);
  return t;
}
