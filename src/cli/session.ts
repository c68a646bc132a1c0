// Shell: starts a guided session in the mode resolveMode picks: the Ink TUI (loaded lazily),
// line mode (inquirer, loaded lazily) or headless (neither loaded). Shared by `podsec` and `podsec demo`.

import type { WizardPorts } from '../wizard/ports.js';
import type { WizardState } from '../wizard/state.js';
import type { CommandContext } from './context.js';
import { resolveMode, type Mode } from './mode.js';
import { runHeadless } from './wizard-runner.js';

/** The mode of this run, from the terminal, the environment and the global flags. */
export function sessionMode(ctx: CommandContext): Mode {
  return resolveMode({
    stdinIsTTY: ctx.io.stdinIsTTY,
    stdoutIsTTY: ctx.io.stdoutIsTTY,
    env: ctx.env,
    flags: { nonInteractive: ctx.globals.nonInteractive, line: ctx.globals.line },
  });
}

/** Runs the session to its end; returns the exit code. */
export async function runSession(
  mode: Mode,
  start: WizardState,
  ports: WizardPorts,
  ctx: CommandContext,
  title: string,
): Promise<number> {
  switch (mode) {
    case 'headless':
      return runHeadless(start, ports, ctx.io, ctx.signal);
    case 'line': {
      const { runLine } = await import('../line/run-line.js');
      return runLine(start, ports, ctx, title);
    }
    case 'tui': {
      const { runTui } = await import('../ui/run-tui.js');
      return runTui(start, ports, ctx, title);
    }
  }
}
