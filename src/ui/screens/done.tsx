// The last frame, kept on the terminal after the session ends: the written plan's summary (where
// it is, the counts, the next commands), or why the session ended.
//   Wrote the plan to plans/demo-2/ (PLAN.md, plan.json, ...)
import { Box, Text } from 'ink';
import type { DoneState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

/** The final message, every line of it. */
export function DoneScreen({ state, paint }: { state: DoneState; paint: Paint }) {
  // Cancelled (exit 130): the CLI says so once on stderr.
  if (state.exitCode === 130 || state.message === null) return null;
  const lines = state.message.trimEnd().split('\n');
  return (
    <Box flexDirection="column">
      {lines.map((l, i) => (
        <Text key={i} {...(i === 0 && state.exitCode !== 0 ? paint(state.exitCode === 130 ? 'muted' : 'bad') : {})}>
          {l}
        </Text>
      ))}
    </Box>
  );
}
