// `npm run bench` (figures, not a test; each ratio printed beside its goal, both sides measured in
// this run, alternating): (1) policy engine evaluations per CPU second; (2) `podsec scan -f` of a
// generated estate (20,000 workloads) against a plain Go loop over k8s.io/pod-security-admission
// (test/kube/yardstick, built from Go modules by test/kube/build.sh yardstick), CPU and peak RSS;
// (3) `podsec plan -f` of the same estate against that scan; (4) `podsec scan -f` of one small file
// against `node -e 0`; (5) the first frame of `podsec demo` in tmux 80x24 against node printing a
// line there (test/bench/startup.ts); (6) one large file for scan (one-file.ts) and for plan and
// readPlan (plan-large.ts). CPU time is the figure to trust on a shared machine: the load
// average is printed with the results. Env: BENCH_FILES (200), BENCH_DOCS (100), BENCH_RUNS (1),
// BENCH_SMALL_RUNS (11), BENCH_STARTUP_RUNS (11), BENCH_ONE_FILE_DOCS and BENCH_PLAN_WORKLOADS (100,000).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { evaluatePod, extractPodTemplate } from '../../src/policy/index.js';
import type { PodLike } from '../../src/policy/index.js';
import { generateManifests } from './generate.js';
import { benchOneFile } from './one-file.js';
import { benchLargePlan } from './plan-large.js';
import { benchStartup } from './startup.js';

const FILES = Number(process.env.BENCH_FILES ?? 200);
const DOCS = Number(process.env.BENCH_DOCS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const SMALL_RUNS = Number(process.env.BENCH_SMALL_RUNS ?? 11);
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out;
}

// (1) Engine throughput, over the PSA fixtures and real-world manifests the tests use.
function corpus(): { pod: PodLike; isPod: boolean }[] {
  const out: { pod: PodLike; isPod: boolean }[] = [];
  for (const f of [...walk('test/fixtures/realworld'), ...walk('test/fixtures/manifests')]) {
    for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) {
      if (!('toJS' in d)) continue;
      const t = extractPodTemplate(d.toJS());
      if (t) out.push({ pod: t.template, isPod: t.templatePath.length === 0 });
    }
  }
  return out;
}

/** Evaluations per CPU second of this process (the machine may be shared: wall time would lie). */
function engineRate(pods: { pod: PodLike; isPod: boolean }[]): {
  evals: number;
  perCpuSec: number;
  perWallSec: number;
} {
  const run = (ms: number) => {
    const end = performance.now() + ms;
    let n = 0;
    while (performance.now() < end) {
      for (const p of pods) {
        evaluatePod(p.pod, 'baseline', 'latest', { isPod: p.isPod });
        evaluatePod(p.pod, 'restricted', 'latest', { isPod: p.isPod });
        n += 2;
      }
    }
    return n;
  };
  run(500); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const evals = run(3000);
  const cpu = process.cpuUsage(cpu0);
  return {
    evals,
    perCpuSec: evals / ((cpu.user + cpu.system) / 1e6),
    perWallSec: evals / ((performance.now() - t0) / 1000),
  };
}

/** Runs a command (stdout to a file), returning wall and CPU seconds and peak RSS via /usr/bin/time -v. */
function measure(cmd: string[], stdout = '/dev/null'): Run {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', 'bash', '-c', 'exec "$@" > "$0"', stdout, ...cmd], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const secs = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const num = (re: RegExp) => Number(re.exec(r.stderr)?.[1] ?? NaN);
  const cpu = num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/);
  return { secs, cpu, rssMb: num(/Maximum resident set size \(kbytes\): (\d+)/) / 1024 };
}

