// The session runner, one per session, shared by the TUI hook, line mode and headless: applies
// events through transition(), performs the effects through the ports (its only way out), tags
// each request so a superseded or stale result is dropped, and owns one AbortSignal per request,
// aborted when a newer request of the same kind starts or the step stops taking its results
// (quitting mid-scan aborts the scan at once). Every port failure becomes the effect's declared
// failure event (protocol.ts); an InternalError is a crash.

import { CancelledError, ClusterError, InternalError, UsageError, UserError } from '../errors.js';
import type { WizardEffect, WizardEffectType } from './effects.js';
import type { IntentEvent, ResultEvent } from './events.js';
import type { ApplyQuestion, WizardPorts } from './ports.js';
import { accepts, awaitsAny, isWaiting, type EffectOf, type ResultOf } from './protocol.js';
import type { WizardState } from './state.js';
import { transition } from './transition.js';

/** One line for an effect failure (the hint too for errors that carry one). */
export function failureText(err: unknown): { message: string; hint: string | null } {
  if (err instanceof UserError || err instanceof UsageError || err instanceof ClusterError)
    return { message: err.message, hint: err.hint ?? null };
  if (err instanceof Error) return { message: err.message.split('\n')[0] ?? err.name, hint: null };
  return { message: String(err), hint: null };
}

const withHint = (f: { message: string; hint: string | null }) =>
  f.hint !== null ? `${f.message} (${f.hint})` : f.message;

/** The effects a state needs when a driver starts on it. */
export function initialEffects(state: WizardState): WizardEffect[] {
  if (state.step === 'cluster') return [{ type: 'loadContexts' }];
  if (state.step === 'scanning') return [{ type: 'scan', context: state.context }];
  return [];
}

type Performed = Exclude<WizardEffectType, 'answerApply'>;

/** What a performer may use: the request's signal, intermediate results, and questions. */
interface RequestIo<T extends Performed> {
  signal: AbortSignal;
  emit: (e: ResultOf<T>) => void;
  ask: (q: ApplyQuestion) => Promise<boolean>;
}

/** How each effect runs, typed so it can only produce the results protocol.ts declares for it. */
const PERFORM: { [T in Performed]: (f: EffectOf<T>, ports: WizardPorts, io: RequestIo<T>) => Promise<ResultOf<T>> } = {
  loadContexts: async (_f, ports, io) => ({ type: 'contextsLoaded', contexts: await ports.listContexts(io.signal) }),
  scan: async (f, ports, io) => ({
    type: 'scanFinished',
    result: await ports.scan(f.context, (progress) => io.emit({ type: 'scanProgressed', progress }), io.signal),
  }),
  propose: async (f, ports, io) => ({
    type: 'proposalsUpdated',
    proposals: await ports.propose(f.inventory, f.answers, f.evidence, io.signal),
  }),
  gatherEvidence: async (f, ports, io) => {
    const result = await ports.gatherEvidence(f.inventory, f.key, io.signal);
    return {
      type: 'evidenceGathered',
      key: f.key,
      result,
      proposals: await ports.propose(f.inventory, f.answers, f.evidence, io.signal),
    };
  },
  trialRun: async (f, ports, io) => {
    if (ports.trialRun === undefined)
      throw new UserError('trial runs need a live cluster', 'run podsec trial DIR against your cluster');
    const result = await ports.trialRun(f.inventory, f.key, f.answers, io.signal);
    return {
      type: 'evidenceGathered',
      key: f.key,
      result,
      proposals: await ports.propose(f.inventory, f.answers, f.evidence, io.signal),
    };
  },
  previewPlan: async (f, ports, io) => ({
    type: 'planPreviewed',
    preview: await ports.previewPlan(f.inventory, f.answers, f.evidence, io.signal),
  }),
  writePlan: async (f, ports, io) => {
    const out = await ports.writePlan(f.inventory, f.answers, f.evidence, f.outDir, {
      overwrite: f.overwrite,
      signal: io.signal,
    });
    return 'written' in out
      ? { type: 'planWritten', result: out.written }
      : { type: 'planFailed', message: out.message, conflict: out.conflict };
  },
  loadApply: async (f, ports, io) => {
    if (ports.apply === undefined)
      throw new UserError('this session has no cluster to apply to', 'run podsec apply DIR against your cluster');
    return { type: 'applyLoaded', overview: await ports.apply.overview(f.dir, io.signal) };
  },
  runPhase: async (f, ports, io) => {
    if (ports.apply === undefined)
      throw new UserError('this session has no cluster to apply to', 'run podsec apply DIR against your cluster');
    const run = { phase: f.phase, namespaces: f.namespaces, dryRun: f.dryRun, confirmed: f.confirmed };
    const report = await ports.apply.runPhase(
      f.dir,
      run,
      (line) => io.emit({ type: 'applyProgress', line }),
      io.ask,
      io.signal,
    );
    return { type: 'phaseRan', report };
  },
};

