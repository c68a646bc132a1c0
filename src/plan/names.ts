// Safe names for the plan directory: names from manifests can be anything (`../x`, `a;rm -rf`,
// unicode), so every file and folder name is sanitised and made unique. Also the stable JSON
// used for fingerprints, and a small FNV-1a hash for name suffixes. Pure.

import { INVISIBLE_CHARS } from '../inventory/object-names.js';

/** 32-bit FNV-1a of the UTF-8 bytes, as 8 hex digits (suffixes only; not for security). */
export function fnv1a32(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const MAX_SEGMENT = 80;

/**
 * One path segment made of `[a-z0-9._-]` only, never `.`/`..`/empty, never starting with `.` or
 * `-`. A name that had to change gets a hash of the original appended, so `a;b` and `a:b` differ.
 */
export function sanitizeSegment(name: string): string {
  const lower = name.normalize('NFC').toLowerCase();
  let safe = lower
    .replace(/[^a-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .replace(/_+/g, '_');
  if (safe.length > MAX_SEGMENT) safe = safe.slice(0, MAX_SEGMENT);
  if (safe === name && safe !== '') return safe;
  return `${safe === '' ? 'x' : safe.replace(/[._-]+$/, '')}-${fnv1a32(name)}`;
}

/** Hands out unique segments: a second request for an equal sanitised name gets `-2`, `-3`... */
export class NameAllocator {
  private readonly used = new Set<string>();
  private readonly given = new Map<string, string>();

  /** Reserved names are never handed out. */
  constructor(reserved: readonly string[] = []) {
    for (const r of reserved) this.used.add(r);
  }

  /** A unique safe segment for `name` (the same name gets the same answer). */
  take(name: string): string {
    const known = this.given.get(name);
    if (known !== undefined) return known;
    const segment = this.fresh(name);
    this.given.set(name, segment);
    return segment;
  }

  /** A new unique safe segment for `name`, even when `name` was seen before (duplicates in files). */
  fresh(name: string): string {
    const base = sanitizeSegment(name);
    let candidate = base;
    for (let i = 2; this.used.has(candidate); i++) candidate = `${base}-${i}`;
    this.used.add(candidate);
    return candidate;
  }
}

/** JSON with object keys sorted at every level: equal data gives equal text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const INVISIBLE = INVISIBLE_CHARS;

/**
 * A shell word: single-quoted, with `'` written as `'\''`. Text holding control or bidi characters
 * is written as a bash `$'...'` word with those characters as `\xNN`/`\uNNNN` escapes, so the
 * script reads the same on screen as it runs. Safe for any input text.
 */
export function shQuote(text: string): string {
  // Bash cannot hold NUL bytes in a word; such a name cannot exist in Kubernetes anyway.
  const t = text.replace(/\0/g, '');
  if (!INVISIBLE.test(t)) return `'${t.replace(/'/g, `'\\''`)}'`;
  let out = '';
  for (const ch of t) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (INVISIBLE.test(ch))
      out += cp < 0x80 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `$'${out}'`;
}
