// The bottom hint bar, from the keymap (ui/keymap.ts, through ui/keys.ts), wrapped by phrase (hintRows):
//   ↑/k move up · ↓/j move down · enter select · esc back · ? help · q quit
import { Box, Text } from 'ink';
import { asciiOnly } from '../ascii.js';
import type { Paint } from '../theme.js';

/** The hint rows of the current key mode. */
export function KeyHints({ rows, paint, ascii = false }: { rows: readonly string[]; paint: Paint; ascii?: boolean }) {
  return (
    <Box flexDirection="column">
      {rows.map((r, i) => (
        <Text key={i} {...paint('muted')} wrap="truncate-end">
          {ascii ? asciiOnly(r) : r}
        </Text>
      ))}
    </Box>
  );
}
