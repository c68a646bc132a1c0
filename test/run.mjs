#!/usr/bin/env node
// `npm test`: builds (or reuses) the kube binaries, runs every vitest project, and ends with the
// plain summary line `N passed, N failed[, N skipped]` that CI reads.
// PODSEC_SKIP_INTEGRATION=1 runs the unit project only (no kube build, no control plane; the
// small oracle build still runs).
// PODSEC_SKIP_NODE=1 skips the tests that need the real node (root, containerd; see test/node).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const env = { ...process.env };
const unitOnly = env.PODSEC_SKIP_INTEGRATION === '1';

// Everything the tests (and the programs they start) put in the temp dir goes into one private
// directory, removed when the run ends, so `npm test` leaves nothing behind in /tmp however a
// test cleans up. Ctrl-C stops the tests (they get the signal too) and still cleans up.
const testTmp = mkdtempSync(join(tmpdir(), 'podsec-test-'));
env.TMPDIR = testTmp;
const cleanTmp = () => rmSync(testTmp, { recursive: true, force: true, maxRetries: 3 });
process.on('exit', cleanTmp);
process.on('SIGINT', () => {}); // the terminal's Ctrl-C reaches the test processes as well
process.on('SIGTERM', () => process.exit(143));
process.on('SIGHUP', () => process.exit(129));

// Subprocess tests run the bundle: build it from the current sources first (about a second).
const bundle = spawnSync('node', ['build.mjs'], { stdio: 'inherit' });
if (bundle.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// The differential oracle (upstream PodSecurity in Go, test/kube/oracle): unit tests compare the
// engine with it. Built from Go modules once per machine, cached like the kube binaries.
if (!env.PODSEC_ORACLE_BIN) {
  const oracle = spawnSync('bash', ['test/kube/build.sh', 'oracle'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (oracle.status !== 0) {
    process.stderr.write(oracle.stdout ?? '');
    process.stderr.write(
      'podsec test: building the oracle failed (see above; it needs Go and the Go module proxy, test/kube/BUILD.md)\n',
    );
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  env.PODSEC_ORACLE_BIN = `${oracle.stdout.trim().split('\n').pop()}/oracle`;
}

if (!unitOnly && !env.PODSEC_KUBE_BIN) {
  process.stderr.write('podsec test: preparing kube binaries (cached after the first build)\n');
  const build = spawnSync('bash', ['test/kube/build.sh'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (build.status !== 0) {
    process.stderr.write(build.stdout ?? '');
    process.stderr.write('podsec test: building the kube binaries failed (see above)\n');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const lines = build.stdout.trim().split('\n');
  env.PODSEC_KUBE_BIN = lines[lines.length - 1];
}

// The node's images (test/node/images.sh; cached, a few minutes cold): built here, outside
// any test's hook timeout. Tests that start a node import them (see test/harness/node.ts).
if (!unitOnly && !env.PODSEC_NODE_IMAGES && env.PODSEC_SKIP_NODE !== '1') {
  process.stderr.write('podsec test: preparing the node images (cached after the first build)\n');
  const images = spawnSync('bash', ['test/node/images.sh'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (images.status !== 0) {
    process.stderr.write(
      'podsec test: building the node images failed (see above; needs root and `bash test/node/install.sh`)\n',
    );
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const lines = images.stdout.trim().split('\n');
  env.PODSEC_NODE_IMAGES = lines[lines.length - 1];
}

// The Helm CLI for the chart tests (`plan --chart`), built from Go modules like the kube binaries.
if (!unitOnly && !env.PODSEC_HELM) {
  const helm = spawnSync('bash', ['test/helm/build.sh'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (helm.status !== 0) {
    process.stderr.write('podsec test: building helm failed (see above)\n');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  env.PODSEC_HELM = helm.stdout.trim().split('\n').pop();
}

const results = '.vitest-results.json';
rmSync(results, { force: true });
const vitestArgs = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`];
if (unitOnly) vitestArgs.push('--project', 'unit');
const run = spawnSync('npx', [...vitestArgs, ...args], { stdio: 'inherit', env });
const leftovers = readdirSync(testTmp).length;
if (leftovers > 0) process.stderr.write(`podsec test: removing ${leftovers} entries the tests left in the temp dir\n`);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  passed = r.numPassedTests ?? 0;
  failed = r.numFailedTests ?? 0;
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A suite that failed to load has no tests counted: make it visible as a failure.
  const brokenSuites = (r.testResults ?? []).filter(
    (s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0,
  ).length;
  failed += brokenSuites;
}
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
