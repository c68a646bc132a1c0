// `npm run fuzz [-- --runs N --seed S --domain engine|decoding --versions spread|all --out FILE]`
//
// Differential fuzzing at scale: N generated objects (default 100,000, domain `decoding`, which
// includes everything of `engine` plus the kubectl-decoding edges) through podsec and the oracle
// (upstream PodSecurity, test/kube/oracle) at both levels and a spread of versions. Every object is
// compared (the run does not stop at the first mismatch); mismatching objects go to FILE (default
// fuzz-mismatches.txt), the first one shrunk by fast-check to a minimal counterexample. The seed is
// printed: `--seed S` reproduces the run exactly. Exit status 1 when anything differs.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { ALL_VERSIONS, compareWithOracle, LEVELS, VERSION_SPREAD } from '../helpers/differential.js';
import { Oracle, oracleBinary, type OracleResponse } from '../helpers/oracle.js';
import { manifest, type Domain, type Generated } from './arbitraries.js';
import { describeFailure, runFuzz } from './fuzz.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Number(arg('runs') ?? process.env['PODSEC_FUZZ_RUNS'] ?? 100_000);
const seed = Number(arg('seed') ?? process.env['PODSEC_FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const domain = (arg('domain') ?? 'decoding') as Domain;
const versions = arg('versions') === 'all' ? ALL_VERSIONS : VERSION_SPREAD;
const out = arg('out') ?? 'fuzz-mismatches.txt';
if (!Number.isInteger(runs) || runs <= 0 || !Number.isInteger(seed) || !['engine', 'decoding'].includes(domain)) {
  process.stderr.write(
    'usage: npm run fuzz -- [--runs N] [--seed S] [--domain engine|decoding] [--versions spread|all] [--out FILE]\n',
  );
  process.exit(2);
}

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
process.stderr.write(
  `fuzz: seed ${seed}, ${runs} objects, domain ${domain}, ${LEVELS.length} levels x ${versions.length} versions\n`,
);
process.stderr.write(
  `fuzz: rerun with: npm run fuzz -- --seed ${seed} --runs ${runs} --domain ${domain}${versions === ALL_VERSIONS ? ' --versions all' : ''}\n`,
);
oracleBinary(); // build (or find) it before timing anything

const oracle = new Oracle();
const CHUNK = 2000;
const mismatching: { index: number; g: Generated; diffs: string[] }[] = [];
let evaluations = 0;
let objects = 0;
// fc.sample with the run's seed yields the values fc.check generates for that seed, in order, so
// a mismatch at index i can be replayed and shrunk with `path: String(i)`.
const samples = fc.sample(manifest(domain), { numRuns: runs, seed });
process.stderr.write(`fuzz: generated ${runs} objects (${elapsed()})\n`);
let pending: Promise<OracleResponse[]> | undefined;
const ask = (from: number) =>
  Promise.all(samples.slice(from, from + CHUNK).map((g) => oracle.ask({ text: g.text, levels: LEVELS, versions })));
pending = ask(0);
for (let from = 0; from < samples.length; from += CHUNK) {
  const answers = (await pending)!;
  // The oracle works on the next chunk while podsec compares this one.
  pending = from + CHUNK < samples.length ? ask(from + CHUNK) : undefined;
  answers.forEach((a, j) => {
    const index = from + j;
    const g = samples[index]!;
    objects++;
    evaluations += a.docs.reduce((n, d) => n + (d.results?.length ?? 0), 0);
    const diffs = compareWithOracle(g.text, a, LEVELS, versions);
    if (diffs.length > 0) mismatching.push({ index, g, diffs });
  });
  if ((from / CHUNK) % 5 === 4 || from + CHUNK >= samples.length) {
    process.stderr.write(`fuzz: ${objects} objects compared, ${mismatching.length} mismatching (${elapsed()})\n`);
  }
}

let report = '';
if (mismatching.length > 0) {
  const first = mismatching[0]!;
  const shrunk = await runFuzz({ runs, seed, domain, versions, oracle, path: String(first.index) });
  report += `${describeFailure(shrunk)}\n\nAll ${mismatching.length} mismatching objects (index in the run, format, text, differences):\n`;
  for (const m of mismatching) {
    report += `\n#${m.index} (${m.g.format})\n${m.g.text.trimEnd()}\n${m.diffs.map((d) => `  - ${d}`).join('\n')}\n`;
  }
  writeFileSync(out, report);
}
await oracle.close();

const summary =
  `fuzz: seed ${seed}: ${objects} objects, ${evaluations} evaluations (${LEVELS.length} levels x ${versions.length} versions), ` +
  `${mismatching.length} mismatching objects, ${elapsed()}`;
console.log(summary);
if (mismatching.length > 0) {
  console.log(`fuzz: minimal counterexample and every mismatching object written to ${out}`);
  console.log(report.split('\n\nAll ')[0]);
  process.exit(1);
}
