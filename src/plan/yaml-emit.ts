// YAML text of plain JSON data, byte for byte what `stringify(data, { lineWidth: 0 })` of the
// `yaml` library writes, without building its document model (a plan of 20,000 workloads renders
// ~40,000 patch documents: the model was a quarter of `podsec plan`'s CPU). Block style, 2-space
// indent, sequences indented under their key. Each distinct scalar is rendered once by the library
// itself (so quoting stays the library's), then reused; anything outside the common case (multi-line
// strings, long keys, non-plain objects, undefined, shared or cyclic objects, non-finite or
// non-integer numbers) falls back to the library for the whole document. Pure.

import { stringify } from 'yaml';

const OPTIONS = { lineWidth: 0 } as const;

/** Signals that the data leaves the fast path; the caller renders it with the library. */
class Fallback extends Error {}

const scalars = new Map<string, string>();
const keys = new Map<string, string>();
const topKeys = new Map<string, string>();

function remember(cache: Map<string, string>, value: string, text: string): string {
  if (cache.size > 50_000) cache.clear();
  cache.set(value, text);
  return text;
}

/** The library's text for `text` found between `before` and `after` in its one-line rendering of `probe`. */
function rendered(probe: unknown, before: string, after: string): string {
  const line = stringify(probe, OPTIONS);
  if (!line.startsWith(before) || !line.endsWith(after) || line.indexOf('\n') !== line.length - 1) throw new Fallback();
  return line.slice(before.length, line.length - after.length);
}

const usable = (s: string) => !s.includes('\n') && !s.includes('\r') && s.length <= 200;

/** A string value inside a collection (never at the start of a line, where `---` would mean more). */
function scalarText(value: string): string {
  const known = scalars.get(value);
  if (known !== undefined) return known;
  if (!usable(value)) throw new Fallback();
  return remember(scalars, value, rendered([value], '- ', '\n'));
}

/** A map key; `top` for a key at the start of a line of the document (the top-level map). */
function keyText(key: string, top: boolean): string {
  const cache = top ? topKeys : keys;
  const known = cache.get(key);
  if (known !== undefined) return known;
  if (!usable(key)) throw new Fallback();
  return remember(cache, key, top ? rendered({ [key]: 1 }, '', ': 1\n') : rendered([{ [key]: 1 }], '- ', ': 1\n'));
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The inline text of a scalar, or null for a collection. */
function inline(v: unknown): string | null {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return scalarText(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(v) || Object.is(v, -0)) throw new Fallback();
      return String(v);
    case 'object':
      return null;
    default:
      throw new Fallback();
  }
}

class Emitter {
  readonly out: string[] = [];
  private readonly seen = new Set<object>();

  private enter(v: object): void {
    // The library writes anchors and aliases for an object met twice: leave those to it.
    if (this.seen.has(v)) throw new Fallback();
    this.seen.add(v);
  }

  /** Lines of a map's entries at `indent`; `first` is what the first line starts with instead of the indent. */
  map(v: Record<string, unknown>, indent: string, first: string): void {
    this.enter(v);
    let lead = first;
    for (const k of Object.keys(v)) {
      const value = v[k];
      if (value === undefined) throw new Fallback();
      this.entry(`${lead}${keyText(k, lead === '')}:`, value, indent);
      lead = indent;
    }
  }

  seq(v: unknown[], indent: string, first: string): void {
    this.enter(v);
    let lead = first;
    for (const item of v) {
      if (item === undefined) throw new Fallback();
      const text = inline(item);
      if (text !== null) this.out.push(`${lead}- ${text}`);
      else if (Array.isArray(item)) {
        if (item.length === 0) this.out.push(`${lead}- []`);
        else this.seq(item, `${indent}  `, `${lead}- `);
      } else if (isPlainObject(item as object)) {
        const obj = item as Record<string, unknown>;
        if (Object.keys(obj).length === 0) this.out.push(`${lead}- {}`);
        else this.map(obj, `${indent}  `, `${lead}- `);
      } else throw new Fallback();
      lead = indent;
    }
  }

  /** `head` is `<indent><key>:`; the value follows inline or on the next lines. */
  private entry(head: string, value: unknown, indent: string): void {
    const text = inline(value);
    if (text !== null) this.out.push(`${head} ${text}`);
    else if (Array.isArray(value)) {
      if (value.length === 0) this.out.push(`${head} []`);
      else {
        this.out.push(head);
        this.seq(value, `${indent}  `, `${indent}  `);
      }
    } else if (isPlainObject(value as object)) {
      const obj = value as Record<string, unknown>;
      if (Object.keys(obj).length === 0) this.out.push(`${head} {}`);
      else {
        this.out.push(head);
        this.map(obj, `${indent}  `, `${indent}  `);
      }
    } else throw new Fallback();
  }
}

/** The fast rendering of `data`, or null where it leaves the common case (see the top). */
export function emitFast(data: unknown): string | null {
  try {
    if (data === null || typeof data !== 'object') return null;
    const e = new Emitter();
    if (Array.isArray(data)) {
      if (data.length === 0) return '[]\n';
      e.seq(data, '', '');
    } else if (isPlainObject(data as object)) {
      if (Object.keys(data as object).length === 0) return '{}\n';
      e.map(data as Record<string, unknown>, '', '');
    } else return null;
    return `${e.out.join('\n')}\n`;
  } catch (err) {
    if (err instanceof Fallback) return null;
    throw err;
  }
}

/** `stringify(data, { lineWidth: 0 })` of the `yaml` library, faster for plain JSON data. */
export function toYaml(data: unknown): string {
  return emitFast(data) ?? stringify(data, OPTIONS);
}
