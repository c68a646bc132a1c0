// `npm run bench`, a large plan (issue 13 item 9): peak RSS of `podsec plan -f` on one file of
// BENCH_PLAN_WORKLOADS workloads (100,000 by default, about 55 MB, from the bench generator), and
// of reading the resulting plan.json back with readPlan (test/bench/read-plan-child.ts under tsx,
// whose loader is in the figure), each against the goals: under 1 GB, and under 10x the largest
// input file (the manifest file for plan, plan.json for readPlan).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateManifests } from './generate.js';

const WORKLOADS = Number(process.env['BENCH_PLAN_WORKLOADS'] ?? 100_000);
const GB = 1024;

function timed(cmd: string[]): { rssMb: number; secs: number; cpu: number; status: number | null; stdout: string } {
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK %M %e %U %S', ...cmd], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const m = /PEAK (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  if (!m) throw new Error(`${cmd.join(' ')}: no measurement (exit ${r.status}): ${r.stderr.slice(-1000)}`);
  return {
    rssMb: Number(m[1]) / 1024,
    secs: Number(m[2]),
    cpu: Number(m[3]) + Number(m[4]),
    status: r.status,
    stdout: r.stdout,
  };
}

/** Peak RSS (MiB) against the goals; the ratio compares bytes with bytes (the input is given in MB). */
const goals = (rssMb: number, inputMb: number) => {
  const ratio = (rssMb * 2 ** 20) / (inputMb * 1e6);
  return `goal < 1 GB: ${rssMb < GB ? 'met' : 'NOT MET'}; ${ratio.toFixed(1)}x the ${inputMb.toFixed(0)} MB input, goal < 10x: ${ratio < 10 ? 'met' : 'NOT MET'}`;
};

/** Two lines for the bench report (or why they could not be measured). */
export function benchLargePlan(): string {
  if (!existsSync('/usr/bin/time')) return 'large plan: /usr/bin/time not found, not measured';
  const root = mkdtempSync(join(tmpdir(), 'podsec-bench-plan-'));
  try {
    const dir = join(root, 'manifests');
    generateManifests(dir, 1, WORKLOADS);
    const sub = readdirSync(dir)[0]!;
    const file = join(dir, sub, readdirSync(join(dir, sub))[0]!);
    const fileMb = statSync(file).size / 1e6;
    const out = join(root, 'plan');
    const plan = timed(['node', 'bin/podsec.js', 'plan', '-f', file, '--out', out]);
    if (plan.status !== 0) return `large plan: podsec plan -f exited ${plan.status}`;
    const jsonMb = statSync(join(out, 'plan.json')).size / 1e6;
    const read = timed(['node', '--import', 'tsx', 'test/bench/read-plan-child.ts', out]);
    const [count, secs] = read.stdout.trim().split(' ');
    if (read.status !== 0 || Number(count) !== WORKLOADS)
      return `large plan: readPlan exited ${read.status} with ${count} workloads`;
    const n = WORKLOADS.toLocaleString('en-US');
    return [
      `plan -f, one file of ${n} workloads (${fileMb.toFixed(0)} MB): ${plan.cpu.toFixed(1)} s CPU, ${plan.secs.toFixed(1)} s wall, ${plan.rssMb.toFixed(0)} MiB peak RSS (${goals(plan.rssMb, fileMb)})`,
      `readPlan of its plan.json (${jsonMb.toFixed(0)} MB, streamed): ${secs} s, ${read.rssMb.toFixed(0)} MiB peak RSS incl. tsx (${goals(read.rssMb, jsonMb)})`,
    ].join('\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
