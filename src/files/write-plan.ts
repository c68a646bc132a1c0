// Shell: writes a rendered plan directory atomically: every file goes into a temporary directory
// next to DIR, which is then renamed into place. Refuses to overwrite an existing plan (and, without
// --force, one with an apply journal); never writes outside DIR.

import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile as fsWriteFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import type { PlanFile } from '../plan/render-files.js';

/** Written by `podsec apply` inside a plan directory: its presence means the plan is in use. */
export const JOURNAL_FILE = 'journal.jsonl';

export interface WritePlanOptions {
  /** Replace an existing plan directory (even one with an apply journal). */
  force?: boolean;
  /** File writer (tests inject failures to simulate a crash mid-write). */
  writeFile?: (path: string, contents: string, mode: number) => Promise<void>;
}

const defaultWrite = (path: string, contents: string, mode: number) => fsWriteFile(path, contents, { mode, flag: 'wx' });

async function existing(dir: string): Promise<'none' | 'empty' | 'plan' | 'journal' | 'other'> {
  let entries: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return 'other';
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw err;
  }
  if (entries.length === 0) return 'empty';
  if (entries.includes(JOURNAL_FILE)) return 'journal';
  return entries.includes('plan.json') ? 'plan' : 'other';
}

/** A plan file path inside `root`, or an error: no absolute paths, no `..`, no backslashes. */
export function safeJoin(root: string, rel: string): string {
  const parts = rel.split('/');
  if (rel === '' || rel.startsWith('/') || rel.includes('\\') || rel.includes('\0') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new UserError(`refusing to write ${JSON.stringify(rel)}: not a plain path inside the plan directory`);
  }
  const abs = resolve(root, ...parts);
  if (!abs.startsWith(root + sep)) throw new UserError(`refusing to write ${JSON.stringify(rel)} outside the plan directory`);
  return abs;
}

/** Writes `files` as the directory `dir` (all or nothing). Returns the absolute directory. */
export async function writePlan(dir: string, files: readonly PlanFile[], opts: WritePlanOptions = {}): Promise<string> {
  const target = resolve(dir);
  const state = await existing(target);
  if (state === 'journal' && opts.force !== true) {
    throw new UserError(`${dir} holds a plan that is being applied (${JOURNAL_FILE} exists); not overwriting it`, 'write the new plan to another --out directory, or roll back first; --force replaces it anyway');
  }
  if (state === 'plan' && opts.force !== true) throw new UserError(`${dir} already holds a plan; not overwriting it`, 'choose another --out directory, or pass --force to replace it');
  if (state === 'other') throw new UserError(`${dir} exists and is not a podsec plan; not touching it`, 'choose another --out directory');
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  const write = opts.writeFile ?? defaultWrite;
  try {
    for (const f of files) {
      const abs = safeJoin(tmp, f.path);
      await mkdir(dirname(abs), { recursive: true });
      await write(abs, f.contents, f.mode ?? 0o644);
    }
    await chmod(tmp, 0o755);
    if (state === 'none') await rename(tmp, target);
    else {
      const old = `${tmp}.old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return target;
}
