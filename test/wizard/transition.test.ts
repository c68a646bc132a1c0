// The wizard state machine: event sequences in, states and effects out. No React, no timers.
import { describe, expect, it } from 'vitest';
import type { WizardEffect } from '../../src/wizard/effects.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { selectedKey } from '../../src/wizard/namespace-flow.js';
import { transition } from '../../src/wizard/transition.js';
import { fixtureInventory, fixtureSession, run, VERSION } from './fixture.js';
import { EMPTY_ANSWERS } from '../../src/fix/index.js';

const session = fixtureSession();
const overview: WizardState = { step: 'overview', session, cursor: 0, sort: 'name', filter: '', filtering: false };
const contexts = [
  { name: 'dev', cluster: 'dev', server: 'https://dev:6443', current: false },
  { name: 'prod', cluster: 'prod', server: 'https://prod:6443', current: true },
];
const scanned = {
  inventory: session.inventory,
  proposals: session.proposals,
  target: 'restricted' as const,
  version: VERSION,
  answers: EMPTY_ANSWERS,
  evidence: [],
};
const types = (effects: WizardEffect[]) => effects.map((e) => e.type);

describe('transition: cluster and scan', () => {
  it('preselects the current context and scans the one picked', () => {
    const start = initialState({ live: true, context: null, outDir: 'plans/x' });
    expect(start.step).toBe('cluster');
    const { state, effects } = run(start, [
      { type: 'contextsLoaded', contexts },
      { type: 'move', delta: -1 },
      { type: 'select' },
    ]);
    expect(state).toMatchObject({ step: 'scanning', context: 'dev', outDir: 'plans/x' });
    expect(effects).toEqual([{ type: 'scan', context: 'dev' }]);
    const pre = run(start, [{ type: 'contextsLoaded', contexts }]).state;
    expect(pre).toMatchObject({ step: 'cluster', cursor: 1 });
  });

  it('skips the picker for the demo and a given --context', () => {
    expect(initialState({ live: false, context: 'demo', outDir: 'd' }).step).toBe('scanning');
    expect(initialState({ live: true, context: 'prod', outDir: 'd' })).toMatchObject({
      step: 'scanning',
      context: 'prod',
    });
  });

  it('shows progress, then the overview with a clean session', () => {
    const start = initialState({ live: false, context: 'demo', outDir: 'plans/demo' });
    const progress = { namespaces: ['app'], kinds: ['Deployment'], workloads: 1, elapsedMs: 5 };
    const mid = run(start, [{ type: 'scanProgressed', progress }]).state;
    expect(mid).toMatchObject({ step: 'scanning', progress });
    const { state } = run(mid, [{ type: 'scanFinished', result: scanned }]);
    expect(state).toMatchObject({
      step: 'overview',
      cursor: 0,
      session: { dirty: false, outDir: 'plans/demo', decisions: {} },
    });
  });

  it('turns a failed scan into a failure that exits 1', () => {
    const start = initialState({ live: true, context: 'prod', outDir: 'd' });
    const failed = run(start, [{ type: 'scanFailed', message: 'cannot reach https://prod', hint: 'check the VPN' }]);
    expect(failed.state).toMatchObject({
      step: 'failed',
      message: 'cannot reach https://prod',
      hint: 'check the VPN',
      canPick: true,
    });
    const end = run(failed.state, [{ type: 'quit' }]);
    expect(end.state).toMatchObject({ step: 'done', exitCode: 1 });
    expect(run(failed.state, [{ type: 'select' }]).state).toMatchObject({ step: 'done', exitCode: 1 });
  });

  it('esc after an unreachable context goes back to the context picker (contexts reloaded)', () => {
    const picked = run(initialState({ live: true, context: null, outDir: 'd' }), [
      { type: 'contextsLoaded', contexts },
      { type: 'pickContext', name: 'dev' },
    ]).state;
    const back = run(picked, [
      { type: 'scanFailed', message: 'cannot reach https://dev', hint: null },
      { type: 'back' },
    ]);
    expect(back.state).toMatchObject({ step: 'cluster', contexts: null, outDir: 'd' });
    expect(back.effects).toEqual([{ type: 'loadContexts' }]);
    // The demo (no picker) ends instead, exit 1.
    const demo = run(initialState({ live: false, context: 'demo', outDir: 'd' }), [
      { type: 'scanFailed', message: 'x', hint: null },
      { type: 'back' },
    ]);
    expect(demo.state).toMatchObject({ step: 'done', exitCode: 1 });
  });

  it('picks a context by name (line and headless modes), refusing an unknown one', () => {
    const start = run(initialState({ live: true, context: null, outDir: 'd' }), [
      { type: 'contextsLoaded', contexts },
    ]).state;
    expect(run(start, [{ type: 'pickContext', name: 'dev' }]).effects).toEqual([{ type: 'scan', context: 'dev' }]);
    expect(run(start, [{ type: 'pickContext', name: 'nope' }])).toMatchObject({
      state: { step: 'cluster', error: expect.stringContaining('nope') },
      effects: [],
    });
  });

  it('cancels from any step with exit 130 (the runner aborts what was running)', () => {
    const scanning = initialState({ live: false, context: 'demo', outDir: 'd' });
    expect(run(scanning, [{ type: 'cancel' }])).toEqual({
      state: { step: 'done', exitCode: 130, message: 'cancelled' },
      effects: [],
    });
    expect(run(scanning, [{ type: 'quit' }]).state).toMatchObject({ step: 'done', exitCode: 0 });
    for (const s of [overview, { ...overview, filtering: true }]) {
      const r = run(s, [{ type: 'cancel' }]);
      expect(r.state).toMatchObject({ step: 'done', exitCode: 130 });
      expect(r.effects).toEqual([]);
    }
  });

  it('esc during the scan ends the session like q (exit 0, nothing decided yet); a late result is an error, never silently taken', () => {
    const scanning = initialState({ live: true, context: 'prod', outDir: 'd' });
    const r = run(scanning, [{ type: 'back' }]);
    expect(r.state).toMatchObject({ step: 'done', exitCode: 0 });
    expect(() => transition(r.state, { type: 'scanFailed', message: 'aborted', hint: '' })).toThrow(
      /done step was sent scanFailed/,
    );
  });
});

