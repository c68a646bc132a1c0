// Line mode's Apply step: the inquirer prompts (phase select, namespace checkbox, confirms, the
// running phase's questions) driven with @inquirer/testing's screen (imported first), checked by the
// wizard events they return and by what those events do to the pure Apply state machine.
import { screen } from '@inquirer/testing/vitest';
import { describe, expect, it } from 'vitest';
import { applyDecision } from '../../src/line/apply-line.js';
import { onApply } from '../../src/wizard/apply-flow.js';
import type { IntentEvent, WizardEvent } from '../../src/wizard/events.js';
import type { OwnEvent } from '../../src/wizard/protocol.js';
import type { ApplyState } from '../../src/wizard/state.js';
import { dry, fixtureSession, overview } from '../wizard/fixture.js';

function applyState(over: Partial<ApplyState> = {}): ApplyState {
  const result = { dir: '/tmp/plan', files: 3, summary: {}, report: 'Wrote the plan to plan/\n' };
  // Cursor 1: applyLoaded preselects the next phase (2-fix).
  return {
    step: 'apply',
    session: fixtureSession(),
    result,
    stage: 'phase',
    overview,
    cursor: 1,
    phase: null,
    namespaces: [],
    report: null,
    progress: [],
    question: null,
    error: null,
    ...over,
  };
}

/** Starts the decision; returns the promise, the printed text and the follow-up events. */
function decide(state: ApplyState): { done: Promise<WizardEvent | null>; printed: string[]; pending: WizardEvent[] } {
  const printed: string[] = [];
  const pending: IntentEvent[] = [];
  return { done: applyDecision(state, (t) => printed.push(t), pending), printed, pending };
}

async function waitScreen(text: string): Promise<string> {
  for (let i = 0; i < 50 && !screen.getScreen().includes(text); i++) await screen.next();
  const s = screen.getScreen();
  expect(s).toContain(text);
  return s;
}

/** Feeds the returned event then the pending ones to the state machine. */
function feed(state: ApplyState, events: WizardEvent[]): ReturnType<typeof onApply> {
  let t: ReturnType<typeof onApply> = { state, effects: [] };
  for (const e of events) {
    if (t.state.step !== 'apply') break;
    const next = onApply(t.state, e as OwnEvent<'apply'>);
    t = { state: next.state, effects: [...t.effects, ...next.effects] };
  }
  return t;
}

