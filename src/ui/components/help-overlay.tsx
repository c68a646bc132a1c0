// The `?` overlay: every key of the current step, from the same keymap as the hints.
//   Keys
//   ↑/k      move up
//   ...
import { Box, Text } from 'ink';
import { bindingsFor } from '../keys.js';
import type { StepName } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

/** Lists every binding of `step`. */
export function HelpOverlay({ step, paint }: { step: StepName; paint: Paint }) {
  const list = bindingsFor(step);
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys (? or esc closes this help)</Text>
      {list.map((b) => (
        <Text key={b.keys + b.does}>
          <Text {...paint('accent')}>{b.keys.padEnd(12)}</Text>
          {b.does}
        </Text>
      ))}
    </Box>
  );
}
