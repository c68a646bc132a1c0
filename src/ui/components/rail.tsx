// The progress rail: done / current / upcoming steps, one line, words not colour:
//   ✓ Cluster › ✓ Scan › [Overview] › Namespaces › Plan › Apply
import { Box, Text } from 'ink';
import { STEPS, stepOf, summary } from '../../wizard/steps.js';
import type { WizardState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';
import { asciiOnly } from '../ascii.js';

/** Renders the rail and the current step's summary; `ascii`: the first frame's ASCII-only look (`+ Cluster > [Scan]`, see ui/ascii.ts). */
export function Rail({
  state,
  paint,
  title,
  ascii = false,
}: {
  state: WizardState;
  paint: Paint;
  title: string;
  ascii?: boolean;
}) {
  const t = ascii ? asciiOnly : (x: string) => x;
  const at = stepOf(state);
  const idx = STEPS.findIndex((s) => s.id === at);
  return (
    <Box flexDirection="column">
      <Text bold>{t(title)}</Text>
      <Text>
        {STEPS.map((s, i) => {
          const done = idx > i;
          const current = idx === i;
          const label = done ? `✓ ${s.title}` : current ? `[${s.title}]` : s.title;
          return (
            <Text key={s.id} {...paint(current ? 'accent' : done ? 'ok' : 'muted')} bold={current}>
              {i > 0 ? t(' › ') : ''}
              {t(label)}
            </Text>
          );
        })}
      </Text>
      <Text {...paint('muted')}>{t(summary(state))}</Text>
    </Box>
  );
}
