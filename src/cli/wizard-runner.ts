// Shell: runs the wizard's effects against the ports and feeds results back as events (failures
// become events, never rejections), and drives the machine in a loop for line and headless mode.

import { CancelledError, ClusterError, InternalError, UsageError, UserError } from '../errors.js';
import type { WizardEffect } from '../wizard/effects.js';
import type { WizardEvent } from '../wizard/events.js';
import type { WizardPorts } from '../wizard/ports.js';
import type { WizardState } from '../wizard/state.js';
import { transition } from '../wizard/transition.js';

/** One line for an effect failure (the hint too for errors that carry one). */
export function failureText(err: unknown): { message: string; hint: string | null } {
  if (err instanceof UserError || err instanceof UsageError || err instanceof ClusterError) return { message: err.message, hint: err.hint ?? null };
  if (err instanceof Error) return { message: err.message.split('\n')[0] ?? err.name, hint: null };
  return { message: String(err), hint: null };
}

/** The effects a state needs when a driver starts on it. */
export function initialEffects(state: WizardState): WizardEffect[] {
  if (state.step === 'cluster') return [{ type: 'loadContexts' }];
  if (state.step === 'scanning') return [{ type: 'scan', context: state.context }];
  return [];
}

/** Per session (keyed by its abort controller): the answer a running phase waits for. */
const pendingAnswers = new WeakMap<AbortController, (yes: boolean) => void>();

/**
 * Performs one effect; every outcome is emitted as an event. `exit` is the driver's business and
 * `cancelScan` aborts `scanAbort`.
 */
export async function performEffect(effect: WizardEffect, ports: WizardPorts, emit: (e: WizardEvent) => void, scanAbort: AbortController): Promise<void> {
  try {
    switch (effect.type) {
      case 'loadContexts':
        emit({ type: 'contextsLoaded', contexts: await ports.listContexts() });
        return;
      case 'scan': {
        const result = await ports.scan(effect.context, (progress) => emit({ type: 'scanProgressed', progress }), scanAbort.signal);
        emit({ type: 'scanFinished', result });
        return;
      }
      case 'cancelScan':
        scanAbort.abort();
        return;
      case 'propose':
        emit({ type: 'proposalsUpdated', proposals: await ports.propose(effect.inventory, effect.answers, effect.evidence) });
        return;
      case 'gatherEvidence': {
        try {
          const result = await ports.gatherEvidence(effect.inventory, effect.key);
          const proposals = await ports.propose(effect.inventory, effect.answers, effect.evidence);
          emit({ type: 'evidenceGathered', key: effect.key, result, proposals });
        } catch (err) {
          emit({ type: 'evidenceFailed', key: effect.key, message: failureText(err).message });
        }
        return;
      }
      case 'previewPlan':
        emit({ type: 'planPreviewed', preview: await ports.previewPlan(effect.inventory, effect.answers, effect.evidence) });
        return;
      case 'writePlan':
        try {
          emit({ type: 'planWritten', result: await ports.writePlan(effect.inventory, effect.answers, effect.evidence, effect.outDir) });
        } catch (err) {
          const f = failureText(err);
          emit({ type: 'planFailed', message: f.hint !== null ? `${f.message} (${f.hint})` : f.message });
        }
        return;
      case 'loadApply':
      case 'runPhase':
        await performApply(effect, ports, emit, scanAbort);
        return;
      case 'answerApply':
        pendingAnswers.get(scanAbort)?.(effect.yes);
        pendingAnswers.delete(scanAbort);
        return;
      case 'exit':
        return;
    }
  } catch (err) {
    if (err instanceof InternalError) throw err;
    const f = failureText(err);
    if (effect.type === 'loadContexts') emit({ type: 'contextsFailed', message: f.message });
    else emit({ type: 'scanFailed', message: f.message, hint: f.hint });
  }
}

/** Loads the phases or runs one; a question from the phase waits for an `answerApply` effect. */
async function performApply(effect: Extract<WizardEffect, { type: 'loadApply' | 'runPhase' }>, ports: WizardPorts, emit: (e: WizardEvent) => void, session: AbortController): Promise<void> {
  try {
    if (ports.apply === undefined) throw new UserError('this session has no cluster to apply to', 'run podsec apply DIR against your cluster');
    if (effect.type === 'loadApply') {
      emit({ type: 'applyLoaded', overview: await ports.apply.overview(effect.dir) });
      return;
    }
    const confirm = (question: { message: string; details: readonly string[]; default: boolean }) =>
      new Promise<boolean>((resolve) => {
        pendingAnswers.set(session, resolve);
        emit({ type: 'applyQuestion', question });
      });
    const report = await ports.apply.runPhase(effect.dir, { phase: effect.phase, namespaces: effect.namespaces, dryRun: effect.dryRun }, (line) => emit({ type: 'applyProgress', line }), confirm);
    emit({ type: 'phaseRan', report });
  } catch (err) {
    if (err instanceof InternalError) throw err;
    const f = failureText(err);
    emit({ type: 'applyFailed', message: err instanceof CancelledError ? `cancelled: ${f.message}` : f.hint !== null ? `${f.message} (${f.hint})` : f.message });
  }
}

