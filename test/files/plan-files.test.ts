// Plan files as apply reads them: digest-checked against plan.json, never through a symlink or
// outside the plan directory, bounded YAML; every problem is a UserError naming the file.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { planFileReader } from '../../src/files/plan-files.js';
import { parsePlanText } from '../../src/files/read-plan.js';

const ROOT = join(import.meta.dirname, '../..');
const VOTE = '2-fix/shop/deployment-vote.yaml';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copy() {
  const dir = join(mkdtempSync(join(tmpdir(), 'podsec-planfiles-')), 'plan');
  dirs.push(join(dir, '..'));
  cpSync(join(ROOT, 'plans/demo'), dir, { recursive: true });
  const plan = parsePlanText(readFileSync(join(dir, 'plan.json'), 'utf8'));
  const warnings: string[] = [];
  const reader = (acceptModified = false, p = plan) =>
    planFileReader(dir, p, { acceptModified, warn: (l) => warnings.push(l) });
  return { dir, plan, reader, warnings };
}

describe('planFileReader', () => {
  it('reads every file the plan recorded, unchanged', async () => {
    const { plan, reader } = copy();
    const read = reader();
    for (const rel of Object.keys(plan.files ?? {}).filter((f) => f.endsWith('.yaml')))
      await expect(read(rel)).resolves.toBeTypeOf('object');
    expect(Object.keys(plan.files ?? {}).length).toBeGreaterThan(20);
  });

  it('refuses an edited file, naming it and both digests; --force has no say, only acceptModified', async () => {
    const { dir, reader, warnings } = copy();
    writeFileSync(join(dir, VOTE), readFileSync(join(dir, VOTE), 'utf8').replace('runAsUser: 10001', 'runAsUser: 0'));
    const err = await reader()(VOTE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(
      new RegExp(
        `plan file ${VOTE} was changed after podsec plan wrote it \\(sha256 [0-9a-f]{64}; plan.json recorded [0-9a-f]{64}\\)`,
      ),
    );
    expect((err as UserError).hint).toMatch(/--accept-modified-plan-files \(--force does not skip this check\)/);
    await expect(reader(true)(VOTE)).resolves.toMatchObject({ kind: 'Deployment' });
    expect(warnings).toEqual([
      `warning: plan file ${VOTE} differs from what podsec plan wrote; using it (--accept-modified-plan-files)`,
    ]);
  });

  it('shows the diff when the plan directory is in git', async () => {
    const { dir, reader } = copy();
    const git = (...a: string[]) =>
      execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { stdio: 'pipe' });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'plan');
    writeFileSync(
      join(dir, VOTE),
      readFileSync(join(dir, VOTE), 'utf8').replace('runAsNonRoot: true', 'runAsNonRoot: true\n  replicas: 0'),
    );
    await expect(reader()(VOTE)).rejects.toThrow(/\n.*\+ {2}replicas: 0/);
  });

  it('refuses a symlink (to a kubeconfig), a symlinked folder, and a FIFO, without reading them', async () => {
    const { dir, reader } = copy();
    const secret = join(dir, '..', 'kubeconfig');
    writeFileSync(secret, 'apiVersion: v1\nkind: Config\nusers: [{name: x, user: {token: s3cret}}]\n');
    rmSync(join(dir, VOTE));
    symlinkSync(secret, join(dir, VOTE));
    await expect(reader()(VOTE)).rejects.toThrow(
      /refusing plan file 2-fix\/shop\/deployment-vote.yaml: it is a symlink/,
    );
    await expect(reader(true)(VOTE)).rejects.toThrow(/symlink/);
    rmSync(join(dir, '2-fix/web'), { recursive: true });
    symlinkSync(join(dir, '2-fix/shop'), join(dir, '2-fix/web'));
    await expect(reader()('2-fix/web/deployment-nginx.yaml')).rejects.toThrow(/symlink|missing/);
    rmSync(join(dir, VOTE));
    execFileSync('mkfifo', [join(dir, VOTE)]);
    await expect(reader(true)(VOTE)).rejects.toThrow(/not a regular file/);
  });

  it.each(['../kubeconfig', '/etc/passwd', '2-fix/../../x', '2-fix/shop/a\0b', 'a\\b', '', './plan.json'])(
    'refuses the path %j before touching the disk',
    async (rel) => {
      const { reader } = copy();
      await expect(reader(true)(rel)).rejects.toThrow(/not a plain path inside the plan directory/);
    },
  );

  it('refuses a file the plan has no digest for, and a missing file', async () => {
    const { dir, reader } = copy();
    writeFileSync(join(dir, '2-fix/shop/extra.yaml'), 'a: 1\n');
    await expect(reader()('2-fix/shop/extra.yaml')).rejects.toThrow(/records no digest/);
    rmSync(join(dir, VOTE));
    await expect(reader()(VOTE)).rejects.toThrow(`plan file ${VOTE} is missing`);
  });

  it('turns an alias bomb and malformed YAML into an error naming the file', async () => {
    const { dir, reader } = copy();
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      ),
    ].join('\n');
    writeFileSync(join(dir, VOTE), bomb);
    await expect(reader(true)(VOTE)).rejects.toThrow(new RegExp(`plan file ${VOTE} is not valid YAML`));
    writeFileSync(join(dir, VOTE), 'a: [\n');
    await expect(reader(true)(VOTE)).rejects.toThrow(/is not valid YAML/);
  });

  it('refuses a plan without digests unless acceptModified', async () => {
    const { plan, reader, warnings } = copy();
    const { files: _files, ...old } = plan;
    await expect(reader(false, old)(VOTE)).rejects.toThrow(/records no digests of its files/);
    await expect(reader(true, old)(VOTE)).resolves.toBeTypeOf('object');
    expect(warnings[0]).toMatch(/no file digests/);
  });
});
