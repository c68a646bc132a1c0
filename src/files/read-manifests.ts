// Shell: enumerates and reads manifest inputs for `-f`: files, directories (recursively, .yaml,
// .yml and .json, in sorted order) and '-' for stdin. Read failures become input errors.

import { readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { FileInventoryBuilder } from '../inventory/manifests.js';
import type { InputError, Inventory } from '../inventory/types.js';

/** One input: its text, or why it could not be read. `file` is relative to cwd where possible. */
export type ManifestInput = { file: string; text: string } | { file: string; error: InputError };

const EXTENSIONS = ['.yaml', '.yml', '.json'];

function display(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  return e.message ?? String(err);
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if ((e.isFile() || e.isSymbolicLink()) && EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x))) out.push(p);
  }
}

/** Reads stdin to the end as UTF-8. */
async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Yields each input in order: the paths as given, directories expanded recursively. A file named
 * explicitly is read whatever its extension. One file's text is held at a time.
 */
export async function* readManifestInputs(
  paths: readonly string[],
  opts: { cwd: string; stdin?: NodeJS.ReadableStream },
): AsyncGenerator<ManifestInput> {
  for (const p of paths) {
    if (p === '-') {
      try {
        yield { file: '-', text: await readStdin(opts.stdin ?? process.stdin) };
      } catch (err) {
        yield { file: '-', error: { file: '-', message: `cannot read stdin: ${reason(err)}` } };
      }
      continue;
    }
    const abs = resolve(opts.cwd, p);
    let files: string[];
    try {
      const st = await stat(abs);
      files = [];
      if (st.isDirectory()) await walk(abs, files);
      else files.push(abs);
    } catch (err) {
      yield { file: p, error: { file: p, message: `cannot read ${p}: ${reason(err)}` } };
      continue;
    }
    for (const f of files) {
      const file = display(opts.cwd, f);
      try {
        yield { file, text: await readFile(f, 'utf8') };
      } catch (err) {
        yield { file, error: { file, message: `cannot read ${file}: ${reason(err)}` } };
      }
    }
  }
}

/** Reads every `-f` input into one Inventory (origin `files`); unreadable inputs become errors. */
export async function readFileInventory(
  paths: readonly string[],
  opts: { cwd: string; stdin?: NodeJS.ReadableStream; exempt?: readonly string[]; onFile?: (file: string, index: number) => void },
): Promise<Inventory> {
  const b = new FileInventoryBuilder();
  let n = 0;
  for await (const input of readManifestInputs(paths, opts)) {
    opts.onFile?.(input.file, n++);
    if ('error' in input) b.addError(input.error);
    else b.addText(input.file, input.text);
  }
  return b.build(opts.exempt ?? []);
}
