// The Apply step in the TUI over fake port results: keys in, frames out (ANSI stripped), waits on
// predicates. The phase's own question (asked by applyPhase through confirm) is a y/n overlay.
import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import type { ApplyPort, ApplyQuestion, PhaseRun } from '../../src/wizard/ports.js';
import type { WizardState } from '../../src/wizard/state.js';
import { fixtureSession } from '../wizard/fixture.js';
import { fakePorts } from './fake-ports.js';
import { KEYS, press, tick, waitFor } from './helpers.js';

afterEach(() => cleanup());

interface Calls {
  runs: { phase: string; namespaces: readonly string[]; dryRun: boolean; confirmed: boolean }[];
  answers: boolean[];
}

function fakeApply(calls: Calls, journalEntries = 0): ApplyPort {
  return {
    overview: async (dir) => ({
      dir,
      phases: [
        { id: '1-observe', title: 'Observe', namespaces: ['app', 'ok'], done: false, journalEntries },
        { id: '2-fix', title: 'Fix workloads', namespaces: ['app'], done: false, journalEntries: 0 },
      ],
      next: '1-observe',
    }),
    async runPhase(_dir, run, progress, confirm): Promise<PhaseRun> {
      calls.runs.push(run);
      const out = (outcome: 'wouldApply' | 'applied'): PhaseRun => ({
        phase: run.phase,
        dryRun: run.dryRun,
        outcomes: run.namespaces.map((n) => ({
          step: `s-${n}`,
          namespace: n,
          target: `namespace ${n}`,
          outcome,
          message: 'labels warn=restricted audit=restricted',
          details: n === 'app' ? ['violating pod web-1: runAsNonRoot != true'] : [],
        })),
        stoppedAt: null,
      });
      if (run.dryRun) return out('wouldApply');
      // As applyPhase: the phase question only when the operator has not confirmed after the dry run.
      if (!run.confirmed) {
        const q: ApplyQuestion = {
          message: `Apply phase ${run.phase} (${run.namespaces.length} changes)?`,
          details: run.namespaces.map((n) => `namespace ${n}: labels`),
          default: false,
        };
        calls.answers.push(await confirm(q));
      }
      if (journalEntries > 0) {
        // A risky step still asks (drift on an interrupted phase).
        const yes = await confirm({
          message: 'namespace app changed since the plan was written. Apply anyway?',
          details: ['labels differ'],
          default: false,
        });
        calls.answers.push(yes);
        if (!yes) throw Object.assign(new Error('nothing was applied'), { name: 'CancelledError' });
      }
      progress(`${run.phase}: namespace ${run.namespaces[0] ?? ''}`);
      return out('applied');
    },
  };
}

function mount(calls: Calls, journalEntries = 0) {
  const base = fixtureSession();
  const session = { ...base, inventory: { ...base.inventory, origin: 'cluster' as const } };
  const start: WizardState = {
    step: 'written',
    session,
    result: { dir: '/abs/plans/t', files: 9, summary: {}, report: 'Wrote the plan to plans/t/\n' },
    showApply: false,
  };
  return render(
    <App
      start={start}
      ports={{ ...fakePorts(), apply: fakeApply(calls, journalEntries) }}
      title="podsec test"
      color={false}
      onEnd={() => {}}
    />,
  );
}

describe('Apply screen (live cluster)', () => {
  it('next phase preselected, namespaces toggled, dry run shown, one confirmation after it, applied result', async () => {
    const calls: Calls = { runs: [], answers: [] };
    const inst = mount(calls);
    await waitFor(inst, (f) => f.includes('a applies it now'));
    await tick();
    let f = await press(inst, 'a', (x) => x.includes('Apply which phase?'));
    expect(f).toMatch(/> 1-observe +Observe +\(next\)/);
    f = await press(inst, KEYS.enter, (x) => x.includes('[x] ok'));
    expect(f).toContain('[x] app');
    await press(inst, KEYS.down, (x) => x.includes('> [x] ok'));
    await press(inst, KEYS.space, (x) => x.includes('[ ] ok'));
    f = await press(inst, KEYS.enter, (x) => x.includes('Dry run of 1-observe'));
    expect(f).toContain('would apply');
    expect(f).toContain('violating pod web-1');
    expect(f).not.toContain('namespace ok');
    expect(calls.runs).toEqual([{ phase: '1-observe', namespaces: ['app'], dryRun: true, confirmed: false }]);
    // One y after the dry run applies it: no second "Apply phase?" question.
    f = await press(inst, 'y', (x) => x.includes('Applied 1-observe'));
    expect(f).toMatch(/applied +namespace app/);
    expect(calls.answers).toEqual([]);
    expect(calls.runs[1]).toEqual({ phase: '1-observe', namespaces: ['app'], dryRun: false, confirmed: true });
  });

  it('declining a risky step applies nothing and says so; an interrupted phase shows resuming', async () => {
    const calls: Calls = { runs: [], answers: [] };
    const inst = mount(calls, 3);
    await waitFor(inst, (f) => f.includes('a applies it now'));
    await tick();
    let f = await press(inst, 'a', (x) => x.includes('Apply which phase?'));
    expect(f).toContain('resuming (interrupted)');
    await press(inst, KEYS.enter, (x) => x.includes('Resuming 1-observe'));
    await press(inst, KEYS.enter, (x) => x.includes('Dry run of 1-observe'));
    await press(inst, KEYS.enter, (x) => x.includes('? namespace app changed since the plan was written'));
    f = await press(
      inst,
      'n',
      (x) => x.includes('x cancelled: nothing was applied') || x.includes('nothing was applied'),
    );
    expect(calls.answers).toEqual([false]);
    expect(f).toContain('Apply which phase?');
  });
});
