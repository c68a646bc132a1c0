// A failure the session cannot continue from, with what to try next.
//   x could not connect to https://...: connection refused
//     try: check your kubeconfig ...
import { Box, Text } from 'ink';
import type { FailedState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

/** The failure message and hint. */
export function FailedScreen({ state, paint }: { state: FailedState; paint: Paint }) {
  return (
    <Box flexDirection="column">
      <Text {...paint('bad')}>x {state.message}</Text>
      {state.hint !== null ? <Text> try: {state.hint}</Text> : null}
      <Text {...paint('muted')}>enter or q quits (exit code 1)</Text>
    </Box>
  );
}
