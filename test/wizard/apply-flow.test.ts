// The Apply step of the state machine: live vs offline, phase and namespace picking, dry run,
// questions from the running phase, the real run and the next phase. Pure tables.
import { describe, expect, it } from 'vitest';
import type { WizardState } from '../../src/wizard/state.js';
import { isResuming, phaseTag, reportLines } from '../../src/wizard/apply-flow.js';
import { dry, fixtureSession, overview, run } from './fixture.js';
import type { Session } from '../../src/wizard/session.js';

const base = fixtureSession();
const live = { ...base, inventory: { ...base.inventory, origin: 'cluster' as const } };
const result = { dir: '/tmp/plan', files: 3, summary: {}, report: 'Wrote the plan to plan/\n' };
const written = (s: Session = live): WizardState => ({ step: 'written', session: s, result, showApply: false });

describe('Apply step', () => {
  it('offline (demo, files): a only explains the commands, no effect', () => {
    const r = run(written(base), [{ type: 'showApply' }]);
    expect(r.state).toMatchObject({ step: 'written', showApply: true });
    expect(r.effects).toEqual([]);
  });

  it('live: loads the plan, preselects the next phase, all namespaces, dry run first, then the real run', () => {
    let r = run(written(), [{ type: 'showApply' }]);
    expect(r.state).toMatchObject({ step: 'apply', stage: 'loading' });
    expect(r.effects).toEqual([{ type: 'loadApply', dir: '/tmp/plan' }]);
    r = run(r.state, [{ type: 'applyLoaded', overview }, { type: 'select' }]);
    expect(r.state).toMatchObject({ step: 'apply', stage: 'namespaces', phase: '2-fix', namespaces: ['a', 'b', 'c'] });
    r = run(r.state, [{ type: 'move', delta: 1 }, { type: 'toggle' }, { type: 'select' }]);
    expect(r.state).toMatchObject({ stage: 'dryRun', namespaces: ['a', 'c'] });
    expect(r.effects).toEqual([
      { type: 'runPhase', dir: '/tmp/plan', phase: '2-fix', namespaces: ['a', 'c'], dryRun: true, confirmed: false },
    ]);
    r = run(r.state, [
      { type: 'applyProgress', line: 'checking' },
      { type: 'phaseRan', report: dry },
    ]);
    expect(r.state).toMatchObject({ stage: 'reviewed', report: dry, progress: ['checking'] });
    r = run(r.state, [{ type: 'confirm', yes: true }]);
    // The yes after the dry run is the phase's confirmation: the real run does not ask it again.
    expect(r.effects).toEqual([
      { type: 'runPhase', dir: '/tmp/plan', phase: '2-fix', namespaces: ['a', 'c'], dryRun: false, confirmed: true },
    ]);
    expect(r.state).toMatchObject({ stage: 'applying', progress: [] });
  });

  it('a question from the running phase waits for y/n and answers through an effect; q does not quit mid-run', () => {
    let r = run(written(), [
      { type: 'showApply' },
      { type: 'applyLoaded', overview },
      { type: 'select' },
      { type: 'select' },
    ]);
    expect(r.state).toMatchObject({ stage: 'dryRun' });
    r = run(r.state, [
      { type: 'applyQuestion', question: { message: 'Apply phase 2-fix?', details: ['x'], default: false } },
      { type: 'quit' },
      { type: 'select' },
    ]);
    expect(r.state).toMatchObject({ step: 'apply', stage: 'dryRun', question: { message: 'Apply phase 2-fix?' } });
    expect(r.effects).toEqual([]);
    const yes = run(r.state, [{ type: 'confirm', yes: true }]);
    expect(yes.effects).toEqual([{ type: 'answerApply', yes: true }]);
    expect(yes.state).toMatchObject({ question: null });
    expect(run(r.state, [{ type: 'back' }]).effects).toEqual([{ type: 'answerApply', yes: false }]);
  });

  it('declining after the dry run goes back to the namespaces; no namespaces refuses to run', () => {
    let r = run(written(), [
      { type: 'showApply' },
      { type: 'applyLoaded', overview },
      { type: 'select' },
      { type: 'select' },
      { type: 'phaseRan', report: dry },
      { type: 'confirm', yes: false },
    ]);
    expect(r.state).toMatchObject({ stage: 'namespaces' });
    r = run(r.state, [{ type: 'setNamespaces', namespaces: [] }, { type: 'select' }]);
    expect(r.effects).toEqual([]);
    expect(r.state).toMatchObject({ stage: 'namespaces', error: expect.stringContaining('at least one') });
  });

  it('after the real run enter reloads (the next phase), a failure is shown at the phase list', () => {
    let r = run(written(), [
      { type: 'showApply' },
      { type: 'applyLoaded', overview },
      { type: 'select' },
      { type: 'select' },
      { type: 'phaseRan', report: dry },
      { type: 'select' },
    ]);
    r = run(r.state, [{ type: 'phaseRan', report: { ...dry, dryRun: false, stoppedAt: 's1' } }]);
    expect(r.state).toMatchObject({ stage: 'applied' });
    if (r.state.step === 'apply' && r.state.report !== null)
      expect(reportLines(r.state.report).join('\n')).toContain('stopped at s1');
    expect(run(r.state, [{ type: 'select' }]).effects).toEqual([{ type: 'loadApply', dir: '/tmp/plan' }]);
    const failed = run(written(), [
      { type: 'showApply' },
      { type: 'applyLoaded', overview },
      { type: 'select' },
      { type: 'select' },
      { type: 'applyFailed', message: 'cancelled: nothing was applied' },
    ]);
    expect(failed.state).toMatchObject({ stage: 'phase', error: 'cancelled: nothing was applied' });
    expect(run(failed.state, [{ type: 'back' }]).state).toMatchObject({ step: 'written' });
  });

  it('a phase applied to some namespaces only is "partly applied", not "resuming"; the rest is preselected', () => {
    const partly = {
      ...overview,
      phases: overview.phases.map((p) =>
        p.id === '2-fix' ? { ...p, journalEntries: 2, appliedNamespaces: ['a'], interrupted: false } : p,
      ),
    };
    const p2 = partly.phases[1]!;
    expect(isResuming(p2)).toBe(false);
    expect(phaseTag(p2, '2-fix')).toBe('partly applied (1 of 3 namespaces) (next)');
    const r = run(written(), [
      { type: 'showApply' },
      { type: 'applyLoaded', overview: partly },
      { type: 'pickPhase', id: '2-fix' },
    ]);
    expect(r.state).toMatchObject({ stage: 'namespaces', namespaces: ['b', 'c'] });
    const broken = { ...p2, interrupted: true };
    expect(phaseTag(broken, null)).toBe('resuming (interrupted)');
  });
});
