// The `?` overlay: every key of the current step (or view), from the same keymap as the hints; in
// columns when the list is taller than the room, each entry cut to its column, never overlapping.
//   Keys (? or esc closes this help)
//   ↑/k      move up                    s        skip the workload
import { Box, Text } from 'ink';
import { bindingsFor } from '../keys.js';
import type { KeyMode } from '../keymap.js';
import type { Paint } from '../theme.js';

const fit = (s: string, n: number) => (s.length <= n ? s.padEnd(n) : `${s.slice(0, Math.max(0, n - 1))}…`);

/** Lists every binding of `mode` within `height` rows and `width` columns. */
export function HelpOverlay({
  mode,
  paint,
  height,
  width,
}: {
  mode: KeyMode;
  paint: Paint;
  height: number;
  width: number;
}) {
  const list = bindingsFor(mode);
  // One column when it fits (with or without the border), else columns side by side.
  const border = list.length + 3 <= height || list.length + 1 > height;
  const room = Math.max(1, height - (border ? 3 : 1));
  const columns = Math.max(1, Math.ceil(list.length / room));
  const perColumn = Math.ceil(list.length / columns);
  const colWidth = Math.floor((width - (border ? 4 : 0)) / columns);
  const keyWidth = Math.min(12, Math.max(...list.map((b) => b.keys.length)) + 2);
  const lines = Array.from({ length: perColumn }, (_, r) =>
    list.filter((_b, i) => i % perColumn === r && Math.floor(i / perColumn) < columns),
  );
  return (
    <Box flexDirection="column" {...(border ? { borderStyle: 'round' as const, paddingX: 1 } : {})} width={width}>
      <Text bold>Keys (? or esc closes this help)</Text>
      {lines.map((row, r) => (
        <Text key={r} wrap="truncate-end">
          {row.map((b, c) => (
            <Text key={c}>
              <Text {...paint('accent')}>{b.keys.padEnd(keyWidth)}</Text>
              {fit(b.does, colWidth - keyWidth - (c < row.length - 1 ? 1 : 0))}
              {c < row.length - 1 ? ' ' : ''}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  );
}
