// Pure: policy versions as PSA labels write them: `latest` or `v1.N` (no leading zeros).

import { NEWEST_MINOR } from './registry.js';

const MINOR_CACHE = new Map<string, number>();
const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

/** The minor of `v1.N`, `'latest'`, or null when the string is not a valid policy version. */
export function parsePolicyVersion(v: string): number | 'latest' | null {
  if (v === 'latest') return 'latest';
  const m = VERSION.exec(v);
  if (m === null) return null;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * The minor whose rules apply: latest and versions above the newest known clamp to `newest`
 * (the engine's newest, or a live server's own newest policy version). Invalid strings are
 * treated as latest, as PSA does for labels.
 */
export function effectiveMinor(version: string, newest: number = NEWEST_MINOR): number {
  // Called twice per evaluated pod with a handful of distinct strings: remember them.
  const key = newest === NEWEST_MINOR ? version : `${version}@${newest}`;
  const known = MINOR_CACHE.get(key);
  if (known !== undefined) return known;
  const parsed = parsePolicyVersion(version);
  const minor = parsed === null || parsed === 'latest' ? newest : Math.min(parsed, newest);
  if (MINOR_CACHE.size < 1024) MINOR_CACHE.set(key, minor);
  return minor;
}
