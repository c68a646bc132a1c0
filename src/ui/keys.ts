// The TUI's key handling over the one keymap (keymap.ts): maps keys to wizard events per step, and
// gives the on-screen hints and the `?` help overlay from the same bindings. Shell (UI), but free
// of Ink imports.

import type { IntentEvent } from '../wizard/events.js';
import type { WizardState } from '../wizard/state.js';
import { KEYMAP, type Binding, type KeyMode, type KeyPress } from './keymap.js';

const applies = (b: Binding, mode: KeyMode) =>
  (b.steps === 'all' ? !['typing'].includes(mode) || b.keys === 'ctrl-c' : b.steps.includes(mode)) &&
  !(b.except ?? []).includes(mode);

/** The key mode of a state: its step, or the view that has the keyboard. */
export function keyMode(state: WizardState, detailOpen: boolean): KeyMode {
  if (typedText(state) !== null) return 'typing';
  if (state.step === 'namespace' && state.confirmingAll) return 'confirmAll';
  if (state.step === 'namespace' && detailOpen) return 'detail';
  return state.step;
}

/** The bindings that apply in a mode (for the help overlay). */
export function bindingsFor(mode: KeyMode): Binding[] {
  return KEYMAP.filter((b) => applies(b, mode));
}

/** The hint phrases of a mode, each kept whole (`↑/k move up`, `A accept all`, ...). */
export function hintPhrases(mode: KeyMode): string[] {
  return bindingsFor(mode)
    .filter((b) => b.hint)
    .map((b) => `${b.keys} ${b.short ?? b.does.split(' (')[0] ?? b.does}`);
}

/** The hint line of a mode: `↑/k move up · enter select ...`. */
export function hintLine(mode: KeyMode): string {
  return hintPhrases(mode).join(' · ');
}

/** The hint bar wrapped by phrase to `width` columns (a phrase is never split across lines). */
export function hintRows(mode: KeyMode, width: number): string[] {
  const rows: string[] = [];
  for (const p of hintPhrases(mode)) {
    const last = rows[rows.length - 1];
    if (last !== undefined && last.length + 3 + p.length <= width) rows[rows.length - 1] = `${last} · ${p}`;
    else rows.push(p);
  }
  return rows;
}

/** The action a key press means in a mode, or null. */
export function actionFor(mode: KeyMode, input: string, key: KeyPress): Binding['event'] | null {
  return KEYMAP.find((b) => applies(b, mode) && b.match(input, key))?.event ?? null;
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
  const change = (t: string): IntentEvent =>
    state.step === 'overview' ? { type: 'changeFilter', text: t } : { type: 'changeEdit', text: t };
  if (key.escape) return { type: 'back' };
  if (key.return) return state.step === 'overview' ? { type: 'select' } : { type: 'submitEdit', value: text };
  if (key.backspace === true || key.delete === true) return text === '' ? null : change(text.slice(0, -1));
  if (input === '' || key.ctrl || key.meta === true || key.upArrow || key.downArrow || /[\u0000-\u001f]/.test(input))
    return null;
  return change(text + input);
}
