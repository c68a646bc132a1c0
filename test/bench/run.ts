// `npm run bench` (figures, not a test): (1) policy engine evaluations per second on one core over
// the PSA fixtures and the real-world corpus, both levels; (2) time and peak RSS of the built
// `podsec scan -f` on a generated set of workloads next to the floor of reading and parsing the
// same files with the same yaml library; (3) time to first frame of `podsec --help` and of the
// guided session (test/bench/startup.ts). Env: BENCH_FILES (1000), BENCH_DOCS (100), BENCH_RUNS (1),
// BENCH_STARTUP_RUNS (11).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { evaluatePod, extractPodTemplate } from '../../src/policy/index.js';
import type { PodLike } from '../../src/policy/index.js';
import { psaFixturesDir, REALWORLD_DIR } from '../helpers/corpora.js';
import { generateManifests } from './generate.js';
import { benchStartup } from './startup.js';

const FILES = Number(process.env.BENCH_FILES ?? 1000);
const DOCS = Number(process.env.BENCH_DOCS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/.test(name)) out.push(p);
  }
  return out;
}

// (1) Engine throughput.
function corpus(): { pod: PodLike; isPod: boolean }[] {
  const out: { pod: PodLike; isPod: boolean }[] = [];
  for (const f of [...walk(psaFixturesDir()), ...walk(REALWORLD_DIR)]) {
    for (const d of parseAllDocuments(readFileSync(f, 'utf8'))) {
      if (!('toJS' in d)) continue;
      const t = extractPodTemplate(d.toJS());
      if (t) out.push({ pod: t.template, isPod: t.templatePath.length === 0 });
    }
  }
  return out;
}

/** Evaluations per CPU second of this process (the machine may be shared: wall time would lie). */
function engineRate(pods: { pod: PodLike; isPod: boolean }[]): { evals: number; perCpuSec: number; perWallSec: number } {
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
  return { evals, perCpuSec: evals / ((cpu.user + cpu.system) / 1e6), perWallSec: evals / ((performance.now() - t0) / 1000) };
}

/** Runs a command, returning wall seconds and peak RSS (MB) via /usr/bin/time -v when present. */
function measure(cmd: string[], stdout: string): { secs: number; cpu: number; rssMb: number; status: number | null } {
  const time = existsSync('/usr/bin/time');
  const argv = time ? ['/usr/bin/time', '-v', ...cmd] : cmd;
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${argv.map((a) => `'${a}'`).join(' ')} > ${stdout}`], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const secs = (performance.now() - t0) / 1000;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
  const cpu = user && sys ? Number(user[1]) + Number(sys[1]) : NaN;
  return { secs, cpu, rssMb: m ? Number(m[1]) / 1024 : NaN, status: r.status };
}

const pods = corpus();
const rate = engineRate(pods);
log(`engine: ${pods.length} pod specs`);

if (!existsSync('dist/cli.js')) throw new Error('run `npm run build` first');
const root = mkdtempSync(join(tmpdir(), 'podsec-bench-'));
const dir = join(root, 'manifests');
const report = join(root, 'report.json'); // outside the scanned folder
try {
  const t0 = performance.now();
  const count = generateManifests(dir, FILES, DOCS);
  log(`generated ${count} workloads in ${FILES} files under ${dir} (${((performance.now() - t0) / 1000).toFixed(1)}s)`);
  const rows: [string, ReturnType<typeof measure>][] = [];
  for (let r = 0; r < RUNS; r++) {
    rows.push(['parse floor (read + yaml parse)', measure(['node', 'test/bench/parse-floor.mjs', dir], '/dev/null')]);
    rows.push(['podsec scan -f -o json', measure(['node', 'bin/podsec.js', 'scan', '-f', dir, '-o', 'json'], report)]);
    rows.push(['podsec scan -f (table)', measure(['node', 'bin/podsec.js', 'scan', '-f', dir], '/dev/null')]);
  }
  const floors = rows.filter(([n]) => n.startsWith('parse')).map(([, m]) => m);
  const floor = Math.min(...floors.map((m) => m.secs));
  const floorCpu = Math.min(...floors.map((m) => m.cpu));
  const out: string[] = [
    `engine: ${Math.round(rate.perCpuSec).toLocaleString('en-US')} evaluations per CPU second (${Math.round(rate.perWallSec).toLocaleString('en-US')}/s wall; ${rate.evals} evals over ${pods.length} specs x 2 levels, one thread; goal > 200,000)`,
    `manifests: ${count.toLocaleString('en-US')} workloads in ${FILES} files`,
  ];
  for (const [name, m] of rows) {
    out.push(
      `${name.padEnd(32)} ${m.secs.toFixed(1).padStart(6)} s wall (${(m.secs / floor).toFixed(2)}x)  ${m.cpu.toFixed(1).padStart(6)} s CPU (${(m.cpu / floorCpu).toFixed(2)}x)  ${m.rssMb.toFixed(0).padStart(5)} MB peak RSS  exit ${m.status}`,
    );
  }
  out.push(`report size (-o json): ${(statSync(report).size / 1e6).toFixed(1)} MB; goal: scan within 1.5x of the parse floor`);
  out.push('time to first frame (goal < 300 ms):');
  for (const f of benchStartup()) out.push(`  ${f.what.padEnd(40)} median ${String(f.medianMs).padStart(5)} ms  min ${String(f.minMs).padStart(5)} ms  (${f.runs} runs)`);
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
