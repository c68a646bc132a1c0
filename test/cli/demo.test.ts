// Headless runs of the built CLI (stdout is a pipe, so this is the real non-TTY path): `podsec demo`
// writes the same plan as the committed plans/demo, refuses to overwrite, and a headless wizard
// without --out is a usage error (exit 2) naming the flag.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync('node', [join(ROOT, 'bin/podsec.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '', ...env },
    timeout: 60_000,
  });
}

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const withoutTime = (text: string) => text.replace(/"createdAt": "[^"]+"/, '"createdAt": "-"');

describe('podsec demo --non-interactive', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'podsec-demo-'));
  const first = cli(cwd, ['demo', '--non-interactive']);

  it('accepts every recommended fix and writes ./plans/demo, printing a summary', () => {
    expect(first.stderr).toContain('read 11 workloads in 6 namespaces');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Wrote the plan to plans\/demo\/ /);
    expect(first.stdout).toContain('11 workloads: 1 compliant, 7 fixed, 2 to review, 1 blocked.');
    expect(first.stdout).toMatch(/monitoring +privileged +privileged +node-exporter reads the host/);
  });

  it('writes exactly the committed example plan (plans/demo), up to the creation time', () => {
    const written = tree(join(cwd, 'plans/demo'));
    const golden = tree(join(ROOT, 'plans/demo'));
    expect([...written.keys()].sort()).toEqual([...golden.keys()].sort());
    for (const [path, text] of golden) expect(withoutTime(written.get(path) ?? ''), path).toBe(withoutTime(text));
  });

  it('leaves the same plan as it is on a re-run, refuses to overwrite an edited plan without --force, and replaces it with --force', () => {
    const planMd = join(cwd, 'plans/demo/PLAN.md');
    const before = readFileSync(planMd, 'utf8');
    expect(cli(cwd, ['demo', '--non-interactive']).status).toBe(0);
    expect(readFileSync(planMd, 'utf8')).toBe(before);
    writeFileSync(planMd, `${before}\nreviewed by alice\n`);
    const again = cli(cwd, ['demo', '--non-interactive']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already holds a plan');
    expect(again.stderr).toContain('--force');
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(planMd, 'utf8')).toContain('reviewed by alice');
    expect(cli(cwd, ['demo', '--non-interactive', '--force']).status).toBe(0);
    expect(readFileSync(planMd, 'utf8')).toBe(before);
  });

  it('runs headless without the flag when stdout is not a terminal, and under CI, with --out and --answers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podsec-demo-'));
    const answers = join(dir, 'answers.yaml');
    spawnSync('sh', ['-c', `printf 'skip: [shop/Deployment/vote]\\n' > ${answers}`]);
    const r = cli(dir, ['demo', '--out', 'out/x', '--answers', answers], { CI: 'true' });
    expect(r.status).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'out/x/plan.json'), 'utf8')) as {
      workloads: { name: string; skipped: string | null }[];
    };
    expect(plan.workloads.find((w) => w.name === 'vote')?.skipped).toBe('skipped by the answers file');
  });

  it('a bad answers file is a usage error naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podsec-demo-'));
    spawnSync('sh', ['-c', `printf 'uids: {a: zero}\\n' > ${join(dir, 'a.yaml')}`]);
    const r = cli(dir, ['demo', '--answers', 'a.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('uids.a');
  });
});

describe('podsec (the wizard) headless', () => {
  it('exits 2 naming --out when a non-interactive session does not say where the plan goes', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-wiz-'));
    const r = cli(cwd, ['--non-interactive', '-f', join(ROOT, 'templates/demo/estate.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--out');
    expect(r.stdout).toBe('');
  });

  it('runs the session on manifest files and writes the plan to --out', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-wiz-'));
    const r = cli(cwd, ['--non-interactive', '-f', join(ROOT, 'templates/demo/estate.yaml'), '--out', 'p']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Wrote the plan to p/');
    expect(readdirSync(join(cwd, 'p')).sort()).toEqual(expect.arrayContaining(['PLAN.md', 'plan.json', '1-observe']));
  });
});
