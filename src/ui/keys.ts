// The one keymap of the TUI: it maps keys to wizard events per step, and is also the source of
// the on-screen hints and the `?` help overlay. Shell (UI), but free of Ink imports.

import type { IntentEvent } from '../wizard/events.js';
import type { StepName, WizardState } from '../wizard/state.js';

/** The parts of Ink's key object the keymap reads. */
export interface KeyPress {
  upArrow: boolean;
  downArrow: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  meta?: boolean;
  backspace?: boolean;
  delete?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
}

/** A key binding: the keys shown, what it does, where it applies, and the event it sends. */
export interface Binding {
  keys: string;
  does: string;
  steps: readonly StepName[] | 'all';
  /** Shown in the bottom hint line (the rest only in the `?` overlay). */
  hint: boolean;
  match: (input: string, key: KeyPress) => boolean;
  event: IntentEvent | 'help' | 'scrollUp' | 'scrollDown';
}

const ch = (c: string) => (input: string, key: KeyPress) => input === c && !key.ctrl;
const LISTS: StepName[] = ['cluster', 'overview', 'namespace', 'apply'];

export const KEYMAP: readonly Binding[] = [
  { keys: '↑/k', does: 'move up', steps: LISTS, hint: true, match: (i, k) => k.upArrow || ch('k')(i, k), event: { type: 'move', delta: -1 } },
  { keys: '↓/j', does: 'move down', steps: LISTS, hint: true, match: (i, k) => k.downArrow || ch('j')(i, k), event: { type: 'move', delta: 1 } },
  { keys: 'enter', does: 'select / open / write', steps: ['cluster', 'overview', 'plan', 'written', 'apply', 'failed'], hint: true, match: (_i, k) => k.return, event: { type: 'select' } },
  { keys: 'space', does: 'toggle the namespace', steps: ['apply'], hint: true, match: (i) => i === ' ', event: { type: 'toggle' } },
  { keys: 'enter/space', does: 'accept the selected fix', steps: ['namespace'], hint: true, match: (i, k) => k.return || i === ' ', event: { type: 'accept' } },
  { keys: 'A', does: 'accept every fix in this namespace', steps: ['namespace'], hint: false, match: ch('A'), event: { type: 'acceptAll' } },
  { keys: 's', does: 'skip the workload (leave it out of the fix phase)', steps: ['namespace'], hint: true, match: ch('s'), event: { type: 'skip' } },
  { keys: 'u', does: 'edit the UID', steps: ['namespace'], hint: true, match: ch('u'), event: { type: 'startEdit', field: 'uid' } },
  { keys: 'w', does: 'edit writable paths (emptyDir mounts)', steps: ['namespace'], hint: true, match: ch('w'), event: { type: 'startEdit', field: 'writablePaths' } },
  { keys: 'x', does: 'exempt the namespace (with a reason)', steps: ['namespace'], hint: false, match: ch('x'), event: { type: 'startEdit', field: 'exemption' } },
  { keys: 'g', does: 'gather evidence (logs) and re-propose', steps: ['namespace'], hint: true, match: ch('g'), event: { type: 'gatherEvidence' } },
  { keys: '[', does: 'scroll the fix details up', steps: ['namespace'], hint: false, match: (i, k) => i === '[' || k.pageUp === true, event: 'scrollUp' },
  { keys: ']', does: 'scroll the fix details down', steps: ['namespace'], hint: false, match: (i, k) => i === ']' || k.pageDown === true, event: 'scrollDown' },
  { keys: '/', does: 'filter namespaces', steps: ['overview'], hint: true, match: ch('/'), event: { type: 'startFilter' } },
  { keys: 'o', does: 'change the sort order', steps: ['overview'], hint: true, match: ch('o'), event: { type: 'cycleSort' } },
  { keys: 'p', does: 'go to the plan', steps: ['overview', 'namespace'], hint: true, match: ch('p'), event: { type: 'openPlan' } },
  { keys: 'o', does: 'overwrite the plan in the way', steps: ['plan'], hint: true, match: ch('o'), event: { type: 'overwritePlan' } },
  { keys: 'd', does: 'choose the output directory', steps: ['plan'], hint: true, match: ch('d'), event: { type: 'changeOutDir' } },
  { keys: 'a', does: 'apply the plan (live cluster) or show how', steps: ['written'], hint: true, match: ch('a'), event: { type: 'showApply' } },
  { keys: 'y', does: 'yes, quit', steps: ['confirmQuit'], hint: true, match: (i) => i === 'y' || i === 'Y', event: { type: 'confirm', yes: true } },
  { keys: 'y', does: 'yes (answer the question)', steps: ['apply'], hint: true, match: (i) => i === 'y' || i === 'Y', event: { type: 'confirm', yes: true } },
  { keys: 'n', does: 'no', steps: ['apply'], hint: true, match: (i) => i === 'n' || i === 'N', event: { type: 'confirm', yes: false } },
  { keys: 'n', does: 'no, go back', steps: ['confirmQuit'], hint: true, match: (i) => i === 'n' || i === 'N', event: { type: 'confirm', yes: false } },
  { keys: 'esc', does: 'back', steps: 'all', hint: true, match: (_i, k) => k.escape, event: { type: 'back' } },
  { keys: '?', does: 'this help', steps: 'all', hint: true, match: ch('?'), event: 'help' },
  { keys: 'q', does: 'quit (asks when decisions are unsaved)', steps: 'all', hint: true, match: ch('q'), event: { type: 'quit' } },
  { keys: 'ctrl-c', does: 'cancel and restore the terminal (exit 130)', steps: 'all', hint: false, match: (i, k) => k.ctrl && i === 'c', event: { type: 'cancel' } },
];

