// Step 5: the plan before writing: phases with the namespaces and step counts, where it goes; when
// that directory is in the way, the choice of another one (a free one offered) or overwriting.
//   1-observe  Observe: batch (1), shop (1), ...
//   ! plans/demo already holds a plan: d writes elsewhere (plans/demo-2) · o overwrites it
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { PlanState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';
import { TypedInput } from '../components/typed-input.js';

/** The plan preview. */
export function PlanScreen({ state, paint }: { state: PlanState; paint: Paint }) {
  if (state.preview === null)
    return state.error !== null ? (
      <Text {...paint('bad')}>x {state.error}</Text>
    ) : (
      <Spinner label="building the plan" />
    );
  const s = state.preview.summary;
  const c = state.conflict;
  return (
    <Box flexDirection="column">
      <Text bold>The plan</Text>
      {state.preview.phases.map((p) => (
        <Text key={p.id}>
          <Text {...paint('accent')}>{p.id.padEnd(22)}</Text>
          {p.namespaces.length > 0 ? p.namespaces.map((n) => `${n.name} (${n.steps})`).join(', ') : 'nothing to do'}
        </Text>
      ))}
      <Text>
        {s['workloads'] ?? 0} workloads: {s['compliant'] ?? 0} compliant, {s['fixed'] ?? 0} with a fix,{' '}
        {s['review'] ?? 0} to review, {s['blocked'] ?? 0} blocked
        {(s['skipped'] ?? 0) > 0 ? `; ${s['skipped'] ?? 0} of them skipped (left out of the fix phase)` : ''}
      </Text>
      <Text>
        Output directory: <Text bold>{state.session.outDir}</Text>
      </Text>
      {state.dirDraft !== null ? (
        <TypedInput
          label="write the plan to:"
          value={state.dirDraft}
          placeholder="a directory (enter writes, esc cancels)"
          paint={paint}
        />
      ) : state.writing ? (
        <Spinner label="writing the plan" />
      ) : c !== null ? (
        <Text {...paint('warn')}>
          ! {state.error} · d writes it elsewhere ({c.suggestion}){c.canOverwrite ? ` · o overwrites ${c.dir}` : ''} ·
          esc goes back
        </Text>
      ) : (
        <Text {...paint('accent')}>
          enter writes the plan · d chooses another directory · esc goes back to the namespaces
        </Text>
      )}
      {state.error !== null && c === null ? <Text {...paint('bad')}>x {state.error}</Text> : null}
    </Box>
  );
}
