// Pure: Inventory -> ScanReport (design.md `podsec scan -o json`): per-workload verdicts at
// baseline/restricted with the API server's exact messages, a per-namespace summary and errors.

import { evaluatePod, LABEL_PREFIX, NEWEST_MINOR, type CheckId, type Level } from '../policy/index.js';
import { findDuplicates, type Duplicate } from '../inventory/duplicates.js';
import type { InputError, Inventory, NamespaceInfo, Source, Workload } from '../inventory/types.js';

export interface LevelResult {
  version: string;
  allowed: boolean;
  violations: { check: CheckId; reason: string; detail: string }[];
  message: string;
}

export interface WorkloadReport {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
  source: Source;
  strictestLevel: Level;
  results: Partial<Record<'baseline' | 'restricted', LevelResult>>;
}

export interface NamespaceReport {
  name: string;
  /** The namespace's pod-security.kubernetes.io/* labels. */
  labels: Record<string, string>;
  /** What the API server enforces today (no enforce label: privileged, i.e. nothing). */
  enforcing: { level: Level; version: string };
  /** The strictest level every workload in the namespace passes. */
  strictestLevel: Level;
  /** The version the namespace's workloads were evaluated with, and which label it came from. */
  version: string;
  versionFrom: '--version' | 'enforce-version' | 'warn-version' | 'audit-version' | 'default';
  workloads: number;
  /** The level above strictestLevel (null when already restricted). */
  nextLevel: 'baseline' | 'restricted' | null;
  /** Workloads that fail nextLevel, with the checks and the server's reasons. */
  blocking: { kind: string; name: string; checks: CheckId[]; reasons: string }[];
  system: boolean;
  invalidLabels: { label: string; value: string; message: string }[];
}

export interface ScanSummary {
  workloads: number;
  /** Workloads by the strictest level they pass. */
  strictestLevel: Record<Level, number>;
  /** The level `--exit-code` judges (restricted unless --level). */
  target: 'baseline' | 'restricted';
  /** Workloads failing the target level. */
  failing: number;
  namespaces: number;
  errors: number;
  /** Objects read that are not workloads. */
  skipped: number;
}

export interface ScanReport {
  kind: 'ScanReport';
  schemaVersion: 1;
  workloads: WorkloadReport[];
  namespaces: NamespaceReport[];
  errors: InputError[];
  /** Objects read more than once (same kind/namespace/name): reported, never merged. Absent when none. */
  duplicates?: Duplicate[];
  summary: ScanSummary;
}

export interface ScanReportOptions {
  /** Evaluate (and report) this level only. */
  level?: 'baseline' | 'restricted' | undefined;
  /** Overrides every namespace pin; default: the namespace pin, else latest. */
  version?: string | undefined;
  /** The newest policy minor the evaluating server knows (live clusters); default the engine's. */
  newestMinor?: number | undefined;
}

/**
 * The version a namespace's workloads are evaluated with: --version when given; otherwise the
 * namespace's enforce-version label, else warn-version, else audit-version (the pin the server
 * would apply for the mode that rejects first), else latest.
 */
export function namespaceVersion(
  ns: NamespaceInfo | undefined,
  forced: string | undefined,
): { version: string; from: NamespaceReport['versionFrom'] } {
  if (forced !== undefined) return { version: forced, from: '--version' };
  for (const mode of ['enforce', 'warn', 'audit'] as const) {
    const label = `${LABEL_PREFIX}${mode}-version`;
    const setting = ns?.psa[mode];
    if (ns?.labels[label] !== undefined && setting) return { version: setting.version, from: `${mode}-version` };
  }
  return { version: 'latest', from: 'default' };
}

/** `latest` (and pins newer than the evaluator knows) spelled as the concrete minor used. */
function concrete(version: string, newest: number): string {
  if (version === 'latest') return `v1.${newest}`;
  const m = /^v1\.(\d+)$/.exec(version);
  return m && Number(m[1]) > newest ? `v1.${newest}` : version;
}

const LEVEL_ORDER: Level[] = ['privileged', 'baseline', 'restricted'];
const minLevel = (a: Level, b: Level): Level => (LEVEL_ORDER.indexOf(a) <= LEVEL_ORDER.indexOf(b) ? a : b);

