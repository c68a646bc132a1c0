// Step 2: live scan progress (namespaces and kinds seen, counts, elapsed); esc/ctrl-c cancels.
//   ⠋ scanning  12.3s
//   namespaces (6): batch, legacy, monitoring, ...
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { ScanningState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';
import { asciiOnly } from '../ascii.js';

const list = (xs: string[], width: number) => {
  const text = xs.join(', ');
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
};

/** Scan progress. */
export function ScanScreen({
  state,
  paint,
  columns,
  ascii = false,
}: {
  state: ScanningState;
  paint: Paint;
  columns: number;
  ascii?: boolean;
}) {
  const p = state.progress;
  const label = `scanning ${state.context ?? ''}  ${(p.elapsedMs / 1000).toFixed(1)}s`;
  const t = ascii ? asciiOnly : (x: string) => x;
  return (
    <Box flexDirection="column">
      {ascii ? <Text>- {t(label)}</Text> : <Spinner label={label} />}
      {p.serverVersion !== undefined ? <Text>server version {p.serverVersion}</Text> : null}
      <Text>
        namespaces ({p.namespaces.length}): {t(list(p.namespaces, columns - 20))}
      </Text>
      <Text>
        kinds ({p.kinds.length}): {t(list(p.kinds, columns - 15))}
      </Text>
      <Text>workloads: {p.workloads}</Text>
      <Text {...paint('muted')}>read-only: nothing is changed in the cluster</Text>
    </Box>
  );
}
