// Structural sharing for plan data: values with the same JSON text are kept once. A plan of a
// large estate repeats the same changes (same check, path, value and rationale for every replica
// of a chart) and the same short lists thousands of times. Keys are a 52-bit hash of the JSON
// text (the text itself is not kept), confirmed by comparing the texts on a hit. Pure.

import { SharedStrings } from '../inventory/shared-strings.js';

/** FNV-1a over UTF-16 units, two 26-bit lanes combined: a cheap 52-bit number key. */
function hash52(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  return (a >>> 6) * 0x4000000 + (b >>> 6);
}

/**
 * Shares JSON data values that serialise alike. The value kept (and returned for every later value
 * with the same text) is a plain copy whose strings are flat and shared (SharedStrings), so it keeps
 * nothing alive that the original was built from (the concatenated rationale of a change answered
 * per workload held its pieces). Plain JSON data only. Shared values must never be mutated.
 */
export class JsonInterner {
  private readonly buckets = new Map<number, unknown[]>();
  private readonly strings = new SharedStrings();

  /** A plain copy (as JSON would give it back) whose strings are shared flat copies. */
  private copy(value: unknown): unknown {
    if (typeof value === 'string') return this.strings.share(value);
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v: unknown) => (v === undefined ? null : this.copy(v)));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = this.copy(v);
    return out;
  }

  share<T>(value: T): T {
    const text = JSON.stringify(value);
    const key = hash52(text);
    const bucket = this.buckets.get(key);
    if (bucket !== undefined) for (const v of bucket) if (JSON.stringify(v) === text) return v as T;
    const own = this.copy(value) as T;
    if (bucket === undefined) this.buckets.set(key, [own]);
    else bucket.push(own);
    return own;
  }
}
