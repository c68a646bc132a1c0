// Step 6: the plan is written; apply it now (the commands, server-side dry-run first) or later.
//   ✓ plan written to /home/me/plans/demo (52 files)
import { Box, Text } from 'ink';
import type { WrittenState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

/** The result and how to apply. */
export function WrittenScreen({ state, paint, height }: { state: WrittenState; paint: Paint; height: number }) {
  const lines = state.result.report.trimEnd().split('\n');
  const demo = state.session.inventory.origin === 'demo';
  const dir = state.session.outDir;
  return (
    <Box flexDirection="column">
      <Text {...paint('ok')}>
        ✓ plan written to {state.result.dir} ({state.result.files} files)
      </Text>
      {lines.slice(1, Math.max(2, height - (state.showApply ? 8 : 3))).map((l, i) => (
        <Text key={i} wrap={l.startsWith('Next:') ? 'wrap' : 'truncate-end'}>
          {l}
        </Text>
      ))}
      {state.showApply ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Apply, phase by phase (server-side dry-run first, journal for resume and rollback):</Text>
          <Text> podsec apply {dir} --phase 1-observe --dry-run</Text>
          <Text> podsec apply {dir} --phase 1-observe</Text>
          <Text> podsec apply {dir} (the next phase not applied; resumes an interrupted one)</Text>
          {demo ? (
            <Text {...paint('warn')}>! the demo estate has no cluster: run these against your own cluster's plan</Text>
          ) : null}
        </Box>
      ) : (
        <Text {...paint('accent')}>
          {state.session.inventory.origin === 'cluster'
            ? 'a applies it now (server-side dry run first)'
            : 'a shows how to apply'}{' '}
          · enter or q quits
        </Text>
      )}
    </Box>
  );
}
