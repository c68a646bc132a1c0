// Time to first frame (figures, not a test): `podsec --help` (spawn to exit, its output is the frame)
// and `podsec demo` in a real pty (tmux 80x24; spawn to the session title on screen), next to the
// floor of starting `node` the same way. Goal: under 300 ms. Standalone (`tsx test/bench/startup.ts`)
// and importable: `benchStartup()` for test/bench/run.ts. Env: BENCH_STARTUP_RUNS (11).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'bin/podsec.js');
const TMUX = '/usr/bin/tmux';

export interface StartupFigure {
  what: string;
  medianMs: number;
  minMs: number;
  runs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const figure = (what: string, xs: number[]): StartupFigure => ({
  what,
  medianMs: Math.round(median(xs)),
  minMs: Math.round(Math.min(...xs)),
  runs: xs.length,
});

function timeExit(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('node', args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return performance.now() - t0;
}

/** Spawn-to-text time in a tmux pty: polls the pane every 2 ms until `text` shows. */
let sessions = 0;
function timeFirstFrame(command: string, text: string): number {
  sessions += 1;
  const socket = join(tmpdir(), `podsec-bench-${process.pid}-${sessions}`);
  const session = `bench-${process.pid}`;
  const tmux = (...a: string[]) => execFileSync(TMUX, ['-S', socket, ...a], { encoding: 'utf8' });
  const cwd = mkdtempSync(join(tmpdir(), 'podsec-bench-'));
  try {
    const t0 = performance.now();
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `cd ${cwd} && ${command}; sleep 30`);
    for (;;) {
      if (tmux('capture-pane', '-p', '-t', session).includes(text)) return performance.now() - t0;
      if (performance.now() - t0 > 20_000) throw new Error(`no "${text}" on screen after 20 s`);
      execFileSync('sleep', ['0.002']);
    }
  } finally {
    spawnSync(TMUX, ['-S', socket, 'kill-server']);
  }
}

/** Measures start-up figures; `runs` per figure (median reported). */
export function benchStartup(runs = Number(process.env['BENCH_STARTUP_RUNS'] ?? 11)): StartupFigure[] {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('build first: npm run build');
  const collect = (f: () => number) => Array.from({ length: runs }, f);
  const out = [
    figure(
      'node -e 0 (floor)',
      collect(() => timeExit(['-e', '0'])),
    ),
    figure(
      'podsec --help',
      collect(() => timeExit([CLI, '--help'])),
    ),
  ];
  if (existsSync(TMUX)) {
    out.push(
      figure(
        'node prints a line in tmux (floor)',
        collect(() => timeFirstFrame(`node -e "console.log('ready-' + 'frame')"`, 'ready-frame')),
      ),
    );
    out.push(
      figure(
        'podsec demo first frame in tmux',
        collect(() => timeFirstFrame(`env -u CI NO_COLOR=1 TERM=xterm-256color node ${CLI} demo`, 'podsec demo:')),
      ),
    );
  }
  return out;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = benchStartup();
  process.stdout.write('time to first frame (goal < 300 ms)\n');
  for (const f of figures)
    process.stdout.write(
      `  ${f.what.padEnd(40)} median ${String(f.medianMs).padStart(5)} ms  min ${String(f.minMs).padStart(5)} ms  (${f.runs} runs)\n`,
    );
}