/** Chooses the operator's next event for a state with no effect pending (null: nothing to do). */
export type Decider = (state: WizardState) => Promise<WizardEvent | null> | WizardEvent | null;

/** Runs the machine to its end with effects performed in order; returns the final state. */
export async function driveLoop(start: WizardState, ports: WizardPorts, decide: Decider, signal: AbortSignal, onState: (s: WizardState) => void = () => {}): Promise<WizardState> {
  let state = start;
  const queue: WizardEffect[] = initialEffects(start);
  const events: WizardEvent[] = [];
  const scanAbort = new AbortController();
  signal.addEventListener('abort', () => scanAbort.abort(), { once: true });
  const apply = (e: WizardEvent) => {
    const t = transition(state, e);
    state = t.state;
    queue.push(...t.effects);
    onState(state);
  };
  let deferred: unknown = null;
  // A running phase reports progress and asks questions before its effect ends: those are applied
  // at once, and a question is answered by the decider right away (its answer effect performed).
  const emit = (e: WizardEvent) => {
    if (e.type === 'applyProgress') return apply(e);
    if (e.type !== 'applyQuestion') return void events.push(e);
    apply(e);
    void (async () => {
      try {
        apply((await decide(state)) ?? { type: 'confirm', yes: false });
      } catch (err) {
        deferred ??= err;
        apply({ type: 'confirm', yes: false });
      }
      for (let i = queue.findIndex((x) => x.type === 'answerApply'); i >= 0; i = queue.findIndex((x) => x.type === 'answerApply')) {
        const [answer] = queue.splice(i, 1);
        if (answer !== undefined) await performEffect(answer, ports, emit, scanAbort);
      }
    })();
  };
  while (state.step !== 'done') {
    if (deferred !== null) throw deferred;
    if (signal.aborted) apply({ type: 'cancel' });
    const effect = queue.shift();
    if (effect !== undefined) {
      await performEffect(effect, ports, emit, scanAbort);
      while (events.length > 0) apply(events.shift() as WizardEvent);
      continue;
    }
    const next = await decide(state);
    if (next === null) break;
    apply(next);
  }
  return state;
}

/**
 * Headless decisions: the current kubeconfig context, every recommended fix accepted (answers from
 * --answers), the plan written. Fails with the flag to pass when an answer is missing.
 */
export const headlessDecider: Decider = (state) => {
  switch (state.step) {
    case 'cluster': {
      const list = state.contexts ?? [];
      if (!list.some((c) => c.current)) throw new UsageError('no kubeconfig context selected for a non-interactive run', 'pass --context NAME');
      return { type: 'select' };
    }
    case 'overview':
    case 'namespace':
      return { type: 'openPlan' };
    case 'plan':
      if (state.error !== null) throw new UserError(state.error);
      return { type: 'writePlan' };
    case 'written':
      return { type: 'select' };
    case 'apply':
      // Headless sessions never open the Apply step (`podsec apply --yes` is the headless way).
      return state.question !== null ? { type: 'confirm', yes: false } : { type: 'quit' };
    case 'failed':
      throw new UserError(state.message, state.hint ?? undefined);
    case 'confirmQuit':
      return { type: 'confirm', yes: true };
    case 'scanning':
    case 'done':
      return null;
  }
};

/** Runs a whole session headless; prints the plan summary on stdout; returns the exit code. */
export async function runHeadless(start: WizardState, ports: WizardPorts, io: { out(t: string): void; err(t: string): void }, signal: AbortSignal): Promise<number> {
  let written: string | null = null;
  const end = await driveLoop(start, ports, headlessDecider, signal, (s) => {
    if (s.step === 'written') written = s.result.report;
    if (s.step === 'overview' && s.cursor === 0 && Object.keys(s.session.decisions).length === 0) {
      io.err(`podsec: read ${s.session.inventory.workloads.length} workloads in ${new Set(s.session.inventory.workloads.map((w) => w.namespace)).size} namespaces\n`);
    }
  });
  if (written !== null) io.out(written);
  if (end.step === 'done') {
    if (end.exitCode === 130) throw new CancelledError();
    return end.exitCode;
  }
  throw new InternalError(`the headless session stopped at step ${end.step}`);
}
