// Structural sharing for plan data: values with the same JSON text are kept once. A plan of a
// large estate repeats the same changes (same check, path, value and rationale for every replica
// of a chart) and the same short lists thousands of times. Keys are a 52-bit hash of the JSON
// text (the text itself is not kept), confirmed by comparing the texts on a hit. Pure.

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

/** Shares JSON data values that serialise alike. Shared values must never be mutated. */
export class JsonInterner {
  private readonly buckets = new Map<number, unknown[]>();

  share<T>(value: T): T {
    const text = JSON.stringify(value);
    const key = hash52(text);
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.buckets.set(key, [value]);
      return value;
    }
    for (const v of bucket) if (JSON.stringify(v) === text) return v as T;
    bucket.push(value);
    return value;
  }
}