describe('transition: overview', () => {
  it('quits at once when nothing was decided', () => {
    expect(run(overview, [{ type: 'quit' }]).state).toMatchObject({ step: 'done', exitCode: 0 });
    expect(run(overview, [{ type: 'back' }]).state).toMatchObject({ step: 'done', exitCode: 0 });
  });

  it('sorts, filters and clears the filter with esc', () => {
    const sorted = run(overview, [{ type: 'cycleSort' }]).state;
    expect(sorted).toMatchObject({ sort: 'strictest' });
    expect(run(sorted, [{ type: 'cycleSort' }, { type: 'cycleSort' }]).state).toMatchObject({ sort: 'name' });
    const filtered = run(overview, [
      { type: 'startFilter' },
      { type: 'changeFilter', text: 'ok' },
      { type: 'quit' },
    ]).state;
    expect(filtered).toMatchObject({ step: 'overview', filtering: true, filter: 'ok' });
    const kept = run(filtered, [{ type: 'select' }]).state;
    expect(kept).toMatchObject({ filtering: false, filter: 'ok' });
    expect(run(kept, [{ type: 'select' }]).state).toMatchObject({ step: 'namespace', namespace: 'ok' });
    expect(run(filtered, [{ type: 'back' }]).state).toMatchObject({ step: 'overview', filtering: false, filter: '' });
  });

  it('opens the namespace under the cursor and goes back to the same row', () => {
    const ns = run(overview, [{ type: 'move', delta: 2 }, { type: 'select' }]).state;
    expect(ns).toMatchObject({ step: 'namespace', namespace: 'ok' });
    expect(run(ns, [{ type: 'back' }]).state).toMatchObject({ step: 'overview', cursor: 2 });
    expect(run(overview, [{ type: 'move', delta: 99 }]).state).toMatchObject({ cursor: 2 });
    expect(run(overview, [{ type: 'move', delta: -5 }]).state).toMatchObject({ cursor: 0 });
  });
});

