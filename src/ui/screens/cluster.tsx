// Step 1: pick a kubeconfig context (the current one preselected), with its server.
//   > prod-eu      https://10.0.0.1:6443   (current)
//     staging      https://10.0.0.2:6443
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { ClusterState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';
import { visibleWindow } from '../components/window.js';

/** The context list. */
export function ClusterScreen({ state, paint, height }: { state: ClusterState; paint: Paint; height: number }) {
  if (state.contexts === null) return <Spinner label="reading the kubeconfig" />;
  if (state.contexts.length === 0)
    return <Text>The kubeconfig defines no contexts. Press q to quit, or try `podsec demo`.</Text>;
  const { start, end } = visibleWindow(state.contexts.length, state.cursor, height - 1);
  return (
    <Box flexDirection="column">
      <Text bold>Pick the cluster (kubeconfig context):</Text>
      {state.contexts.slice(start, end).map((c, i) => {
        const sel = start + i === state.cursor;
        return (
          <Text key={c.name} {...(sel ? paint('selected') : {})}>
            {sel ? '> ' : '  '}
            {c.name.padEnd(20)} {c.server}
            {c.current ? '  (current)' : ''}
          </Text>
        );
      })}
    </Box>
  );
}
