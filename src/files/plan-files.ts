// Shell: reads a plan file for apply, after checking it: a plain relative path inside the plan
// directory (no NUL, no `..`, no absolute path), no symlink anywhere on the way, a regular file,
// and the SHA-256 that `podsec plan` recorded in plan.json. A file that differs is refused, naming
// it and showing what changed when the directory is in git; --force never skips this, only
// --accept-modified-plan-files does (and then the content rules of src/apply/plan-files.ts still
// hold). YAML is parsed with bounded alias expansion; every problem is a UserError naming the file.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/plan-schema.js';
import { parseYamlInput } from './yaml-input.js';

export interface PlanFileReaderOptions {
  /** --accept-modified-plan-files: a digest mismatch (or a plan without digests) is only a warning. */
  acceptModified: boolean;
  /** Where warnings go (stderr in the CLI). */
  warn: (line: string) => void;
}

/** Plan files are small; anything larger is not a patch podsec wrote. */
const MAX_PLAN_FILE = 4 * 1024 * 1024;

/** The relative path's segments, or an error: no NUL, absolute path, backslash, `.`/`..` or empty segment. */
export function planPathSegments(rel: string): string[] {
  const parts = rel.split('/');
  if (
    rel === '' ||
    rel.includes('\0') ||
    rel.startsWith('/') ||
    rel.includes('\\') ||
    parts.some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new UserError(
      `refusing plan file ${JSON.stringify(rel)}: not a plain path inside the plan directory`,
      'regenerate the plan with `podsec plan`',
    );
  }
  return parts;
}

/** `git diff` of the file when the plan directory is in a git work tree (empty otherwise). */
function gitDiff(dir: string, rel: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['-C', dir, 'diff', '--no-color', '--no-ext-diff', '--', rel],
      { timeout: 5000, maxBuffer: 1 << 20 },
      (err, stdout) => resolve(err ? '' : stdout),
    );
  });
}

/** Reads a file without following a symlink at the last step; refuses non-regular and oversized files. */
async function readRegular(abs: string, rel: string): Promise<Buffer> {
  let fh;
  try {
    fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new UserError(
        `refusing plan file ${rel}: it is a symlink`,
        'plan files must be the regular files `podsec plan` wrote; regenerate the plan',
      );
    if (code === 'ENOENT') throw new UserError(`plan file ${rel} is missing`, 'regenerate the plan with `podsec plan`');
    throw new UserError(`cannot read plan file ${rel}: ${(err as Error).message}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile())
      throw new UserError(`refusing plan file ${rel}: not a regular file`, 'regenerate the plan with `podsec plan`');
    if (st.size > MAX_PLAN_FILE)
      throw new UserError(
        `refusing plan file ${rel}: ${st.size} bytes is not a plan patch`,
        'regenerate the plan with `podsec plan`',
      );
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** A reader for `ApplyPorts.readPlanFile`: checked, digest-verified and parsed plan files of `dir`. */
export function planFileReader(
  dir: string,
  plan: Plan,
  opts: PlanFileReaderOptions,
): (rel: string) => Promise<unknown> {
  let root: Promise<string> | undefined;
  const warned = new Set<string>();
  const warnOnce = (key: string, line: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    opts.warn(line);
  };
  return async (rel) => {
    const parts = planPathSegments(rel);
    root ??= realpath(dir);
    const base = await root;
    const abs = join(base, ...parts);
    let real: string;
    try {
      real = await realpath(abs);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new UserError(`plan file ${rel} is missing`, 'regenerate the plan with `podsec plan`');
      throw new UserError(`cannot read plan file ${rel}: ${(err as Error).message}`);
    }
    // A symlink anywhere on the way (the file or a folder) resolves elsewhere: refused.
    if (real !== abs)
      throw new UserError(
        `refusing plan file ${rel}: it is a symlink or lies behind one (it resolves to ${real})`,
        'plan files must be the regular files `podsec plan` wrote; regenerate the plan',
      );
    const bytes = await readRegular(abs, rel);
    const recorded = plan.files?.[rel];
    if (plan.files === undefined) {
      if (!opts.acceptModified)
        throw new UserError(
          'this plan records no digests of its files (made by an older podsec), so edits cannot be detected',
          'regenerate the plan with `podsec plan`, or pass --accept-modified-plan-files after reviewing every file',
        );
      warnOnce(
        '',
        'warning: the plan records no file digests; using its files as they are (--accept-modified-plan-files)',
      );
    } else if (recorded === undefined) {
      throw new UserError(
        `refusing plan file ${rel}: plan.json records no digest for it`,
        'regenerate the plan with `podsec plan`',
      );
    } else {
      const digest = createHash('sha256').update(bytes).digest('hex');
      if (digest !== recorded) {
        if (!opts.acceptModified) {
          const diff = await gitDiff(dir, rel);
          const shown = diff.trim() === '' ? [] : diff.trimEnd().split('\n').slice(0, 60);
          throw new UserError(
            `plan file ${rel} was changed after podsec plan wrote it (sha256 ${digest}; plan.json recorded ${recorded})${shown.length > 0 ? `:\n${shown.join('\n')}` : ''}`,
            'regenerate the plan with `podsec plan`; or review the change and pass --accept-modified-plan-files (--force does not skip this check)',
          );
        }
        warnOnce(
          rel,
          `warning: plan file ${rel} differs from what podsec plan wrote; using it (--accept-modified-plan-files)`,
        );
      }
    }
    const text = bytes.toString('utf8');
    try {
      // Bounded alias expansion: an alias bomb is an error, not gigabytes of memory.
      return parseYamlInput(text);
    } catch (err) {
      throw new UserError(
        `plan file ${rel} is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`,
        'regenerate the plan with `podsec plan`',
      );
    }
  };
}