const applies = (b: Binding, step: StepName) => b.steps === 'all' || b.steps.includes(step);

/** The bindings that apply at a step (for the help overlay). */
export function bindingsFor(step: StepName): Binding[] {
  return KEYMAP.filter((b) => applies(b, step));
}

/** The hint line at a step: `↑/k move up · enter select ...`. */
export function hintLine(step: StepName): string {
  return bindingsFor(step)
    .filter((b) => b.hint)
    .map((b) => `${b.keys} ${b.does.split(' (')[0] ?? b.does}`)
    .join(' · ');
}

/** The action a key press means at a step, or null. */
export function actionFor(step: StepName, input: string, key: KeyPress): Binding['event'] | null {
  return KEYMAP.find((b) => applies(b, step) && b.match(input, key))?.event ?? null;
}

/** The text an open input holds (the filter, an edit, the plan directory), or null when none is open. */
export function typedText(state: WizardState): string | null {
  if (state.step === 'overview' && state.filtering) return state.filter;
  if (state.step === 'namespace' && state.editing !== null) return state.draft;
  if (state.step === 'plan' && state.dirDraft !== null) return state.dirDraft;
  return null;
}

/**
 * A key while an input is open: text goes into the wizard state at once (the root's one handler
 * owns the input, so keys typed right after the input opens are never lost); enter submits, esc
 * leaves. Null when the key does nothing.
 */
export function typingAction(state: WizardState, input: string, key: KeyPress): IntentEvent | null {
  const text = typedText(state);
  if (text === null) return null;
  const change = (t: string): IntentEvent => (state.step === 'overview' ? { type: 'changeFilter', text: t } : { type: 'changeEdit', text: t });
  if (key.escape) return { type: 'back' };
  if (key.return) return state.step === 'overview' ? { type: 'select' } : { type: 'submitEdit', value: text };
  if (key.backspace === true || key.delete === true) return text === '' ? null : change(text.slice(0, -1));
  if (input === '' || key.ctrl || key.meta === true || key.upArrow || key.downArrow || /[\u0000-\u001f]/.test(input)) return null;
  return change(text + input);
}
