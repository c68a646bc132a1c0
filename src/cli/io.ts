// The terminal port: where results (stdout) and progress/diagnostics (stderr) go. Shell side.

export interface Io {
  out(text: string): void;
  err(text: string): void;
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  stderrIsTTY: boolean;
  /** False with NO_COLOR, --no-color, TERM=dumb or a non-TTY stdout. */
  color: boolean;
  columns: number;
}

export interface ColorInputs {
  env: Record<string, string | undefined>;
  noColorFlag: boolean;
  isTTY: boolean;
}

/** NO_COLOR (any non-empty value), --no-color, TERM=dumb and non-TTY output disable colour. */
export function colorEnabled({ env, noColorFlag, isTTY }: ColorInputs): boolean {
  if (noColorFlag) return false;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  if (env['TERM'] === 'dumb') return false;
  return isTTY;
}

export function processIo(proc: NodeJS.Process, noColorFlag: boolean): Io {
  // A closed pipe (`podsec scan | head`) ends the program quietly, as Unix tools do.
  for (const stream of [proc.stdout, proc.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') proc.exit(proc.exitCode ?? 0);
      throw err;
    });
  }
  return {
    out: (t) => void proc.stdout.write(t),
    err: (t) => void proc.stderr.write(t),
    stdoutIsTTY: proc.stdout.isTTY === true,
    stdinIsTTY: proc.stdin.isTTY === true,
    stderrIsTTY: proc.stderr.isTTY === true,
    color: colorEnabled({ env: proc.env, noColorFlag, isTTY: proc.stdout.isTTY === true }),
    columns: proc.stdout.columns ?? 100,
  };
}
