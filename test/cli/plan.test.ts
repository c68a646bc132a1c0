// `podsec plan` through the built CLI (headless): files source, reproducibility with answers,
// refusal to overwrite, exit codes 0/1/2/3.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTree } from '../plan/helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const ESTATE = join(ROOT, 'templates/demo/estate.yaml');

function cli(cwd: string, ...args: string[]) {
  return spawnSync('node', [join(ROOT, 'bin/podsec.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
}

describe('podsec plan -f', () => {
  it('writes the plan directory and prints where and what', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-plan-cli-'));
    const r = cli(cwd, 'plan', '-f', ESTATE, '--out', 'plans/demo');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Wrote the plan to plans/demo/');
    expect(r.stdout).toMatch(/monitoring\s+privileged\s+privileged/);
    const plan = JSON.parse(readFileSync(join(cwd, 'plans/demo/plan.json'), 'utf8')) as {
      apiVersion: string;
      kind: string;
      origin: string;
      cluster: unknown;
    };
    expect(plan).toMatchObject({ apiVersion: 'podsec.dev/v1alpha1', kind: 'Plan', origin: 'files', cluster: null });
    expect(statSync(join(cwd, 'plans/demo/2-fix/apply.sh')).mode & 0o100).not.toBe(0);
  });

  it('gives a byte-identical plan for the same inputs and answers, apart from createdAt', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-plan-cli-'));
    writeFileSync(
      join(cwd, 'answers.yaml'),
      'uids:\n  shop/Deployment/vote: 1000\nskip: [web/Deployment/maintenance-page]\nsoak: 3d\n',
    );
    expect(cli(cwd, 'plan', '-f', ESTATE, '--answers', 'answers.yaml', '--out', 'a').status).toBe(0);
    expect(cli(cwd, 'plan', '-f', ESTATE, '--answers', 'answers.yaml', '--out', 'b').status).toBe(0);
    const a = readTree(join(cwd, 'a'));
    const b = readTree(join(cwd, 'b'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    const strip = (t: string) => t.replace(/"createdAt": "[^"]*"/, '');
    for (const [k, v] of a) expect(strip(b.get(k) ?? ''), k).toBe(strip(v));
    const plan = JSON.parse(a.get('plan.json') ?? '{}') as {
      soak: string;
      workloads: { name: string; status: string; skipped: string | null }[];
    };
    expect(plan.soak).toBe('3d');
    expect(plan.workloads.find((w) => w.name === 'maintenance-page')?.skipped).toBe('skipped by the answers file');
    expect(a.get('2-fix/shop/deployment-vote.yaml')).toContain('runAsUser: 1000');
  });

  it('accepts the same plan again unchanged, refuses to overwrite a different plan (exit 1), and --force replaces it', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-plan-cli-'));
    expect(cli(cwd, 'plan', '-f', ESTATE, '--out', 'p').status).toBe(0);
    expect(cli(cwd, 'plan', '-f', ESTATE, '--out', 'p').status).toBe(0);
    const again = cli(cwd, 'plan', '-f', ESTATE, '--out', 'p', '--target', 'baseline');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already holds a plan/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    expect(cli(cwd, 'plan', '-f', ESTATE, '--out', 'p', '--force', '--target', 'baseline').status).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8'))).toMatchObject({ target: 'baseline' });
  });

  it('exits 2 naming the field of a bad answers file', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-plan-cli-'));
    writeFileSync(join(cwd, 'answers.yaml'), 'uids:\n  shop/Deployment/vote: -1\n');
    const r = cli(cwd, 'plan', '-f', ESTATE, '--answers', 'answers.yaml', '--out', 'p');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('uids.shop/Deployment/vote');
  });

  it('exits 3 when an input cannot be parsed, with the plan written for the rest', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-plan-cli-'));
    writeFileSync(join(cwd, 'bad.yaml'), 'kind: Deployment\nmetadata: [\n');
    const r = cli(cwd, 'plan', '-f', ESTATE, '-f', 'bad.yaml', '--out', 'p');
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('bad.yaml');
    expect(JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8'))).toMatchObject({ kind: 'Plan' });
  });

  it('writes nothing when nothing could be read (exit 3) or there is nothing to plan (exit 1)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-plan-cli-'));
    const missing = cli(cwd, 'plan', '-f', 'missing.yaml', '--out', 'p');
    expect(missing.status).toBe(3);
    expect(existsSync(join(cwd, 'p'))).toBe(false);
    writeFileSync(join(cwd, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    const none = cli(cwd, 'plan', '-f', 'cm.yaml', '--out', 'p');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('found no namespaces or workloads');
    expect(existsSync(join(cwd, 'p'))).toBe(false);
  });
});
