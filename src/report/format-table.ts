// Pure: the human `table` format of a ScanReport: grouped by namespace, per workload the
// strictest level it passes and why it fails the next one, then counts. Colour is optional.

import { duplicateLines } from '../inventory/duplicates.js';
import type { Level } from '../policy/index.js';
import type { NamespaceReport, ScanReport, WorkloadReport } from './scan-report.js';

export interface TableOptions {
  color: boolean;
  /** Terminal width; reasons are wrapped to it (minimum 60). */
  columns?: number;
}

const ANSI = {
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  green: '\u001b[32m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  reset: '\u001b[0m',
};
const LEVEL_COLOR: Record<Level, string> = { privileged: ANSI.red, baseline: ANSI.yellow, restricted: ANSI.green };

/** Where a workload came from, as `file:line` or `file#doc`. */
export function sourceLabel(w: Pick<WorkloadReport, 'source'>): string {
  const s = w.source;
  if ('context' in s) return `context ${s.context}`;
  const item = s.item === undefined ? '' : ` item ${s.item}`;
  return s.line === undefined ? `${s.file} (document ${s.document}${item})` : `${s.file}:${s.line}`;
}

/** The level a workload should reach next, and its result there (undefined when not evaluated). */
function nextFailure(w: WorkloadReport): { level: 'baseline' | 'restricted'; reasons: string } | undefined {
  for (const level of ['baseline', 'restricted'] as const) {
    const r = w.results[level];
    if (r && !r.allowed) return { level, reasons: r.violations.map((v) => `${v.check}: ${v.reason}`).join('; ') };
  }
  return undefined;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function wrap(text: string, width: number, indent: string): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur !== '' && indent.length + cur.length + 1 + w.length > width) {
      lines.push(indent + cur);
      cur = w;
    } else cur = cur === '' ? w : `${cur} ${w}`;
  }
  if (cur !== '') lines.push(indent + cur);
  return lines;
}

function namespaceHeader(ns: NamespaceReport, paint: (s: string, c: string) => string): string {
  const enforce =
    ns.labels['pod-security.kubernetes.io/enforce'] === undefined
      ? 'none'
      : `${ns.enforcing.level}@${ns.enforcing.version}`;
  const bits = [
    `enforce ${enforce}`,
    `all pass ${paint(ns.strictestLevel, LEVEL_COLOR[ns.strictestLevel])}`,
    `evaluated at ${ns.version}${ns.versionFrom === 'default' || ns.versionFrom === '--version' ? '' : ` (${ns.versionFrom})`}`,
  ];
  if (ns.system) bits.push('system namespace');
  return `${paint(`Namespace ${ns.name}`, ANSI.bold)}  (${bits.join(', ')})`;
}

/** Renders the report as text lines for a terminal or a log. */
export function formatTable(report: ScanReport, opts: TableOptions): string {
  const paint = (s: string, c: string) => (opts.color ? `${c}${s}${ANSI.reset}` : s);
  const width = Math.max(60, opts.columns ?? 100);
  const out: string[] = [];
  const byNs = new Map<string, WorkloadReport[]>();
  for (const w of report.workloads) {
    const l = byNs.get(w.namespace);
    if (l) l.push(w);
    else byNs.set(w.namespace, [w]);
  }
  for (const ns of report.namespaces) {
    const rows = byNs.get(ns.name) ?? [];
    out.push(namespaceHeader(ns, paint));
    for (const inv of ns.invalidLabels) out.push(`  ! label ${inv.label}=${inv.value}: ${inv.message}`);
    if (rows.length === 0) out.push('  (no workloads)');
    const nameWidth = Math.min(48, Math.max(8, ...rows.map((r) => r.kind.length + 1 + r.name.length)));
    for (const w of rows) {
      const id = pad(`${w.kind}/${w.name}`, nameWidth);
      const level = paint(pad(w.strictestLevel, 10), LEVEL_COLOR[w.strictestLevel]);
      const fail = nextFailure(w);
      out.push(`  ${id}  ${level}  ${paint(sourceLabel(w), ANSI.dim)}`);
      if (fail) out.push(...wrap(`fails ${fail.level}: ${fail.reasons}`, width, '      '));
    }
    out.push('');
  }
  if (report.errors.length > 0) {
    out.push(paint(`Errors (${report.errors.length}): these inputs were not scanned`, ANSI.bold));
    for (const e of report.errors) {
      const where =
        e.file === undefined
          ? e.namespace === undefined
            ? ''
            : `namespace ${e.namespace}: `
          : `${e.file}${e.document === undefined ? '' : ` document ${e.document}`}${e.line === undefined ? '' : ` line ${e.line}`}: `;
      out.push(`  ${where}${e.message}`);
    }
    out.push('');
  }
  if (report.duplicates !== undefined) {
    out.push(paint(`Duplicates (${report.duplicates.length}): the same object in more than one place`, ANSI.bold));
    for (const line of duplicateLines(report.duplicates))
      out.push(...wrap(line, width, '    ').map((l, i) => (i === 0 ? `  ${l.trimStart()}` : l)));
    out.push('');
  }
  out.push(summaryLine(report));
  return `${out.join('\n')}\n`;
}

/** One line of counts, e.g. `12 workloads in 3 namespaces: 4 restricted, 5 baseline, 3 privileged; 8 fail restricted`. */
export function summaryLine(report: ScanReport): string {
  const s = report.summary;
  const parts = [
    `${s.workloads} workload${s.workloads === 1 ? '' : 's'} in ${s.namespaces} namespace${s.namespaces === 1 ? '' : 's'}: ` +
      `${s.strictestLevel.restricted} restricted, ${s.strictestLevel.baseline} baseline, ${s.strictestLevel.privileged} privileged`,
    `${s.failing} fail ${s.target}`,
  ];
  if (s.skipped > 0) parts.push(`${s.skipped} other object${s.skipped === 1 ? '' : 's'} skipped`);
  if (s.errors > 0) parts.push(`${s.errors} input error${s.errors === 1 ? '' : 's'}`);
  return parts.join('; ');
}