describe('transition: namespace decisions', () => {
  const app = run(overview, [{ type: 'select' }]).state;

  it('lists workloads by kind and name (DaemonSet agent first)', () => {
    expect(app.step === 'namespace' && selectedKey(app)).toBe('app/DaemonSet/agent');
  });

  it('accepting marks the decision, moves on, and makes quitting ask', () => {
    const { state, effects } = run(app, [{ type: 'accept' }]);
    expect(state).toMatchObject({
      step: 'namespace',
      cursor: 1,
      session: { dirty: true, decisions: { 'app/DaemonSet/agent': 'accepted' } },
    });
    expect(effects).toEqual([]);
    const asked = run(state, [{ type: 'quit' }]).state;
    expect(asked).toMatchObject({ step: 'confirmQuit' });
    expect(run(asked, [{ type: 'confirm', yes: false }]).state).toEqual(state);
    expect(run(asked, [{ type: 'confirm', yes: true }])).toMatchObject({
      state: { step: 'done', exitCode: 0 },
      effects: [],
    });
  });

  it('skipping records the workload in answers.skip and re-proposes; accepting undoes it', () => {
    const skipped = run(app, [{ type: 'move', delta: 1 }, { type: 'skip' }]);
    expect(skipped.state).toMatchObject({
      session: { answers: { skip: ['app/Deployment/web'] }, decisions: { 'app/Deployment/web': 'skipped' } },
    });
    expect(types(skipped.effects)).toEqual(['propose']);
    const back = run(skipped.state, [{ type: 'accept' }]); // the cursor stays on the last row
    expect(back.state).toMatchObject({
      session: { answers: { skip: [] }, decisions: { 'app/Deployment/web': 'accepted' } },
    });
  });

  it('validates an edited UID, then records it and re-proposes', () => {
    const editing = run(app, [
      { type: 'move', delta: 1 },
      { type: 'startEdit', field: 'uid' },
    ]).state;
    expect(editing).toMatchObject({ editing: 'uid' });
    const bad = run(editing, [{ type: 'submitEdit', value: '0' }]).state;
    expect(bad).toMatchObject({ editing: 'uid', notice: expect.stringContaining('1 or more') });
    const { state, effects } = run(bad, [{ type: 'submitEdit', value: ' 10001 ' }]);
    expect(state).toMatchObject({
      editing: null,
      busy: 're-proposing',
      session: { answers: { uids: { 'app/Deployment/web': 10001 } }, decisions: { 'app/Deployment/web': 'edited' } },
    });
    expect(effects).toMatchObject([{ type: 'propose', answers: { uids: { 'app/Deployment/web': 10001 } } }]);
    expect(run(state, [{ type: 'proposalsUpdated', proposals: [] }]).state).toMatchObject({
      busy: null,
      session: { proposals: [] },
    });
  });

  it('records writable paths (turning hardening on) and an exemption reason; esc leaves an edit', () => {
    const paths = run(app, [
      { type: 'startEdit', field: 'writablePaths' },
      { type: 'submitEdit', value: '/tmp, /var/cache' },
    ]).state;
    expect(paths).toMatchObject({
      session: { answers: { harden: true, writablePaths: { 'app/DaemonSet/agent': ['/tmp', '/var/cache'] } } },
    });
    expect(
      run(app, [
        { type: 'startEdit', field: 'writablePaths' },
        { type: 'submitEdit', value: 'tmp' },
      ]).state,
    ).toMatchObject({ editing: 'writablePaths', notice: expect.stringContaining('absolute') });
    const exempt = run(app, [
      { type: 'startEdit', field: 'exemption' },
      { type: 'submitEdit', value: 'node agent needs the host' },
    ]).state;
    expect(exempt).toMatchObject({ session: { answers: { exemptions: { app: 'node agent needs the host' } } } });
    expect(run(app, [{ type: 'startEdit', field: 'exemption' }, { type: 'back' }]).state).toMatchObject({
      step: 'namespace',
      editing: null,
    });
    expect(run(app, [{ type: 'startEdit', field: 'uid' }, { type: 'quit' }]).state).toMatchObject({
      step: 'namespace',
      editing: 'uid',
    });
  });

  it('gathers evidence for the selected workload and takes the new proposals', () => {
    const asked = run(app, [{ type: 'move', delta: 1 }, { type: 'gatherEvidence' }]);
    expect(asked.effects).toMatchObject([
      { type: 'gatherEvidence', key: 'app/Deployment/web', evidence: ['app/Deployment/web'] },
    ]);
    expect(asked.state).toMatchObject({ busy: expect.stringContaining('app/Deployment/web') });
    expect(run(asked.state, [{ type: 'gatherEvidence' }]).effects).toEqual([]);
    const got = run(asked.state, [
      {
        type: 'evidenceGathered',
        key: 'app/Deployment/web',
        result: { found: true, note: '2 findings' },
        proposals: [],
      },
    ]).state;
    expect(got).toMatchObject({
      busy: null,
      notice: '2 findings',
      session: { evidence: ['app/Deployment/web'], proposals: [] },
    });
    const failed = run(asked.state, [
      { type: 'evidenceFailed', key: 'app/Deployment/web', message: 'forbidden' },
    ]).state;
    expect(failed).toMatchObject({
      busy: null,
      notice: expect.stringContaining('forbidden'),
      session: { evidence: [] },
    });
  });

  it('accept-all asks first when review items are among them, then decides every workload', () => {
    const asked = run(app, [{ type: 'acceptAll' }]).state;
    expect(asked).toMatchObject({ confirmingAll: true, session: { decisions: {} } });
    expect(run(asked, [{ type: 'confirm', yes: false }]).state).toMatchObject({
      confirmingAll: false,
      session: { decisions: {} },
    });
    expect(run(asked, [{ type: 'back' }]).state).toMatchObject({ step: 'namespace', confirmingAll: false });
    // While asked, other keys do nothing.
    expect(run(asked, [{ type: 'skip' }]).state).toBe(asked);
    const { state } = run(asked, [{ type: 'confirm', yes: true }]);
    expect(state).toMatchObject({
      confirmingAll: false,
      session: { decisions: { 'app/DaemonSet/agent': 'accepted', 'app/Deployment/web': 'accepted' } },
    });
  });

  it('picks a workload by key (line mode) instead of moving a cursor', () => {
    expect(run(app, [{ type: 'pickWorkload', key: 'app/Deployment/web' }]).state).toMatchObject({ cursor: 1 });
    expect(run(app, [{ type: 'pickWorkload', key: 'app/Deployment/nope' }]).state).toMatchObject({
      cursor: 0,
      notice: expect.stringContaining('nope'),
    });
  });

  it('a failed re-proposal clears the spinner and says so; the decision is kept', () => {
    const skipped = run(app, [{ type: 'move', delta: 1 }, { type: 'skip' }]).state;
    expect(skipped).toMatchObject({ busy: 're-proposing' });
    const failed = run(skipped, [{ type: 'proposeFailed', message: 'boom' }]).state;
    expect(failed).toMatchObject({
      busy: null,
      notice: expect.stringContaining('boom'),
      session: { decisions: { 'app/Deployment/web': 'skipped' } },
    });
  });
});

