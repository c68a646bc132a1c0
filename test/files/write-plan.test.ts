// The atomic plan writer: all or nothing under a crash mid-write, no leftovers, refusal to
// overwrite a plan (and a plan with an apply journal without --force), no writes outside DIR.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_FILE, safeJoin, writePlan } from '../../src/files/write-plan.js';
import type { PlanFile } from '../../src/plan/index.js';

const FILES: PlanFile[] = [
  { path: 'plan.json', contents: '{"kind":"Plan"}\n' },
  { path: 'PLAN.md', contents: '# plan\n' },
  { path: '1-observe/apply.sh', contents: '#!/usr/bin/env bash\n', mode: 0o755 },
  { path: '1-observe/shop/namespace.yaml', contents: 'metadata: {}\n' },
];

const scratch = () => mkdtempSync(join(tmpdir(), 'podsec-write-'));

describe('writePlan', () => {
  it('writes every file, with the script executable', async () => {
    const root = scratch();
    const dir = join(root, 'plans', 'prod');
    await writePlan(dir, FILES);
    expect(readFileSync(join(dir, '1-observe/shop/namespace.yaml'), 'utf8')).toBe('metadata: {}\n');
    expect(statSync(join(dir, '1-observe/apply.sh')).mode & 0o111).not.toBe(0);
    expect(readdirSync(join(root, 'plans'))).toEqual(['prod']);
  });

  it('leaves no partial DIR and no temporary directory when a write fails midway', async () => {
    const root = scratch();
    const dir = join(root, 'out');
    let n = 0;
    const failing = async (p: string, c: Iterable<string>, mode: number) => {
      if (++n === 3) throw new Error('disk full');
      await writeFile(p, c, { mode });
    };
    await expect(writePlan(dir, FILES, { writeFile: failing })).rejects.toThrow('disk full');
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root)).toEqual([]);
  });

  it('keeps the old plan intact when replacing it with --force fails midway', async () => {
    const root = scratch();
    const dir = join(root, 'out');
    await writePlan(dir, FILES);
    const failing = async () => {
      throw new Error('crash');
    };
    await expect(
      writePlan(dir, [{ path: 'plan.json', contents: 'new' }], { force: true, writeFile: failing }),
    ).rejects.toThrow('crash');
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('{"kind":"Plan"}\n');
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('leaves a directory that holds the same plan as it is (only createdAt may differ)', async () => {
    const dir = join(scratch(), 'out');
    const stamped = (t: string): PlanFile[] => [
      { path: 'plan.json', contents: `{"kind":"Plan","createdAt":"${t}"}\n` },
      ...FILES.slice(1),
    ];
    await writePlan(dir, stamped('2026-01-01T00:00:00Z'));
    await writePlan(dir, stamped('2026-02-02T00:00:00Z'));
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toContain('2026-01-01');
    await expect(writePlan(dir, [...stamped('x'), { path: 'extra.yaml', contents: 'a: 1\n' }])).rejects.toThrow(
      /already holds a plan/,
    );
    await expect(
      writePlan(
        dir,
        stamped('x').map((f) => (f.path === 'PLAN.md' ? { ...f, contents: '# edited\n' } : f)),
      ),
    ).rejects.toThrow(/already holds a plan/);
  });

  it('refuses to overwrite an existing, different plan unless --force', async () => {
    const dir = join(scratch(), 'out');
    await writePlan(dir, FILES);
    await expect(writePlan(dir, [{ path: 'plan.json', contents: 'v2' }])).rejects.toThrow(/already holds a plan/);
    await writePlan(dir, [{ path: 'plan.json', contents: 'v2' }], { force: true });
    expect(readdirSync(dir)).toEqual(['plan.json']);
  });

  it('refuses a plan with an apply journal; --force replaces it', async () => {
    const dir = join(scratch(), 'out');
    await writePlan(dir, FILES);
    writeFileSync(join(dir, JOURNAL_FILE), '{}\n');
    await expect(writePlan(dir, FILES)).rejects.toThrow(/being applied/);
    await writePlan(dir, FILES, { force: true });
    expect(existsSync(join(dir, JOURNAL_FILE))).toBe(false);
  });

  it('never replaces a directory that is not a plan, even with --force; an empty one is fine', async () => {
    const root = scratch();
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.go'), 'package main');
    await expect(writePlan(join(root, 'src'), FILES, { force: true })).rejects.toThrow(/not a podsec plan/);
    expect(readFileSync(join(root, 'src', 'main.go'), 'utf8')).toBe('package main');
    mkdirSync(join(root, 'empty'));
    await writePlan(join(root, 'empty'), FILES);
    expect(existsSync(join(root, 'empty', 'plan.json'))).toBe(true);
  });

  it.each(['../x', '/etc/passwd', 'a/../../x', 'a//b', './a', 'a\\b', ''])('refuses the path %j', async (p) => {
    const root = scratch();
    expect(() => safeJoin(root, p)).toThrow();
    await expect(writePlan(join(root, 'out'), [{ path: p, contents: 'x' }])).rejects.toThrow();
    expect(readdirSync(root)).toEqual([]);
  });
});