/** The failure event of each effect (a port rejected). */
const FAIL: { [T in Performed]: (err: unknown, f: EffectOf<T>) => ResultOf<T> } = {
  loadContexts: (err) => ({ type: 'contextsFailed', message: failureText(err).message }),
  scan: (err) => ({ type: 'scanFailed', ...failureText(err) }),
  propose: (err) => ({ type: 'proposeFailed', message: failureText(err).message }),
  gatherEvidence: (err, f) => ({ type: 'evidenceFailed', key: f.key, message: failureText(err).message }),
  trialRun: (err, f) => ({ type: 'evidenceFailed', key: f.key, message: `trial: ${failureText(err).message}` }),
  previewPlan: (err) => ({ type: 'planPreviewFailed', message: withHint(failureText(err)) }),
  writePlan: (err) => ({ type: 'planFailed', message: withHint(failureText(err)), conflict: null }),
  loadApply: (err) => ({ type: 'applyFailed', message: withHint(failureText(err)) }),
  runPhase: (err) => ({
    type: 'applyFailed',
    message: err instanceof CancelledError ? `cancelled: ${failureText(err).message}` : withHint(failureText(err)),
  }),
};

interface Request {
  id: number;
  type: Performed;
  abort: AbortController;
  /** The running phase's open question, answered by an answerApply effect. */
  answer: ((yes: boolean) => void) | null;
}

export interface RunnerOptions {
  /** Every new state (the TUI re-renders from it). */
  onState?: (s: WizardState) => void;
  /** A bug: an InternalError from a port, or an event a step does not take. */
  onCrash?: (err: unknown) => void;
}

/** Runs one session: holds its state, performs effects, drops stale results. */
export class SessionRunner {
  private current: WizardState;
  private readonly requests = new Map<number, Request>();
  private nextId = 1;
  private waiters: (() => void)[] = [];
  private started = false;
  /** The first crash (an InternalError), kept for drivers that poll. */
  crash: unknown = null;

  constructor(
    start: WizardState,
    private readonly ports: WizardPorts,
    private readonly opts: RunnerOptions = {},
  ) {
    this.current = start;
  }

  /** The latest state. */
  get state(): WizardState {
    return this.current;
  }

  /** Requests running now. */
  inFlight(): number {
    return this.requests.size;
  }

