// Pure: decides how the wizard talks to the user (shared docs/style.md 5.8).

export type Mode = 'tui' | 'line' | 'headless';

export interface ModeInputs {
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  env: Record<string, string | undefined>;
  flags: { nonInteractive?: boolean; line?: boolean };
}

/** is-in-ci semantics: CI set to anything but '0'/'false' counts. */
function inCi(env: Record<string, string | undefined>): boolean {
  const ci = env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export function resolveMode({ stdinIsTTY, stdoutIsTTY, env, flags }: ModeInputs): Mode {
  if (flags.nonInteractive) return 'headless';
  if (inCi(env)) return 'headless';
  if (!stdinIsTTY || !stdoutIsTTY) return 'headless';
  if (flags.line) return 'line';
  if (env['TERM'] === 'dumb') return 'line';
  return 'tui';
}
