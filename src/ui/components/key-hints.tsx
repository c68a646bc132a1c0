// The bottom hint line, from the keymap (ui/keys.ts):
//   ↑/k move up · ↓/j move down · enter select · esc back · ? help · q quit
import { Text } from 'ink';
import { hintLine } from '../keys.js';
import type { StepName } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

/** Hints for the keys of a step. */
export function KeyHints({ step, paint }: { step: StepName; paint: Paint }) {
  return <Text {...paint('muted')}>{hintLine(step)}</Text>;
}