describe('line mode Apply step', () => {
  it('phase select: tags applied/resuming phases, preselects the next one, picking another names it (pickPhase)', async () => {
    const s = applyState();
    const { done, pending } = decide(s);
    const shown = await waitScreen('Apply which phase?');
    expect(shown).toContain('1-observe  Observe (applied)');
    expect(shown).toContain('2-fix  Fix (resuming: interrupted)');
    expect(shown).toContain('quit (apply later with podsec apply)');
    screen.keypress('down');
    screen.keypress('enter');
    const e = await done;
    expect(e).toEqual({ type: 'pickPhase', id: '3-enforce' });
    expect(pending).toEqual([]);
    expect(feed(s, [e as WizardEvent, ...pending]).state).toMatchObject({
      stage: 'namespaces',
      phase: '3-enforce',
      namespaces: ['a'],
    });
  });

  it('phase select: enter on the preselected next phase opens it; choosing quit quits', async () => {
    const s = applyState();
    const first = decide(s);
    await waitScreen('Apply which phase?');
    screen.keypress('enter');
    const e = await first.done;
    expect(e).toEqual({ type: 'pickPhase', id: '2-fix' });
    expect(feed(s, [e as WizardEvent, ...first.pending]).state).toMatchObject({
      stage: 'namespaces',
      phase: '2-fix',
      namespaces: ['a', 'b', 'c'],
    });

    const second = decide(s);
    await waitScreen('Apply which phase?');
    screen.keypress('down');
    screen.keypress('down');
    screen.keypress('enter');
    expect(await second.done).toEqual({ type: 'quit' });
    expect(second.pending).toEqual([]);
  });

  it('phase select: shows a previous error and says when every phase is applied', async () => {
    const s = applyState({ overview: { ...overview, next: null }, error: 'cancelled: nothing was applied' });
    const { done, printed } = decide(s);
    await waitScreen('Apply which phase?');
    expect(printed.join('')).toContain('podsec: cancelled: nothing was applied');
    expect(printed.join('')).toContain('Every phase of the plan is applied.');
    screen.keypress('enter');
    expect(await done).toEqual({ type: 'quit' });
  });

  it('namespace checkbox: all preselected, unticking one sets the rest and runs the dry run', async () => {
    const s = applyState({ stage: 'namespaces', phase: '2-fix', namespaces: ['a', 'b', 'c'], cursor: 0 });
    const { done, pending } = decide(s);
    await waitScreen('Namespaces of 2-fix');
    screen.keypress('down');
    screen.keypress('space');
    screen.keypress('enter');
    const e = await done;
    expect(e).toEqual({ type: 'setNamespaces', namespaces: ['a', 'c'] });
    expect(pending).toEqual([{ type: 'select' }]);
    const t = feed(s, [e as WizardEvent, ...pending]);
    expect(t.state).toMatchObject({ stage: 'dryRun', namespaces: ['a', 'c'] });
    expect(t.effects).toEqual([
      { type: 'runPhase', dir: '/tmp/plan', phase: '2-fix', namespaces: ['a', 'c'], dryRun: true, confirmed: false },
    ]);
  });

  it('namespace checkbox: unticking every namespace goes back to the phase list', async () => {
    const s = applyState({ stage: 'namespaces', phase: '3-enforce', namespaces: ['a'], cursor: 0 });
    const { done, pending } = decide(s);
    await waitScreen('Namespaces of 3-enforce');
    screen.keypress('space');
    screen.keypress('enter');
    expect(await done).toEqual({ type: 'back' });
    expect(pending).toEqual([]);
  });

  it.each([
    ['y', true],
    ['n', false],
  ] as const)('a question from the running phase is an inquirer confirm: %s -> confirm yes=%s', async (key, yes) => {
    const s = applyState({
      stage: 'dryRun',
      phase: '2-fix',
      namespaces: ['a'],
      question: { message: 'Apply phase 2-fix?', details: ['3 pods would be rejected'], default: false },
    });
    const { done, printed, pending } = decide(s);
    await waitScreen('Apply phase 2-fix?');
    expect(printed.join('')).toContain('  3 pods would be rejected\n');
    screen.type(key);
    screen.keypress('enter');
    const e = await done;
    expect(e).toEqual({ type: 'confirm', yes });
    expect(pending).toEqual([]);
    expect(feed(s, [e as WizardEvent]).effects).toEqual([{ type: 'answerApply', yes }]);
  });

  it('a question keeps its default on enter', async () => {
    const s = applyState({
      stage: 'applying',
      phase: '2-fix',
      namespaces: ['a'],
      question: { message: 'Label anyway?', details: [], default: true },
    });
    const { done } = decide(s);
    await waitScreen('Label anyway?');
    screen.keypress('enter');
    expect(await done).toEqual({ type: 'confirm', yes: true });
  });

  it('after the dry run: prints the report and confirms the real run (default no)', async () => {
    const s = applyState({ stage: 'reviewed', phase: '2-fix', namespaces: ['a', 'c'], report: dry });
    const { done, printed } = decide(s);
    await waitScreen('Apply 2-fix for real to a, c?');
    expect(printed.join('')).toContain('Dry run of 2-fix (server-side, nothing written):');
    expect(printed.join('')).toContain('Deployment a/web: patch');
    screen.keypress('enter');
    const e = await done;
    expect(e).toEqual({ type: 'confirm', yes: false });
    expect(feed(s, [e as WizardEvent]).state).toMatchObject({ stage: 'namespaces' });
  });

  it('after the real run: yes reloads for another phase, no quits', async () => {
    const s = applyState({ stage: 'applied', phase: '2-fix', namespaces: ['a'], report: { ...dry, dryRun: false } });
    const yes = decide(s);
    await waitScreen('Apply another phase now?');
    expect(yes.printed.join('')).toContain('Applied 2-fix:');
    screen.keypress('enter');
    const e = await yes.done;
    expect(e).toEqual({ type: 'select' });
    expect(feed(s, [e as WizardEvent]).effects).toEqual([{ type: 'loadApply', dir: '/tmp/plan' }]);

    const no = decide(s);
    await waitScreen('Apply another phase now?');
    screen.type('n');
    screen.keypress('enter');
    expect(await no.done).toEqual({ type: 'quit' });
  });

  it.each([
    ['phase select', applyState(), 'Apply which phase?'],
    [
      'namespace checkbox',
      applyState({ stage: 'namespaces', phase: '2-fix', namespaces: ['a', 'b', 'c'], cursor: 0 }),
      'Namespaces of 2-fix',
    ],
    [
      'running-phase question',
      applyState({
        stage: 'applying',
        phase: '2-fix',
        namespaces: ['a'],
        question: { message: 'Apply phase 2-fix?', details: [], default: true },
      }),
      'Apply phase 2-fix?',
    ],
    ['real-run confirm', applyState({ stage: 'reviewed', phase: '2-fix', namespaces: ['a'], report: dry }), 'for real'],
  ])('Ctrl-C on the %s becomes a cancel event', async (_name, s, text) => {
    const { done, pending } = decide(s);
    await waitScreen(text);
    screen.keypress({ name: 'c', ctrl: true });
    expect(await done).toEqual({ type: 'cancel' });
    expect(pending).toEqual([]);
  });

  it('no prompt while loading or running without a question; a load failure goes back', async () => {
    expect(await decide(applyState({ stage: 'dryRun', phase: '2-fix' })).done).toBeNull();
    expect(await decide(applyState({ stage: 'applying', phase: '2-fix' })).done).toBeNull();
    expect(await decide(applyState({ stage: 'loading', overview: null })).done).toBeNull();
    const failed = decide(applyState({ stage: 'loading', overview: null, error: 'no plan in /tmp/plan' }));
    expect(await failed.done).toEqual({ type: 'back' });
    expect(failed.printed.join('')).toContain('podsec: no plan in /tmp/plan');
  });
});