  /** Starts the effects the first state needs (once). */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const f of initialEffects(this.current)) this.launch(f);
  }

  /** An operator intent. Ignored once the session is done; throws InternalError when the step does not take it. */
  dispatch(e: IntentEvent): void {
    if (this.current.step === 'done') return;
    this.apply(e);
  }

  /** Resolves at the next state change or settled request. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Aborts every request (the session is over or torn down). */
  stop(): void {
    for (const r of this.requests.values()) r.abort.abort();
    this.requests.clear();
    this.notify();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private apply(e: IntentEvent | ResultEvent): void {
    const t = transition(this.current, e);
    this.current = t.state;
    // A request whose results the new step cannot take is stale: abort it now.
    for (const r of [...this.requests.values()]) {
      if (!awaitsAny(t.state.step, r.type)) this.drop(r);
    }
    this.opts.onState?.(t.state);
    for (const f of t.effects) this.launch(f);
    this.notify();
  }

  private drop(r: Request): void {
    r.abort.abort();
    this.requests.delete(r.id);
  }

  private fail(err: unknown): void {
    this.crash ??= err;
    this.stop();
    this.opts.onCrash?.(err);
  }

  /** Delivers a result of request `r` unless it is stale (superseded, aborted, or the step moved on). */
  private deliver(r: Request, e: ResultEvent): void {
    if (!this.requests.has(r.id) || r.abort.signal.aborted || this.current.step === 'done') return;
    if (!accepts(this.current.step, e.type)) return this.drop(r);
    try {
      this.apply(e);
    } catch (err) {
      this.fail(err);
    }
  }

  private launch(f: WizardEffect): void {
    if (f.type === 'answerApply') {
      const r = [...this.requests.values()].find((x) => x.answer !== null);
      const answer = r?.answer;
      if (r !== undefined) r.answer = null;
      answer?.(f.yes);
      return;
    }
    // A newer request of the same kind supersedes the running one.
    for (const r of [...this.requests.values()]) if (r.type === f.type) this.drop(r);
    const r: Request = { id: this.nextId++, type: f.type, abort: new AbortController(), answer: null };
    this.requests.set(r.id, r);
    const io: RequestIo<Performed> = {
      signal: r.abort.signal,
      emit: (e) => this.deliver(r, e),
      ask: (q) =>
        new Promise<boolean>((resolve) => {
          r.answer = resolve;
          this.deliver(r, { type: 'applyQuestion', question: q });
          // Aborted while asking: the phase gets "no" and stops.
          r.abort.signal.addEventListener('abort', () => resolve(false), { once: true });
        }),
    };
    const perform = PERFORM[f.type] as (
      f: WizardEffect,
      ports: WizardPorts,
      io: RequestIo<Performed>,
    ) => Promise<ResultEvent>;
    const failure = FAIL[f.type] as (err: unknown, f: WizardEffect) => ResultEvent;
    // Started on the next microtask: a port never runs inside the transition that asked for it.
    void Promise.resolve()
      .then(() => perform(f, this.ports, io))
      .then(
        (result) => {
          this.deliver(r, result);
          this.settle(r);
        },
        (err: unknown) => {
          if (err instanceof InternalError && !r.abort.signal.aborted) return this.fail(err);
          this.deliver(r, failure(err, f));
          this.settle(r);
        },
      );
  }

  private settle(r: Request): void {
    if (this.requests.get(r.id) === r) this.requests.delete(r.id);
    this.notify();
  }
}

/** Chooses the operator's next intent when the operator can act (null: nothing to decide). */
export type Decider = (state: WizardState) => Promise<IntentEvent | null> | IntentEvent | null;

/** Lets timers, signals and I/O run between two decisions (no busy loop). */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Drives a session to its end with a decider (line mode, headless): asks only when the state is not
 * waiting on an effect, and ends with `cancel` when `signal` aborts (SIGTERM, SIGINT). A decider that
 * keeps changing nothing is a bug (InternalError), never a busy loop.
 */
export async function driveSession(runner: SessionRunner, decide: Decider, signal: AbortSignal): Promise<WizardState> {
  const cancel = () => runner.dispatch({ type: 'cancel' });
  signal.addEventListener('abort', cancel, { once: true });
  try {
    if (signal.aborted) cancel();
    runner.start();
    let idle = 0;
    while (runner.state.step !== 'done') {
      if (runner.crash !== null) throw runner.crash;
      const s = runner.state;
      if (isWaiting(s)) {
        if (runner.inFlight() === 0)
          throw new InternalError(`the session waits at its ${s.step} step with nothing running`);
        await runner.changed();
        continue;
      }
      const e = await decide(s);
      if (runner.crash !== null) throw runner.crash;
      if (runner.state.step !== s.step) continue;
      if (e === null) {
        if (runner.inFlight() === 0)
          throw new InternalError(`nothing to decide at the ${s.step} step and nothing running`);
        await runner.changed();
        continue;
      }
      const before = runner.state;
      runner.dispatch(e);
      idle = runner.state === before && runner.inFlight() === 0 ? idle + 1 : 0;
      if (idle >= 3)
        throw new InternalError(`the session made no progress: ${e.type} at the ${s.step} step changes nothing`);
      await breathe();
    }
    if (runner.crash !== null) throw runner.crash;
    return runner.state;
  } finally {
    signal.removeEventListener('abort', cancel);
    runner.stop();
  }
}
