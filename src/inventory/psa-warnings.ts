// Pure: parses the HTTP Warning headers a namespace relabel (dry-run) returns from Pod Security
// admission, and predicts the exact warnings PSA would emit for a set of pod verdicts, including
// the API server's 4 KiB warning truncation. Mirrors pod-security-admission admission.go
// (EvaluatePodsInNamespace) and apiserver endpoints/filters/warning.go.

/** One `<pod>[ (and N other pod[s])]: <reasons>` line. */
export interface PodWarningLine {
  /** Lexically first pod with exactly this set of reasons. */
  pod: string;
  /** Number of other pods sharing the set (the N of "(and N other pods)"). */
  others: number;
  /** Short reasons as PSA joins them, e.g. `allowPrivilegeEscalation != false, seccompProfile`. */
  reasons: string;
  /** The raw warning text. */
  text: string;
}

/** The structured warnings of one namespace relabel. */
export interface ParsedPsaWarnings {
  /** From `existing pods in namespace "x" violate the new PodSecurity enforce level "l:v"`. */
  namespace?: string;
  policy?: string;
  lines: PodWarningLine[];
  /** `new PodSecurity enforce level only checked against the first N of M existing pods`. */
  checked?: { first: number; of: number };
  /** `failed to list pods while checking new PodSecurity enforce level`. */
  listFailed: boolean;
  /** `namespace "x" is exempt from Pod Security, and the policy (...) will be ignored` (newer servers). */
  exempt: boolean;
  /** The warnings look cut by the API server's 4 KiB limit (items cut to 256 runes, rest dropped). */
  truncated: boolean;
  /** Warnings that are none of the above (other admission plugins, cut lines). */
  other: string[];
}

/** The API server's limits (apiserver endpoints/filters/warning.go). */
export const WARNING_TOTAL_RUNES = 4 * 1024;
export const WARNING_ITEM_RUNES = 256;

const HEADER_RE = /\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;
const EXISTING_RE = /^existing pods in namespace "([^"]+)" violate the new PodSecurity enforce level "([^"]+)"$/;
const LIMIT_RE = /^new PodSecurity enforce level only checked against the first (\d+) of (\d+) existing pods$/;
const POD_LINE_RE = /^([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)(?: \(and (\d+) other pods?\))?: (.+)$/;
const LIST_FAILED = 'failed to list pods while checking new PodSecurity enforce level';
const EXEMPT_RE = /^namespace "[^"]+" is exempt from Pod Security, and the policy \(.*\) will be ignored$/;

/**
 * Texts of HTTP Warning headers (RFC 7234 `299 - "text"`). Repeated headers arrive joined with
 * ", " and texts contain commas, so quoted strings are matched; commas are never split on.
 */
export function parseWarningHeader(value: string | readonly string[] | undefined | null): string[] {
  if (value === undefined || value === null) return [];
  const joined = typeof value === 'string' ? value : value.join(', ');
  const out: string[] = [];
  for (const m of joined.matchAll(HEADER_RE)) out.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

const runeLength = (s: string): number => [...s].length;

/** Structures the warning texts of a namespace relabel that tightens enforce. */
export function parsePsaWarnings(texts: readonly string[]): ParsedPsaWarnings {
  const out: ParsedPsaWarnings = {
    lines: [],
    listFailed: false,
    exempt: false,
    truncated: looksTruncated(texts),
    other: [],
  };
  for (const text of texts) {
    const head = EXISTING_RE.exec(text);
    if (head) {
      out.namespace = head[1] ?? '';
      out.policy = head[2] ?? '';
      continue;
    }
    const limit = LIMIT_RE.exec(text);
    if (limit) {
      out.checked = { first: Number(limit[1]), of: Number(limit[2]) };
      continue;
    }
    if (EXEMPT_RE.test(text)) {
      out.exempt = true;
      continue;
    }
    if (text === LIST_FAILED) {
      out.listFailed = true;
      continue;
    }
    const pod = POD_LINE_RE.exec(text);
    if (pod) {
      out.lines.push({ pod: pod[1] ?? '', others: pod[2] ? Number(pod[2]) : 0, reasons: pod[3] ?? '', text });
      continue;
    }
    out.other.push(text);
  }
  return out;
}

/** True when the texts show the API server's truncation (an item cut at 256 runes, or 4 KiB reached). */
export function looksTruncated(texts: readonly string[]): boolean {
  let total = 0;
  let longest = 0;
  for (const t of texts) {
    const n = runeLength(t);
    total += n;
    longest = Math.max(longest, n);
  }
  return (
    longest === WARNING_ITEM_RUNES ||
    (total >= WARNING_TOTAL_RUNES - WARNING_ITEM_RUNES && longest <= WARNING_ITEM_RUNES)
  );
}

/** A pod and the short reasons it fails at a level (empty = allowed). */
export interface PodVerdict {
  name: string;
  reasons: readonly string[];
}

/**
 * The warnings PSA emits for a namespace whose pods have these verdicts, in its order: the
 * "only checked" line (when `checked` is given), the "existing pods" line, then one sorted line
 * per distinct reason set naming the lexically first pod.
 */
export function predictPsaWarnings(
  namespace: string,
  policy: string,
  pods: readonly PodVerdict[],
  checked?: { first: number; of: number },
): string[] {
  const groups = new Map<string, { pod: string; count: number }>();
  for (const p of pods) {
    if (p.reasons.length === 0) continue;
    const key = p.reasons.join(', ');
    const g = groups.get(key);
    if (!g) groups.set(key, { pod: p.name, count: 1 });
    else {
      g.count++;
      if (p.name < g.pod) g.pod = p.name;
    }
  }
  const out: string[] = [];
  if (checked && checked.first < checked.of) {
    out.push(
      `new PodSecurity enforce level only checked against the first ${checked.first} of ${checked.of} existing pods`,
    );
  }
  if (groups.size === 0) return out;
  out.push(`existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${policy}"`);
  const lines = [...groups].map(([reasons, g]) => {
    const suffix = g.count === 1 ? '' : g.count === 2 ? ' (and 1 other pod)' : ` (and ${g.count - 1} other pods)`;
    return `${g.pod}${suffix}: ${reasons}`;
  });
  lines.sort(byteCompare);
  return [...out, ...lines];
}

/** Go's sort.Strings order (byte-wise, not locale; pod names and reasons are ASCII). */
function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What the API server's warning recorder sends for these texts: duplicates removed; once the total
 * exceeds 4096 runes every item is cut to 256 runes and items past the limit are dropped.
 */
export function simulateWarningTruncation(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  const ordered: string[] = [];
  let written: string[] = [];
  let total = 0;
  let truncating = false;
  const cut = (t: string): string => {
    const runes = [...t];
    return runes.length > WARNING_ITEM_RUNES ? runes.slice(0, WARNING_ITEM_RUNES).join('') : t;
  };
  for (const raw of texts) {
    if (raw.length === 0) continue;
    if (total >= WARNING_TOTAL_RUNES && truncating) break;
    if (seen.has(raw)) continue;
    seen.add(raw);
    ordered.push(raw);
    const text = truncating ? cut(raw) : raw;
    const n = runeLength(text);
    if (total + n <= WARNING_TOTAL_RUNES || truncating) {
      total += n;
      written.push(text);
      continue;
    }
    truncating = true;
    total = 0;
    written = ordered.map(cut);
    for (const w of written) total += runeLength(w);
  }
  return written;
}
