// Step 3: the namespace table: labels today, strictest level passed, blockers, recommended
// target; sortable (o), filterable (/); system namespaces marked with *.
//   NAMESPACE    LABELS            PASSES      TARGET      FIX  BLOCKERS
//   > shop       none              privileged  restricted  5    -
import { Box, Text } from 'ink';
import type { OverviewState } from '../../wizard/state.js';
import { namespaceRows } from '../../wizard/session.js';
import type { Paint } from '../theme.js';
import { visibleWindow } from '../components/window.js';
import { TypedInput } from '../components/typed-input.js';

const cell = (s: string, n: number) => (s.length > n - 1 ? `${s.slice(0, n - 2)}… ` : s.padEnd(n));

/** The overview table. */
export function OverviewScreen({ state, paint, height }: { state: OverviewState; paint: Paint; height: number }) {
  const rows = namespaceRows(state.session, state.sort, state.filter);
  const { start, end } = visibleWindow(rows.length, state.cursor, height - 3);
  return (
    <Box flexDirection="column">
      <Text bold>
        {'  '}
        {cell('NAMESPACE', 16)}
        {cell('LABELS', 20)}
        {cell('PASSES', 12)}
        {cell('TARGET', 12)}
        {cell('FIX', 5)}BLOCKERS
      </Text>
      {rows.slice(start, end).map((r, i) => {
        const sel = start + i === state.cursor;
        return (
          <Text key={r.name} wrap="truncate-end" {...(sel ? paint('selected') : {})}>
            {sel ? '> ' : '  '}
            {cell(`${r.name}${r.system ? ' *' : ''}`, 16)}
            {cell(r.labels, 20)}
            {cell(r.strictest, 12)}
            <Text {...paint(r.blockers.length > 0 ? 'warn' : 'ok')}>{cell(r.exempted ? 'exempt' : r.recommended, 12)}</Text>
            {cell(String(r.toFix), 5)}
            {r.blockers.length > 0 ? `! ${r.blockers.join(', ')}` : '-'}
          </Text>
        );
      })}
      {rows.length === 0 ? <Text>No namespace matches the filter.</Text> : null}
      <Text {...paint('muted')}>
        sorted by {state.sort}
        {state.filter !== '' ? ` · filter "${state.filter}"` : ''}
        {rows.some((r) => r.system) ? ' · * system namespace' : ''}
      </Text>
      {state.filtering ? (
        <TypedInput label="/" value={state.filter} placeholder="type to filter, enter to keep, esc to clear" paint={paint} />
      ) : null}
    </Box>
  );
}
