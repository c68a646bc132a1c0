// Shell: writes a rendered plan directory atomically: every file goes into a temporary directory
// next to DIR, which is then renamed into place. Refuses to overwrite an existing plan (and, without
// --force, one with an apply journal), unless it already holds exactly this plan (only createdAt
// differs), which is left as it is; never writes outside DIR.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UserError } from '../errors.js';
import { fileChunks, type PlanFile } from '../plan/render-files.js';

/** Written by `podsec apply` inside a plan directory: its presence means the plan is in use. */
export const JOURNAL_FILE = 'journal.jsonl';

export interface WritePlanOptions {
  /** Replace an existing plan directory (even one with an apply journal). */
  force?: boolean;
  /** File writer (tests inject failures to simulate a crash mid-write). */
  writeFile?: (path: string, contents: Iterable<string>, mode: number) => Promise<void>;
}

const BATCH = 1 << 20;

/**
 * Creates `path` (never overwrites), writes the pieces, and syncs it to disk before returning. The
 * pieces are encoded into one reused 1 MiB buffer: joining them into large strings (and a Buffer
 * per write) left ~1 GB of garbage in the old generation while a 100k-workload plan.json was
 * written, which the heap held until its next full collection.
 */
async function defaultWrite(path: string, contents: Iterable<string>, mode: number): Promise<void> {
  const fh = await open(path, 'wx', mode);
  try {
    const buf = Buffer.allocUnsafe(BATCH);
    let used = 0;
    const flush = async () => {
      let at = 0;
      while (at < used) at += (await fh.write(buf, at, used - at)).bytesWritten;
      used = 0;
    };
    for (const piece of contents) {
      // A UTF-16 unit is at most 3 bytes of UTF-8, so a piece of n units fits in 3n bytes.
      if (used + piece.length * 3 > BATCH) await flush();
      if (piece.length * 3 > BATCH) await fh.write(piece, null, 'utf8');
      else used += buf.write(piece, used, 'utf8');
    }
    await flush();
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync of a directory, so renames and new entries survive a crash (best effort where unsupported). */
async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // some filesystems refuse fsync on a directory: the rename is still atomic
  } finally {
    await fh?.close();
  }
}

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

/** The output directory is in the way (a different plan, one being applied, or not a plan). */
export class PlanDirInUse extends UserError {
  override name = 'PlanDirInUse';
  constructor(
    message: string,
    hint: string,
    readonly holds: 'plan' | 'journal' | 'other',
  ) {
    super(message, hint);
  }
}

/** The first of `dir-2`, `dir-3`, ... that does not exist yet (a place for a new plan next to `dir`). */
export async function freeSibling(cwd: string, dir: string): Promise<string> {
  const base = dir.replace(/\/+$/, '').replace(/-\d+$/, '');
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if ((await existing(resolve(cwd, candidate))) === 'none') return candidate;
  }
}

/** A plan file path inside `root`, or an error: no absolute paths, no `..`, no backslashes. */
export function safeJoin(root: string, rel: string): string {
  const parts = rel.split('/');
  if (
    rel === '' ||
    rel.startsWith('/') ||
    rel.includes('\\') ||
    rel.includes('\0') ||
    parts.some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new UserError(`refusing to write ${JSON.stringify(rel)}: not a plain path inside the plan directory`);
  }
  const abs = resolve(root, ...parts);
  if (!abs.startsWith(root + sep))
    throw new UserError(`refusing to write ${JSON.stringify(rel)} outside the plan directory`);
  return abs;
}

const CREATED_AT = /"createdAt":\s*"(?:[^"\\]|\\.)*"/;

/**
 * SHA-256 of plan.json text with its first `"createdAt": "..."` masked (the top-level one comes
 * before any workload), read line by line: any size.
 */
async function maskedDigest(pieces: AsyncIterable<string> | Iterable<string>): Promise<string> {
  const h = createHash('sha256');
  let rest = '';
  let masked = false;
  const line = (l: string) => {
    if (!masked && CREATED_AT.test(l)) {
      masked = true;
      l = l.replace(CREATED_AT, '"createdAt":(masked)');
    }
    h.update(`${l}\n`);
  };
  for await (const piece of pieces) {
    const lines = (rest + piece).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) line(l);
  }
  line(rest);
  return h.digest('hex');
}

/** True when `dir` holds exactly `files` (same paths and contents; plan.json's createdAt aside). */
async function holdsSamePlan(dir: string, files: readonly PlanFile[]): Promise<boolean> {
  const present = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  if (present.length !== files.length) return false;
  for (const f of files) {
    try {
      const abs = safeJoin(dir, f.path);
      if (f.path === 'plan.json') {
        const onDisk = await maskedDigest(createReadStream(abs, { encoding: 'utf8' }) as AsyncIterable<string>);
        if (onDisk !== (await maskedDigest(fileChunks(f)))) return false;
      } else if ((await readFile(abs, 'utf8')) !== f.contents) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Writes `files` as the directory `dir` (all or nothing). Returns the absolute directory. A
 * directory that already holds this very plan (no journal; only createdAt differs) is left as it
 * is, so re-running the same session is not an error.
 */
export async function writePlan(dir: string, files: readonly PlanFile[], opts: WritePlanOptions = {}): Promise<string> {
  const target = resolve(dir);
  const state = await existing(target);
  if (state === 'journal' && opts.force !== true) {
    throw new PlanDirInUse(
      `${dir} holds a plan that is being applied (${JOURNAL_FILE} exists); not overwriting it`,
      'write the new plan to another --out directory, or roll back first; --force replaces it anyway',
      'journal',
    );
  }
  if (state === 'plan' && opts.force !== true && (await holdsSamePlan(target, files))) return target;
  if (state === 'plan' && opts.force !== true)
    throw new PlanDirInUse(
      `${dir} already holds a plan; not overwriting it`,
      'choose another --out directory, or pass --force to replace it',
      'plan',
    );
  if (state === 'other')
    throw new PlanDirInUse(
      `${dir} exists and is not a podsec plan; not touching it`,
      'choose another --out directory',
      'other',
    );
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  const write = opts.writeFile ?? defaultWrite;
  try {
    // Each directory is created once (32,000 patch files sit in a few thousand directories).
    const made = new Set<string>([tmp]);
    for (const f of files) {
      const abs = safeJoin(tmp, f.path);
      const parent = dirname(abs);
      if (!made.has(parent)) {
        await mkdir(parent, { recursive: true });
        for (let d = parent; !made.has(d); d = dirname(d)) made.add(d);
      }
      await write(abs, fileChunks(f), f.mode ?? 0o644);
    }
    await chmod(tmp, 0o755);
    if (state === 'none') await rename(tmp, target);
    else {
      const old = `${tmp}.old`;
      await rename(target, old);
      await rename(tmp, target);
      await rm(old, { recursive: true, force: true });
    }
    await syncDir(dirname(target));
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return target;
}