/** Evaluates one workload at baseline and restricted with its namespace's version. */
export function scanWorkload(w: Workload, version: string, opts: ScanReportOptions = {}): WorkloadReport {
  const newest = opts.newestMinor ?? NEWEST_MINOR;
  const v = concrete(version, newest);
  const evalOpts = { isPod: w.kind === 'Pod', newestMinor: newest };
  const results: WorkloadReport['results'] = {};
  const restricted = evaluatePod(w.template, 'restricted', v, evalOpts);
  // Each level is evaluated: passing restricted does not imply passing baseline (a volume with
  // both hostPath and configMap; a Windows pod with seccompProfile or capabilities.add from v1.25).
  const baseline = evaluatePod(w.template, 'baseline', v, evalOpts);
  const strictest: Level = restricted.allowed ? 'restricted' : baseline.allowed ? 'baseline' : 'privileged';
  const toResult = (e: typeof restricted): LevelResult => ({
    version: v,
    allowed: e.allowed,
    violations: e.violations.map((x) => ({ check: x.check, reason: x.reason, detail: x.detail })),
    message: e.message,
  });
  if (opts.level !== 'restricted') results.baseline = toResult(baseline);
  if (opts.level !== 'baseline') results.restricted = toResult(restricted);
  return {
    kind: w.kind,
    apiVersion: w.apiVersion,
    namespace: w.namespace,
    name: w.name,
    source: w.source,
    strictestLevel: strictest,
    results,
  };
}

function podSecurityLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) if (k.startsWith(LABEL_PREFIX)) out[k] = labels[k] ?? '';
  return out;
}

/** Builds the namespace summary from its workloads' reports. */
export function namespaceReport(
  ns: NamespaceInfo,
  rows: readonly WorkloadReport[],
  version: ReturnType<typeof namespaceVersion>,
): NamespaceReport {
  const strictest = rows.reduce<Level>((acc, r) => minLevel(acc, r.strictestLevel), 'restricted');
  const nextLevel = strictest === 'restricted' ? null : strictest === 'baseline' ? 'restricted' : 'baseline';
  const blocking: NamespaceReport['blocking'] = [];
  if (nextLevel) {
    for (const r of rows) {
      const res = r.results[nextLevel] ?? r.results.restricted;
      if (!res || res.allowed) continue;
      blocking.push({
        kind: r.kind,
        name: r.name,
        checks: [...new Set(res.violations.map((v) => v.check))],
        reasons: res.violations.map((v) => v.reason).join(', '),
      });
    }
  }
  return {
    name: ns.name,
    labels: podSecurityLabels(ns.labels),
    enforcing: ns.psa.enforce
      ? { level: ns.psa.enforce.level, version: ns.psa.enforce.version }
      : { level: 'privileged', version: 'latest' },
    strictestLevel: strictest,
    version: version.version,
    versionFrom: version.from,
    workloads: rows.length,
    nextLevel,
    blocking,
    system: ns.system,
    invalidLabels: ns.psa.invalid,
  };
}

/** The whole report. Workloads keep the inventory's order; namespaces are sorted by name. */
export function buildScanReport(inv: Inventory, opts: ScanReportOptions = {}): ScanReport {
  const byName = new Map(inv.namespaces.map((n) => [n.name, n]));
  const versions = new Map<string, ReturnType<typeof namespaceVersion>>();
  const versionOf = (ns: string) => {
    let v = versions.get(ns);
    if (!v) versions.set(ns, (v = namespaceVersion(byName.get(ns), opts.version)));
    return v;
  };
  const workloads = inv.workloads.map((w) => scanWorkload(w, versionOf(w.namespace).version, opts));
  const rowsByNs = new Map<string, WorkloadReport[]>();
  for (const r of workloads) {
    const list = rowsByNs.get(r.namespace);
    if (list) list.push(r);
    else rowsByNs.set(r.namespace, [r]);
  }
  const names = [...new Set([...byName.keys(), ...rowsByNs.keys()])].sort();
  const namespaces = names.map((n) =>
    namespaceReport(
      byName.get(n) ?? { name: n, labels: {}, psa: { invalid: [] }, system: false },
      rowsByNs.get(n) ?? [],
      versionOf(n),
    ),
  );
  return {
    kind: 'ScanReport',
    schemaVersion: 1,
    workloads,
    namespaces,
    errors: inv.errors,
    ...withDuplicates(workloads),
    summary: summarize(workloads, namespaces.length, inv.errors.length, inv.skipped, opts),
  };
}

/** `{ duplicates }` when some object was read more than once, else nothing (the report keeps its shape). */
export function withDuplicates(rows: readonly WorkloadReport[]): { duplicates?: Duplicate[] } {
  const duplicates = findDuplicates(rows);
  return duplicates.length > 0 ? { duplicates } : {};
}

/** Counts for the report's `summary`. */
export function summarize(
  rows: readonly WorkloadReport[],
  namespaces: number,
  errors: number,
  skipped: number,
  opts: ScanReportOptions,
): ScanSummary {
  const target = opts.level ?? 'restricted';
  const by: Record<Level, number> = { privileged: 0, baseline: 0, restricted: 0 };
  let failing = 0;
  for (const r of rows) {
    by[r.strictestLevel]++;
    if (r.results[target]?.allowed === false) failing++;
  }
  return { workloads: rows.length, strictestLevel: by, target, failing, namespaces, errors, skipped };
}
