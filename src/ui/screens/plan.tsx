// Step 5: the plan before writing: phases with the namespaces and step counts, where it goes.
//   1-observe  Observe: batch (1), shop (1), ...
//   enter writes the plan to plans/demo
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { PlanState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

/** The plan preview. */
export function PlanScreen({ state, paint }: { state: PlanState; paint: Paint }) {
  if (state.preview === null) return state.error !== null ? <Text {...paint('bad')}>x {state.error}</Text> : <Spinner label="building the plan" />;
  const s = state.preview.summary;
  return (
    <Box flexDirection="column">
      <Text bold>The plan</Text>
      {state.preview.phases.map((p) => (
        <Text key={p.id} wrap="truncate-end">
          <Text {...paint('accent')}>{p.id.padEnd(22)}</Text>
          {p.namespaces.length > 0 ? p.namespaces.map((n) => `${n.name} (${n.steps})`).join(', ') : 'nothing to do'}
        </Text>
      ))}
      <Text>
        {s['workloads'] ?? 0} workloads: {s['compliant'] ?? 0} compliant, {s['fixed'] ?? 0} fixed, {s['review'] ?? 0} to review, {s['blocked'] ?? 0} blocked, {s['skipped'] ?? 0} skipped
      </Text>
      <Text>
        Output directory: <Text bold>{state.session.outDir}</Text>
      </Text>
      {state.writing ? <Spinner label="writing the plan" /> : <Text {...paint('accent')}>enter writes the plan · esc goes back to the namespaces</Text>}
      {state.error !== null ? <Text {...paint('bad')}>x {state.error}</Text> : null}
    </Box>
  );
}
