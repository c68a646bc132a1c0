// Pure: the checks made before a write. Drift (labels or template changed since the plan was
// made), the enforce gate (what a server-side dry-run of the label change says about existing
// pods), and the workload gate (a patch's dry-run must draw no PodSecurity warning).

import { parsePsaWarnings, type PodWarningLine } from '../inventory/psa-warnings.js';

export type Labels = Record<string, string>;

const PSA_PREFIX = 'pod-security.kubernetes.io/';

/** Only the Pod Security labels, sorted by key. */
export function psaOnly(labels: Readonly<Record<string, string>> | undefined): Labels {
  const out: Labels = {};
  for (const k of Object.keys(labels ?? {}).sort()) if (k.startsWith(PSA_PREFIX)) out[k] = labels?.[k] ?? '';
  return out;
}

/** One label that differs: `expected` is what the plan recorded, `live` what the cluster has. */
export interface LabelDifference {
  key: string;
  expected: string | null;
  live: string | null;
}

/** Pod Security labels that differ between `expected` and `live` (other labels are ignored). */
export function labelDifferences(
  expected: Readonly<Labels>,
  live: Readonly<Record<string, string>>,
): LabelDifference[] {
  const a = psaOnly(expected);
  const b = psaOnly(live);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => a[k] !== b[k]).map((k) => ({ key: k, expected: a[k] ?? null, live: b[k] ?? null }));
}

/** `key: planned -> live` lines for the user. */
export function describeLabelDifferences(diffs: readonly LabelDifference[]): string[] {
  return diffs.map((d) => `${d.key}: plan expected ${d.expected ?? '(unset)'}, cluster has ${d.live ?? '(unset)'}`);
}

/** True when the two label sets have the same Pod Security labels. */
export function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  return labelDifferences(a, b).length === 0;
}

/** The merge patch from the live labels to `to` for the Pod Security keys (null removes a key). */
export function psaMergePatch(
  live: Readonly<Record<string, string>>,
  to: Readonly<Labels>,
): Record<string, string | null> {
  const a = psaOnly(live);
  const b = psaOnly(to);
  const patch: Record<string, string | null> = {};
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (b[k] === undefined) patch[k] = null;
    else if (a[k] !== b[k]) patch[k] = b[k];
  }
  return patch;
}

/** A violating pod line of the dry-run, with the workload it belongs to when known. */
export interface Violator extends PodWarningLine {
  workload: string | null;
}

/** What a server-side dry-run of an enforce change says. */
export interface EnforceGate {
  /** No pod violates and every pod was checked. */
  clean: boolean;
  violators: Violator[];
  /** "only checked against the first N of M existing pods": not clean, even without violators. */
  incomplete: { first: number; of: number } | null;
  listFailed: boolean;
  truncated: boolean;
  exempt: boolean;
  /** Lines to show before asking. */
  summary: string[];
}

/** Reads the warnings of an enforce dry-run; `ownerOf` maps a pod name to its workload key. */
export function enforceGate(
  warnings: readonly string[],
  ownerOf: (pod: string) => string | null = () => null,
): EnforceGate {
  const p = parsePsaWarnings(warnings);
  const violators: Violator[] = p.lines.map((l) => ({ ...l, workload: ownerOf(l.pod) }));
  const incomplete = p.checked && p.checked.first < p.checked.of ? p.checked : null;
  const summary: string[] = [];
  for (const v of violators) {
    const others = v.others === 0 ? '' : ` and ${v.others} other pod${v.others === 1 ? '' : 's'}`;
    summary.push(`pod ${v.pod}${others}${v.workload ? ` (${v.workload})` : ''}: ${v.reasons}`);
  }
  if (incomplete)
    summary.push(`only ${incomplete.first} of ${incomplete.of} pods were checked: the rest may violate too`);
  if (p.listFailed) summary.push('the API server could not list the pods to check them');
  if (p.truncated) summary.push('the API server cut the warning list (4 KiB limit): more pods may violate');
  const clean = violators.length === 0 && !incomplete && !p.listFailed && !p.truncated;
  return { clean, violators, incomplete, listFailed: p.listFailed, truncated: p.truncated, exempt: p.exempt, summary };
}

/** PodSecurity warnings (`would violate PodSecurity ...`) among the warnings of a workload dry-run. */
export function podSecurityWarnings(warnings: readonly string[]): string[] {
  return warnings.filter((w) => /PodSecurity/.test(w));
}
