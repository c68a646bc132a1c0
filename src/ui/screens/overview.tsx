// Step 3: the namespace table: labels today, strictest level passed, recommended target, fixes,
// blockers; sortable (o), filterable (/); system namespaces marked with *. Columns share the width
// by content: the name with its `*` and every label with its pinned version are never cut (labels
// that do not fit go on their own line); only the blockers list, last, is shortened.
//   NAMESPACE     LABELS                   PASSES      TARGET      FIX  BLOCKERS
//   > legacy      enforce=baseline@v1.30   baseline    restricted  1    -
import { Box, Text } from 'ink';
import type { OverviewState } from '../../wizard/state.js';
import { namespaceRows, serverText, type NamespaceRow } from '../../wizard/session.js';
import type { Paint } from '../theme.js';
import { visibleWindow } from '../components/window.js';
import { TypedInput } from '../components/typed-input.js';

const GAP = 2;

/** Column widths for `rows` in `width` columns (the blockers column takes what is left). */
export function overviewColumns(rows: readonly NamespaceRow[], width: number) {
  const nameOf = (r: NamespaceRow) => `${r.name}${r.system ? ' *' : ''}`;
  const name = Math.max(9, ...rows.map((r) => nameOf(r).length)) + GAP;
  const level = 'privileged'.length + GAP;
  const fix = 3 + GAP;
  const fixed = 2 + name + level + level + fix;
  const longestPart = Math.max(6, ...rows.flatMap((r) => r.labels.split(' ').map((p) => p.length)));
  const natural = Math.max(6, ...rows.map((r) => r.labels.length));
  // Labels get their natural width when the blockers keep at least 12 columns, else one label per line.
  const labels = Math.max(longestPart, Math.min(natural, width - fixed - 12)) + GAP;
  return { nameOf, name, labels, level, fix, blockers: Math.max(1, width - fixed - labels) };
}

/** Label text split into lines of at most `w` characters, whole labels only. */
function labelLines(text: string, w: number): string[] {
  const out: string[] = [];
  for (const part of text.split(' ')) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + 1 + part.length <= w) out[out.length - 1] = `${last} ${part}`;
    else out.push(part);
  }
  return out;
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`);

/** The overview table. */
export function OverviewScreen({
  state,
  paint,
  height,
  width,
}: {
  state: OverviewState;
  paint: Paint;
  height: number;
  width: number;
}) {
  const rows = namespaceRows(state.session, state.sort, state.filter);
  const col = overviewColumns(rows, width);
  const { start, end } = visibleWindow(rows.length, state.cursor, height - 5);
  const pad = (s: string, n: number) => s.padEnd(n);
  return (
    <Box flexDirection="column">
      <Text bold>
        {'  '}
        {pad('NAMESPACE', col.name)}
        {pad('LABELS', col.labels)}
        {pad('PASSES', col.level)}
        {pad('TARGET', col.level)}
        {pad('FIX', col.fix)}BLOCKERS
      </Text>
      {rows.slice(start, end).map((r, i) => {
        const sel = start + i === state.cursor;
        const [first = '', ...more] = labelLines(r.labels, col.labels - GAP);
        const blockers = r.blockers.length > 0 ? cut(`! ${r.blockers.join(', ')}`, col.blockers) : '-';
        return (
          <Box key={r.name} flexDirection="column">
            <Text wrap="truncate-end" {...(sel ? paint('selected') : {})}>
              {sel ? '> ' : '  '}
              {pad(col.nameOf(r), col.name)}
              {pad(first, col.labels)}
              {pad(r.strictest, col.level)}
              <Text {...paint(r.blockers.length > 0 ? 'warn' : 'ok')}>
                {pad(r.exempted ? 'exempt' : r.recommended, col.level)}
              </Text>
              {pad(String(r.toFix), col.fix)}
              {blockers}
            </Text>
            {more.map((m) => (
              <Text key={m}>
                {'  '}
                {' '.repeat(col.name)}
                {m}
              </Text>
            ))}
          </Box>
        );
      })}
      {rows.length === 0 ? <Text>No namespace matches the filter.</Text> : null}
      {rows[state.cursor] !== undefined ? (
        <Text
          {...paint(
            state.session.verification?.[rows[state.cursor]?.name ?? '']?.status === 'disagrees' ? 'bad' : 'muted',
          )}
          wrap="truncate-end"
        >
          {rows[state.cursor]?.name}: {serverText(state.session, rows[state.cursor]?.name ?? '')}
        </Text>
      ) : null}
      <Text {...paint('muted')} wrap="truncate-end">
        sorted by {state.sort}
        {state.filter !== '' ? ` · filter "${state.filter}" (esc clears)` : ''}
        {rows.some((r) => r.system) ? ' · * system namespace' : ''} · FIX: workloads with a fix proposed
      </Text>
      {state.filtering ? (
        <TypedInput
          label="/"
          value={state.filter}
          placeholder="type to filter, enter to keep, esc to clear"
          paint={paint}
        />
      ) : null}
    </Box>
  );
}
