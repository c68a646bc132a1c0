// `npm run bench`, one large multi-document file: peak RSS of `podsec scan -f FILE -o json` against
// the file's size (issue 13: a 50 MB file peaked at 1.87 GB; goal under 10x the file and 1 GB).
// The file is BENCH_ONE_FILE_DOCS workloads (100,000: about 55 MB) from the bench generator.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateManifests } from './generate.js';

const DOCS = Number(process.env['BENCH_ONE_FILE_DOCS'] ?? 100_000);

/** One line for the bench report (or why it could not be measured). */
export function benchOneFile(): string {
  if (!existsSync('/usr/bin/time')) return 'one file: /usr/bin/time not found, peak RSS not measured';
  const root = mkdtempSync(join(tmpdir(), 'podsec-bench-one-'));
  try {
    generateManifests(root, 1, DOCS);
    const sub = readdirSync(root)[0]!;
    const file = join(root, sub, readdirSync(join(root, sub))[0]!);
    const mb = statSync(file).size / 1e6;
    const r = spawnSync(
      '/usr/bin/time',
      ['-f', 'PEAK %M %e', 'node', 'bin/podsec.js', 'scan', '-f', file, '-o', 'json'],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const m = /PEAK (\d+) ([\d.]+)/.exec(r.stderr);
    if (!m) return `one file: no measurement (exit ${r.status})`;
    const rss = Number(m[1]) / 1024;
    return `one file of ${DOCS.toLocaleString('en-US')} workloads (${mb.toFixed(0)} MB): podsec scan -f -o json ${Number(m[2]).toFixed(1)} s, ${rss.toFixed(0)} MB peak RSS (${(rss / mb).toFixed(1)}x the file; goal < 10x and < 1 GB), exit ${r.status}`;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