describe('transition: plan and written', () => {
  it('previews, writes to the output directory, and ends clean', () => {
    const decided = run(overview, [{ type: 'select' }, { type: 'accept' }, { type: 'openPlan' }]);
    expect(decided.state).toMatchObject({ step: 'plan', preview: null, writing: false });
    expect(types(decided.effects)).toEqual(['previewPlan']);
    const preview = {
      phases: [{ id: '1-observe', title: 'Observe', namespaces: [{ name: 'app', steps: 1 }] }],
      summary: { workloads: 3 },
    };
    const writing = run(decided.state, [{ type: 'planPreviewed', preview }, { type: 'select' }]);
    expect(writing.state).toMatchObject({ step: 'plan', preview, writing: true });
    expect(writing.effects.at(-1)).toMatchObject({ type: 'writePlan', outDir: 'plans/test' });
    expect(run(writing.state, [{ type: 'select' }, { type: 'back' }]).effects).toEqual([]);
    const failed = run(writing.state, [
      { type: 'planFailed', message: 'plans/test already holds a plan', conflict: null },
    ]).state;
    expect(failed).toMatchObject({ step: 'plan', writing: false, error: 'plans/test already holds a plan' });
    const result = { dir: '/abs/plans/test', files: 12, summary: {}, report: 'Wrote the plan' };
    const written = run(writing.state, [{ type: 'planWritten', result }]).state;
    expect(written).toMatchObject({ step: 'written', result, showApply: false, session: { dirty: false } });
    expect(run(written, [{ type: 'showApply' }]).state).toMatchObject({ showApply: true });
    expect(run(written, [{ type: 'quit' }]).state).toMatchObject({ step: 'done', exitCode: 0 });
  });

  it('goes back from the plan to the overview with the decisions kept', () => {
    const s = run(overview, [{ type: 'select' }, { type: 'accept' }, { type: 'openPlan' }, { type: 'back' }]).state;
    expect(s).toMatchObject({ step: 'overview', session: { dirty: true } });
  });

  it('a failed preview does not leave the spinner: the error shows, enter builds it again', () => {
    const plan = run(overview, [{ type: 'openPlan' }]).state;
    const failed = run(plan, [{ type: 'planPreviewFailed', message: 'templates missing' }]).state;
    expect(failed).toMatchObject({ step: 'plan', preview: null, error: expect.stringContaining('templates missing') });
    expect(types(run(failed, [{ type: 'select' }]).effects)).toEqual(['previewPlan']);
    // Choosing a directory and giving up on it keeps the failure, so enter still builds it again.
    const chose = run(failed, [{ type: 'changeOutDir' }, { type: 'back' }]).state;
    expect(chose).toMatchObject({ step: 'plan', dirDraft: null, error: expect.stringContaining('templates missing') });
    expect(types(run(chose, [{ type: 'select' }]).effects)).toEqual(['previewPlan']);
  });

  it('an output directory in the way: choose another (a free one offered) or overwrite', () => {
    const preview = { phases: [], summary: {} };
    const conflict = { dir: 'plans/test', suggestion: 'plans/test-2', canOverwrite: true };
    const blocked = run(overview, [
      { type: 'openPlan' },
      { type: 'planPreviewed', preview },
      { type: 'writePlan' },
      { type: 'planFailed', message: 'plans/test already holds a plan', conflict },
    ]).state;
    expect(blocked).toMatchObject({ step: 'plan', writing: false, conflict });
    const over = run(blocked, [{ type: 'overwritePlan' }]);
    expect(over.effects).toMatchObject([{ type: 'writePlan', outDir: 'plans/test', overwrite: true }]);
    const choosing = run(blocked, [{ type: 'changeOutDir' }]).state;
    expect(choosing).toMatchObject({ dirDraft: 'plans/test-2' });
    const typed = run(choosing, [
      { type: 'changeEdit', text: 'plans/mine/' },
      { type: 'submitEdit', value: 'plans/mine/' },
    ]);
    expect(typed.effects).toMatchObject([{ type: 'writePlan', outDir: 'plans/mine', overwrite: false }]);
    expect(typed.state).toMatchObject({ writing: true, session: { outDir: 'plans/mine' } });
    expect(run(choosing, [{ type: 'back' }]).state).toMatchObject({ step: 'plan', dirDraft: null });
    // Not a plan (or one being applied): no overwrite.
    const journal = run(overview, [
      { type: 'openPlan' },
      { type: 'planPreviewed', preview },
      { type: 'writePlan' },
      { type: 'planFailed', message: 'in use', conflict: { ...conflict, canOverwrite: false } },
    ]).state;
    expect(run(journal, [{ type: 'overwritePlan' }]).effects).toEqual([]);
  });

  it('done takes no event: the runner stops feeding it, a driver bug is loud', () => {
    const done = run(overview, [{ type: 'quit' }]).state;
    expect(() => transition(done, { type: 'select' })).toThrow(/done step was sent select/);
  });

  it('an event a step does not take is an internal error, not a silent stay', () => {
    expect(() => transition(overview, { type: 'toggle' })).toThrow(/overview step was sent toggle/);
    expect(() => transition(overview, { type: 'planPreviewed', preview: { phases: [], summary: {} } })).toThrow(
      /does not take/,
    );
  });
});

describe('fixture sanity', () => {
  it('reads the fixture without input errors', () => {
    expect(fixtureInventory().errors).toEqual([]);
  });
});
