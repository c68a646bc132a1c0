// The session runner: stale results dropped, one AbortSignal per request aborted when the step
// moves on, every port failure turned into the effect's failure event, and drivers that end on a
// signal instead of spinning. Fake ports only where a real part cannot fail on demand.
import { describe, expect, it } from 'vitest';
import { EMPTY_ANSWERS, type FixProposal } from '../../src/fix/index.js';
import type { WizardPorts } from '../../src/wizard/ports.js';
import { driveSession, SessionRunner } from '../../src/wizard/runner.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { fakePorts } from '../ui/fake-ports.js';
import { fixtureSession, VERSION } from './fixture.js';

const session = fixtureSession();
const overview: WizardState = { step: 'overview', session, cursor: 0, sort: 'name', filter: '', filtering: false };

/** A promise with its resolve/reject outside. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const settle = async (r: SessionRunner) => {
  for (let i = 0; i < 50 && r.inFlight() > 0; i++) await new Promise((x) => setTimeout(x, 1));
};

describe('SessionRunner', () => {
  it('drops a superseded result: the older propose answers last and is ignored', async () => {
    const calls: { answers: unknown; d: ReturnType<typeof deferred<FixProposal[]>>; signal: AbortSignal }[] = [];
    const ports: WizardPorts = {
      ...fakePorts(),
      propose: (_inv, answers, _ev, signal) => {
        const d = deferred<FixProposal[]>();
        calls.push({ answers, d, signal });
        return d.promise;
      },
    };
    const r = new SessionRunner(overview, ports);
    r.dispatch({ type: 'openNamespace', name: 'app' });
    r.dispatch({ type: 'pickWorkload', key: 'app/Deployment/web' });
    r.dispatch({ type: 'skip' }); // propose #1 (web skipped)
    r.dispatch({ type: 'pickWorkload', key: 'app/Deployment/web' });
    r.dispatch({ type: 'accept' }); // propose #2 (web no longer skipped)
    await new Promise((x) => setTimeout(x, 5));
    expect(calls).toHaveLength(2);
    expect(calls[0]?.signal.aborted).toBe(true);
    calls[1]?.d.resolve([]);
    await settle(r);
    expect(r.state).toMatchObject({ step: 'namespace', busy: null, session: { proposals: [] } });
    calls[0]?.d.resolve(session.proposals);
    await new Promise((x) => setTimeout(x, 5));
    expect(r.state).toMatchObject({ session: { proposals: [] } });
  });

  it('quitting during a scan aborts the scan signal at once', async () => {
    let signal: AbortSignal | undefined;
    const ports: WizardPorts = { ...fakePorts(), scan: (_c, _p, s) => ((signal = s), new Promise(() => {})) };
    const r = new SessionRunner(initialState({ live: false, context: 'demo', outDir: 'd' }), ports);
    r.start();
    await new Promise((x) => setTimeout(x, 1));
    expect(signal?.aborted).toBe(false);
    r.dispatch({ type: 'quit' });
    expect(r.state).toMatchObject({ step: 'done', exitCode: 0 });
    expect(signal?.aborted).toBe(true);
    expect(r.inFlight()).toBe(0);
  });

  it('leaving a step aborts what only that step waited for (evidence gathering on esc)', async () => {
    let signal: AbortSignal | undefined;
    const ports: WizardPorts = { ...fakePorts(), gatherEvidence: (_i, _k, s) => ((signal = s), new Promise(() => {})) };
    const r = new SessionRunner(overview, ports);
    r.dispatch({ type: 'openNamespace', name: 'app' });
    r.dispatch({ type: 'gatherEvidence' });
    await new Promise((x) => setTimeout(x, 1));
    r.dispatch({ type: 'back' });
    expect(signal?.aborted).toBe(true);
    expect(r.state.step).toBe('overview');
  });

  it('every port failure becomes its failure event: the preview, the write, a re-proposal never hang', async () => {
    const boom = () => Promise.reject(new Error('boom'));
    const ports: WizardPorts = { ...fakePorts(), previewPlan: boom, writePlan: boom, propose: boom };
    const r = new SessionRunner(overview, ports);
    r.dispatch({ type: 'openPlan' });
    await settle(r);
    expect(r.state).toMatchObject({ step: 'plan', preview: null, error: expect.stringContaining('boom') });
    r.dispatch({ type: 'back' });
    r.dispatch({ type: 'openNamespace', name: 'app' });
    r.dispatch({ type: 'pickWorkload', key: 'app/Deployment/web' });
    r.dispatch({ type: 'skip' });
    await settle(r);
    expect(r.state).toMatchObject({ step: 'namespace', busy: null, notice: expect.stringContaining('boom') });
  });

  it('an InternalError from a port is a crash, not a failure event', async () => {
    const { InternalError } = await import('../../src/errors.js');
    let crash: unknown = null;
    const ports: WizardPorts = { ...fakePorts(), previewPlan: () => Promise.reject(new InternalError('bug')) };
    const r = new SessionRunner(overview, ports, { onCrash: (e) => (crash = e) });
    r.dispatch({ type: 'openPlan' });
    await new Promise((x) => setTimeout(x, 5));
    expect(crash).toBeInstanceOf(InternalError);
  });
});

describe('driveSession', () => {
  it('ends with cancel (exit 130) when the signal aborts mid-scan, without spinning', async () => {
    let signal: AbortSignal | undefined;
    const ports: WizardPorts = { ...fakePorts(), scan: (_c, _p, s) => ((signal = s), new Promise(() => {})) };
    const ac = new AbortController();
    const r = new SessionRunner(initialState({ live: false, context: 'demo', outDir: 'd' }), ports);
    const end = driveSession(r, () => null, ac.signal);
    setTimeout(() => ac.abort(), 20);
    await expect(end).resolves.toMatchObject({ step: 'done', exitCode: 130 });
    expect(signal?.aborted).toBe(true);
  });

  it('a decider that changes nothing is an internal error, not a busy loop', async () => {
    const r2 = new SessionRunner(
      { step: 'written', session, result: { dir: 'd', files: 1, summary: {}, report: '' }, showApply: true },
      fakePorts(),
    );
    // showApply on an offline written plan changes nothing after the first time.
    await expect(driveSession(r2, () => ({ type: 'showApply' }), new AbortController().signal)).rejects.toThrow(
      /no progress/,
    );
  });

  it('headless end to end over the fixture: scan, plan written, exit 0', async () => {
    const written: string[] = [];
    const ports: WizardPorts = {
      ...fakePorts(),
      writePlan: async (_i, _a, _e, outDir) => (
        written.push(outDir),
        { written: { dir: outDir, files: 1, summary: {}, report: '' } }
      ),
    };
    const r = new SessionRunner(initialState({ live: false, context: 'x', outDir: 'plans/h' }), ports);
    const { headlessDecider } = await import('../../src/cli/wizard-runner.js');
    await expect(driveSession(r, headlessDecider, new AbortController().signal)).resolves.toMatchObject({
      step: 'done',
      exitCode: 0,
    });
    expect(written).toEqual(['plans/h']);
    expect(VERSION).toBe('v1.37');
    expect(EMPTY_ANSWERS.skip).toEqual([]);
  });
});
