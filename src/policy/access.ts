// Pure: tolerant readers over decoded YAML/JSON. A field of the wrong type reads as absent (the
// API server would have rejected it; `validatePodSpecShape` reports it as an input error).

export type Obj = Record<string, unknown>;

const EMPTY: readonly unknown[] = Object.freeze([]);

/** The value when it is a plain object, else undefined. */
export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** The value when it is an array, else an empty list. */
export function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : EMPTY;
}

/** Go's zero value for a string field: '' when absent or not a string. */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Strings of a list, dropping entries of another type. */
export function strings(v: unknown): string[] {
  return list(v).filter((x): x is string => typeof x === 'string');
}

/** An integer field (Go int32/int64); undefined when absent or not a number. */
export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A *bool field: undefined when absent or not a boolean. */
export function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

/** `"a", "b"` (upstream joinQuote: items are not escaped). */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` / `containers "a", "b"`. */
export function containerList(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Distinct values sorted by UTF-16 code units (equal to Go byte order for the BMP and ASCII). */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byteOrder);
}

/** Go string comparison (UTF-8 byte order = code point order), without allocating. */
export function byteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codeUnitRank(x) - codeUnitRank(y);
  }
  return a.length - b.length;
}

/** Surrogates encode code points above U+FFFF, so they rank after U+E000..U+FFFF. */
function codeUnitRank(u: number): number {
  return u >= 0xd800 && u <= 0xdfff ? u + 0x2800 : u;
}