interface Run {
  secs: number;
  cpu: number;
  rssMb: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const med = (runs: Run[]): Run => ({
  secs: median(runs.map((r) => r.secs)),
  cpu: median(runs.map((r) => r.cpu)),
  rssMb: Math.max(...runs.map((r) => r.rssMb)),
});
const fmt = (r: Run) => `${r.cpu.toFixed(2)} s CPU, ${r.secs.toFixed(2)} s wall, ${r.rssMb.toFixed(0)} MiB peak RSS`;
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
const ratioLine = (what: string, ratio: number, goal: number, extra = '') =>
  `${what.padEnd(44)} ${ratio.toFixed(2)}x   goal <= ${goal}x: ${verdict(ratio <= goal)}${extra}`;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

if (!existsSync('dist/cli.js')) throw new Error('run `npm run build` first');
if (!existsSync('/usr/bin/time')) throw new Error('the bench needs /usr/bin/time (apt-get install time)');
const loadBefore = load();
const pods = corpus();
const rate = engineRate(pods);
log(`engine: ${pods.length} pod specs`);
log('building the Go yardstick (test/kube/build.sh yardstick; cached after the first build)');
const yardstick = join(
  execFileSync('bash', ['test/kube/build.sh', 'yardstick'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .at(-1) ?? '',
  'yardstick',
);

const root = mkdtempSync(join(tmpdir(), 'podsec-bench-'));
const dir = join(root, 'manifests');
const report = join(root, 'report.json'); // outside the scanned folder
const planDir = join(root, 'plan');
try {
  const t0 = performance.now();
  const count = generateManifests(dir, FILES, DOCS);
  log(`generated ${count} workloads in ${FILES} files under ${dir} (${((performance.now() - t0) / 1000).toFixed(1)}s)`);
  const go: Run[] = [];
  const scan: Run[] = [];
  const plan: Run[] = [];
  let goOut = '';
  for (let r = 0; r < RUNS; r++) {
    log(`run ${r + 1}/${RUNS}: Go yardstick, podsec scan -f, podsec plan -f`);
    go.push(measure([yardstick, dir], join(root, 'go.json')));
    goOut = readFileSync(join(root, 'go.json'), 'utf8');
    scan.push(measure(['node', 'bin/podsec.js', 'scan', '-f', dir, '-o', 'json'], report));
    rmSync(planDir, { recursive: true, force: true });
    plan.push(measure(['node', 'bin/podsec.js', 'plan', '-f', dir, '--out', planDir]));
  }
  // Both tools must have read the same estate.
  const goCounts = JSON.parse(goOut) as { workloads: number; failing: number };
  const scanned = (JSON.parse(readFileSync(report, 'utf8')) as { workloads: unknown[] }).workloads.length;
  if (goCounts.workloads !== count || scanned !== count)
    throw new Error(`workload counts differ: generated ${count}, Go ${goCounts.workloads}, podsec ${scanned}`);

  log(`small input: podsec scan -f templates/examples/shop.yaml and node -e 0, ${SMALL_RUNS} runs each, alternating`);
  const small: Run[] = [];
  const floor: Run[] = [];
  for (let r = 0; r < SMALL_RUNS; r++) {
    floor.push(measure(['node', '-e', '0']));
    small.push(measure(['node', 'bin/podsec.js', 'scan', '-f', 'templates/examples/shop.yaml']));
  }
  log('first frame in tmux');
  const frames = benchStartup();
  const frame = (what: string) => frames.find((f) => f.what.startsWith(what));
  const nodeLine = frame('node prints a line in tmux');
  const demo = frame('podsec demo first frame');

  const G = med(go);
  const S = med(scan);
  const P = med(plan);
  const SM = med(small);
  const F = med(floor);
  const out: string[] = [
    `machine: ${process.version}, 2 cores shared; load average ${loadBefore} at start, ${load()} at end (medians of alternating runs; CPU time is the figure to trust)`,
    `engine: ${Math.round(rate.perCpuSec).toLocaleString('en-US')} evaluations per CPU second (${rate.evals} evals over ${pods.length} specs x 2 levels; goal > 200,000: ${verdict(rate.perCpuSec > 200_000)})`,
    '',
    `estate: ${count.toLocaleString('en-US')} workloads in ${FILES} files (${RUNS} run(s) each)`,
    `  Go yardstick (decode + pod-security-admission) ${fmt(G)}`,
    `  podsec scan -f -o json                     ${fmt(S)}`,
    `  podsec plan -f                             ${fmt(P)}`,
    ratioLine('scan -f CPU / Go yardstick CPU', S.cpu / G.cpu, 1.5),
    `${'scan -f peak RSS'.padEnd(44)} ${S.rssMb.toFixed(0)} MiB goal < 200 MiB: ${verdict(S.rssMb < 200)} (Go: ${G.rssMb.toFixed(0)} MiB)`,
    ratioLine('plan -f CPU / scan -f CPU', P.cpu / S.cpu, 1.5, ` (wall ${(P.secs / S.secs).toFixed(2)}x)`),
    `${'plan -f peak RSS'.padEnd(44)} ${P.rssMb.toFixed(0)} MiB goal < 300 MiB: ${verdict(P.rssMb < 300)}`,
    '',
    `small input (templates/examples/shop.yaml), medians of ${SMALL_RUNS}:`,
    `  node -e 0                                  ${fmt(F)}`,
    `  podsec scan -f shop.yaml                   ${fmt(SM)}`,
    ratioLine('small scan / node -e 0 (wall)', SM.secs / F.secs, 1.5, ` (CPU ${(SM.cpu / F.cpu).toFixed(2)}x)`),
    '',
    'time to first frame:',
    ...frames.map(
      (f) =>
        `  ${f.what.padEnd(40)} median ${String(f.medianMs).padStart(5)} ms  min ${String(f.minMs).padStart(5)} ms  (${f.runs} runs)`,
    ),
  ];
  if (nodeLine !== undefined && demo !== undefined)
    out.push(ratioLine('demo first frame / node line, tmux 80x24', demo.medianMs / nodeLine.medianMs, 1.6));
  else out.push('first frame: tmux not found, not measured');
  out.push('', benchOneFile());
  log('large plan: podsec plan -f of one 100k-workload file, then readPlan of its plan.json');
  out.push(benchLargePlan());
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
