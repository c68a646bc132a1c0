// Shell: enumerates and reads manifest inputs for `-f`: files, directories (recursively, .yaml,
// .yml and .json, in sorted order), FIFOs and '-' for stdin. Each input is read in 64 KiB pieces and
// parsed document by document (a 200 MB file is never one string or one syntax tree). Read
// failures become input errors; Ctrl-C (the abort signal) stops a read at once.

import { closeSync, constants, createReadStream, openSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { CancelledError } from '../errors.js';
import { FileInventoryBuilder, ManifestParser, type ParsedManifests } from '../inventory/manifests.js';
import { SharedStrings } from '../inventory/shared-strings.js';
import type { InputError, Inventory } from '../inventory/types.js';

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
    else if ((e.isFile() || e.isSymbolicLink()) && EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x)))
      out.push(p);
  }
}

/** How inputs are read: where relative paths start, stdin, Ctrl-C, and what to say while waiting. */
export interface ReadManifestOptions {
  cwd: string;
  stdin?: NodeJS.ReadableStream;
  /** Aborting stops a read at once (also one blocked on a FIFO without a writer); it throws CancelledError. */
  signal?: AbortSignal;
  /** Called once when an input has given nothing yet after NOTICE_AFTER_MS (stdin, a FIFO): show it on a terminal. */
  notice?: (message: string) => void;
}

/** One input to read: its text comes in pieces (documents never need the whole file at once). */
export type ManifestInput = { file: string; read: () => AsyncIterable<string> } | { file: string; error: InputError };

/** How long an input may stay silent before `notice` says what podsec is waiting for. */
export const NOTICE_AFTER_MS = 300;
// Pieces below V8's large-object size (128 KiB): the text and the yaml parser's copies of it stay in the
// young generation (1 MiB pieces left ~380 MB of old-generation garbage for one 55 MB file).
const CHUNK = 1 << 16;

function cancelled(): CancelledError {
  return new CancelledError('cancelled while reading input');
}

/**
 * The text of a stream in pieces, as UTF-8. `waiting` is said through `notice` if nothing arrives
 * soon; an abort destroys the stream and throws CancelledError; `unblock` runs first (a FIFO open
 * still waiting for a writer is released by it).
 */
async function* pieces(
  stream: NodeJS.ReadableStream & { destroy?: () => void },
  opts: ReadManifestOptions,
  waiting: string,
  unblock?: () => void,
): AsyncGenerator<string> {
  const signal = opts.signal;
  if (signal?.aborted) throw cancelled();
  let timer: NodeJS.Timeout | undefined = opts.notice
    ? setTimeout(() => opts.notice?.(waiting), NOTICE_AFTER_MS)
    : undefined;
  timer?.unref?.();
  const iterator = (stream as AsyncIterable<string | Buffer>)[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      unblock?.();
      stream.destroy?.();
      reject(cancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  const decoder = new TextDecoder('utf-8');
  try {
    for (;;) {
      const next = await (signal ? Promise.race([iterator.next(), aborted]) : iterator.next());
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      if (next.done) break;
      const c = next.value;
      const text = typeof c === 'string' ? c : decoder.decode(c, { stream: true });
      if (text !== '') yield text;
    }
    const rest = decoder.decode();
    if (rest !== '') yield rest;
  } finally {
    if (timer) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** Reads one file in pieces; a FIFO waits for its writer (as `cat` does) and says so. */
function fileReader(path: string, file: string, fifo: boolean, opts: ReadManifestOptions): () => AsyncIterable<string> {
  return () => {
    const stream = createReadStream(path, { highWaterMark: CHUNK });
    // A FIFO with no writer blocks open(2) in a worker thread, and nothing can cancel that. Being
    // a writer for a moment releases it (then the open sees end of file) so Ctrl-C exits at once.
    const unblock = fifo
      ? () => {
          try {
            closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
          } catch {
            // ENXIO: the open already finished (or never started): nothing to release.
          }
        }
      : undefined;
    return pieces(stream, opts, `waiting for FIFO ${file} (a writer must open it; Ctrl-C stops)`, unblock);
  };
}

/**
 * Yields each input in order: the paths as given, directories expanded recursively. A file named
 * explicitly is read whatever its extension; '-' is stdin.
 */
export async function* readManifestInputs(
  paths: readonly string[],
  opts: ReadManifestOptions,
): AsyncGenerator<ManifestInput> {
  for (const p of paths) {
    if (opts.signal?.aborted) throw cancelled();
    if (p === '-') {
      const stdin = opts.stdin ?? process.stdin;
      yield { file: '-', read: () => pieces(stdin, opts, 'reading stdin... (Ctrl-D ends it, Ctrl-C stops)') };
      continue;
    }
    const abs = resolve(opts.cwd, p);
    let files: { path: string; fifo: boolean }[];
    try {
      const st = await stat(abs);
      files = [];
      if (st.isDirectory()) {
        const found: string[] = [];
        await walk(abs, found);
        files = found.map((f) => ({ path: f, fifo: false }));
      } else files.push({ path: abs, fifo: st.isFIFO() });
    } catch (err) {
      yield { file: p, error: { file: p, message: `cannot read ${p}: ${reason(err)}` } };
      continue;
    }
    for (const f of files)
      yield { file: display(opts.cwd, f.path), read: fileReader(f.path, display(opts.cwd, f.path), f.fifo, opts) };
  }
}

/**
 * Reads one input document by document: `onParsed` gets what each piece completed; a read error
 * becomes an input error for that file (documents read before it are kept). CancelledError passes.
 * `strings` keeps string values repeated across the inputs of one read once (see SharedStrings):
 * for an inventory that is kept; a scan that drops each object passes none.
 */
export async function parseManifestInput(
  input: ManifestInput,
  onParsed: (p: ParsedManifests) => void,
  strings?: SharedStrings,
): Promise<void> {
  if ('error' in input) {
    onParsed({ workloads: [], namespaces: new Map(), errors: [input.error], skipped: 0 });
    return;
  }
  const parser = new ManifestParser(input.file, strings);
  try {
    for await (const text of input.read()) onParsed(parser.push(text));
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    const what = input.file === '-' ? 'stdin' : input.file;
    onParsed({
      workloads: [],
      namespaces: new Map(),
      errors: [{ file: input.file, message: `cannot read ${what}: ${reason(err)}` }],
      skipped: 0,
    });
    return;
  }
  onParsed(parser.end());
}

/** Reads every `-f` input into one Inventory (origin `files`); unreadable inputs become errors. */
export async function readFileInventory(
  paths: readonly string[],
  opts: ReadManifestOptions & { exempt?: readonly string[]; onFile?: (file: string, index: number) => void },
): Promise<Inventory> {
  const b = new FileInventoryBuilder();
  const strings = new SharedStrings();
  let n = 0;
  for await (const input of readManifestInputs(paths, opts)) {
    opts.onFile?.(input.file, n++);
    await parseManifestInput(input, (p) => b.addParsed(p), strings);
  }
  return b.build(opts.exempt ?? []);
}
