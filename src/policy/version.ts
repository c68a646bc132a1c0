// Pure: policy versions as PSA labels write them: `latest` or `v1.N` (no leading zeros).

import { NEWEST_MINOR } from './registry.js';

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
  const parsed = parsePolicyVersion(version);
  if (parsed === null || parsed === 'latest') return newest;
  return Math.min(parsed, newest);
}
