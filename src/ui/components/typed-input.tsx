// A one-line text input drawn from wizard state (the root's key handler edits it, see keys.ts
// typingAction), so no key typed right after it opens is lost:
//   UID (a number of 1 or more): 1000▏
import { Text } from 'ink';
import type { Paint } from '../theme.js';

/** The label, the typed text and a cursor; the placeholder while empty. */
export function TypedInput({
  label,
  value,
  placeholder,
  paint,
}: {
  label: string;
  value: string;
  placeholder: string;
  paint: Paint;
}) {
  return (
    <Text>
      {label} {value}
      <Text inverse> </Text>
      {value === '' ? <Text {...paint('muted')}> {placeholder}</Text> : null}
    </Text>
  );
}
