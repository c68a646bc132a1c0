// `podsec plan -f ... --edit-sources` through the built CLI: fixes written into the manifest files
// themselves (comments, key order and other documents kept), workloads with open questions left
// alone, --dry-run writes nothing; and the flag combinations that are usage errors.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const ESTATE = join(ROOT, 'templates/demo/estate.yaml');
const ANSWERS = join(ROOT, 'templates/demo/answers.yaml');

function cli(cwd: string, ...args: string[]) {
  return spawnSync('node', [join(ROOT, 'bin/podsec.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

const dirs: string[] = [];
function workdir(): string {
  const d = mkdtempSync(join(tmpdir(), 'podsec-edit-src-'));
  dirs.push(d);
  copyFileSync(ESTATE, join(d, 'estate.yaml'));
  copyFileSync(ANSWERS, join(d, 'answers.yaml'));
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

type Verdict = { namespace: string; kind: string; name: string; strictestLevel: string };
function scan(cwd: string): Verdict[] {
  const r = cli(cwd, 'scan', '-f', 'estate.yaml', '-o', 'json');
  return (JSON.parse(r.stdout) as { workloads: Verdict[] }).workloads;
}

describe('plan --edit-sources', () => {
  it('writes each fixed workload into its file, keeps comments and other documents, and leaves open questions alone', () => {
    const cwd = workdir();
    const before = readFileSync(join(cwd, 'estate.yaml'), 'utf8');
    const r = cli(cwd, 'plan', '-f', 'estate.yaml', '--answers', 'answers.yaml', '--edit-sources', '--out', 'p');
    expect(r.status, r.stderr).toBe(0);
    const after = readFileSync(join(cwd, 'estate.yaml'), 'utf8');
    expect(r.stdout).toContain('--- a/estate.yaml');
    expect(r.stdout).toContain('Edited 1 source file(s): estate.yaml');

    // Every comment line and end-of-line comment of the original is still there, spacing included.
    const comments = (t: string) => t.split('\n').filter((l) => l.includes('#'));
    expect(comments(after)).toEqual(comments(before));

    // The plan's fixed workloads now pass restricted in the file; the one with an open question does not.
    const plan = JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8')) as {
      workloads: {
        namespace: string;
        kind: string;
        name: string;
        status: string;
        questions: unknown[];
        skipped: string | null;
      }[];
      sources: { edits: { file: string; workloads: string[]; mode: string }[] };
    };
    const fixed = plan.workloads
      .filter((w) => w.status === 'fixed' && w.skipped === null)
      .map((w) => `${w.namespace}/${w.kind}/${w.name}`);
    expect(fixed.length).toBeGreaterThan(3);
    const verdicts = new Map(scan(cwd).map((v) => [`${v.namespace}/${v.kind}/${v.name}`, v.strictestLevel]));
    for (const k of fixed) expect(verdicts.get(k), k).toBe('restricted');
    expect(verdicts.get('legacy/Deployment/inventory')).not.toBe('restricted');
    expect(r.stderr).toMatch(/not edited: legacy\/Deployment\/inventory: open question/);
    expect(plan.sources.edits.map((e) => [e.file, e.mode])).toEqual([['estate.yaml', 'written']]);
    expect(new Set(plan.sources.edits[0]!.workloads)).toEqual(
      new Set(fixed.filter((k) => !k.startsWith('monitoring/'))),
    );

    // Documents without a fix (Services, Namespaces) are byte-identical.
    const texts = (t: string) => parseAllDocuments(t).map((d) => String(d));
    const a = texts(before);
    const b = texts(after);
    expect(b.length).toBe(a.length);
    const kinds = parseAllDocuments(before).map((d) => (d.toJS() as { kind?: string } | null)?.kind);
    kinds.forEach((k, i) => {
      if (k === 'Service' || k === 'Namespace') expect(b[i], `document ${i}`).toBe(a[i]);
    });
    expect(readFileSync(join(cwd, 'p/PLAN.md'), 'utf8')).toContain('## Source files edited');
  });

  it('--dry-run prints the diff and writes no source file', () => {
    const cwd = workdir();
    const before = readFileSync(join(cwd, 'estate.yaml'), 'utf8');
    const r = cli(
      cwd,
      'plan',
      '-f',
      'estate.yaml',
      '--answers',
      'answers.yaml',
      '--edit-sources',
      '--dry-run',
      '--out',
      'p',
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\+ {8}securityContext:$/m);
    expect(r.stdout).toContain('--dry-run: 1 file(s) would be edited; none was written.');
    expect(readFileSync(join(cwd, 'estate.yaml'), 'utf8')).toBe(before);
  });

  it.each([
    [['--edit-sources'], /--edit-sources writes fixes into manifest files, so it needs -f PATH/],
    [['-f', 'estate.yaml', '--dry-run'], /--dry-run goes with --edit-sources/],
    [['--values', 'v.yaml', '-f', 'estate.yaml'], /--values goes with --chart/],
    [['--chart', 'c', '-f', 'estate.yaml'], /--chart and -f are two different sources/],
    [['--chart', 'c', '--release', 'Bad_Name'], /not a valid Helm release name/],
  ])('usage error for %j', (args, message) => {
    const cwd = workdir();
    const r = cli(cwd, 'plan', ...args, '--out', 'p');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
