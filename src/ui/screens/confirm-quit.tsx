// Asked on q with decisions not yet written to a plan.
//   ! Quit without writing a plan? 3 decision(s) would be lost. (y/n)
import { Text } from 'ink';
import type { ConfirmQuitState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

/** The quit question. */
export function ConfirmQuitScreen({ state, paint }: { state: ConfirmQuitState; paint: Paint }) {
  const n = 'session' in state.previous ? Object.keys(state.previous.session.decisions).length : 0;
  return <Text {...paint('warn')}>! Quit without writing a plan? {n} decision(s) would be lost. (y/n)</Text>;
}
