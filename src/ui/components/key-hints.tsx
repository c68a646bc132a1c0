// The bottom hint line, from the keymap (ui/keys.ts):
//   ↑/k move up · ↓/j move down · enter select · esc back · ? help · q quit
import { Text } from 'ink';
import { asciiOnly } from '../ascii.js';
import { hintLine } from '../keys.js';
import type { StepName } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

/** Hints for the keys of a step. */
export function KeyHints({ step, paint, ascii = false }: { step: StepName; paint: Paint; ascii?: boolean }) {
  return <Text {...paint('muted')}>{ascii ? asciiOnly(hintLine(step)) : hintLine(step)}</Text>;
}
