// The full-screen view of one workload's fix (`d` in the namespace step): pod health, failing
// checks, the diff with a separator between hunks, every value with its confidence and source,
// lines wrapped (nothing cut), scrolled with j/k and [ ], with "lines a-b of n".
//   Deployment vote: + fix proposed (accepted)          lines 1-14 of 31
import { Box, Text } from 'ink';
import { proposalFor, sessionKey, workloadsIn } from '../../wizard/session.js';
import { statusLabel } from '../../wizard/describe.js';
import type { NamespaceState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';
import { wrapText } from '../components/wrap.js';
import { detailLines } from './namespace.js';

/** The selected workload's fix in full. */
export function DetailView({
  state,
  paint,
  height,
  width,
  scroll,
}: {
  state: NamespaceState;
  paint: Paint;
  height: number;
  width: number;
  scroll: number;
}) {
  const w = workloadsIn(state.session.inventory, state.namespace)[state.cursor];
  const key = w === undefined ? '' : sessionKey(state.session.inventory, w);
  const rows = detailLines(state).flatMap((l) => wrapText(l.text, width - 1).map((text) => ({ ...l, text })));
  const room = Math.max(1, height - 2);
  const first = Math.max(0, Math.min(scroll, rows.length - room));
  const shown = rows.slice(first, first + room);
  const decision = state.session.decisions[key];
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {w === undefined
          ? ''
          : `${w.kind} ${w.name}: ${statusLabel(proposalFor(state.session, key))}${decision !== undefined ? ` (${decision})` : ''}`}
      </Text>
      {shown.map((l, i) => (
        <Text key={first + i} {...(l.role !== undefined ? paint(l.role) : {})}>
          {l.text}
        </Text>
      ))}
      <Text {...paint('muted')}>
        lines {rows.length === 0 ? 0 : first + 1}-{first + shown.length} of {rows.length}
        {first + shown.length < rows.length ? ' · j/] for more' : ''} · esc closes
      </Text>
    </Box>
  );
}
