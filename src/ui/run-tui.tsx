// Shell: mounts the Ink TUI (loaded only in TUI mode) with exitOnCtrlC off, waits for the root's
// exit, and turns the final state into the exit code. The terminal is restored by Ink's unmount.

import { render } from 'ink';
import { CancelledError } from '../errors.js';
import type { CommandContext } from '../cli/context.js';
import type { WizardPorts } from '../wizard/ports.js';
import type { WizardState } from '../wizard/state.js';
import { App } from './app.js';

/** Runs the session in the TUI; returns the exit code. */
export async function runTui(
  start: WizardState,
  ports: WizardPorts,
  ctx: CommandContext,
  title: string,
): Promise<number> {
  let end: { state: WizardState } | { crash: unknown } | null = null;
  const instance = render(
    <App start={start} ports={ports} title={title} color={ctx.io.color} signal={ctx.signal} onEnd={(e) => (end = e)} />,
    { exitOnCtrlC: false },
  );
  await instance.waitUntilExit();
  const result = end as { state: WizardState } | { crash: unknown } | null;
  if (result === null) return 1;
  if ('crash' in result) throw result.crash;
  const s = result.state;
  if (s.step !== 'done') return 1;
  if (s.exitCode === 130) throw new CancelledError();
  return s.exitCode;
}
