// Pure: a ScanReport as Markdown a reviewer can paste into a pull request: summary, one table
// per namespace, then the violations of each failing workload.

import { duplicateLines } from '../inventory/duplicates.js';
import type { ScanReport, WorkloadReport } from './scan-report.js';
import { sourceLabel, summaryLine } from './format-table.js';

/** Escapes table-breaking characters. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function failing(w: WorkloadReport): { level: string; checks: string } | undefined {
  for (const level of ['baseline', 'restricted'] as const) {
    const r = w.results[level];
    if (r && !r.allowed) return { level, checks: [...new Set(r.violations.map((v) => `\`${v.check}\``))].join(', ') };
  }
  return undefined;
}

/** The whole report as one Markdown document. */
export function formatMarkdown(report: ScanReport): string {
  const s = report.summary;
  const out: string[] = ['# Pod Security scan', '', `**${summaryLine(report)}.**`, ''];
  out.push(
    '| Namespace | Enforced today | All workloads pass | Workloads | Blocking the next level |',
    '|---|---|---|---|---|',
  );
  for (const ns of report.namespaces) {
    const enforced =
      ns.labels['pod-security.kubernetes.io/enforce'] === undefined
        ? 'none'
        : `${ns.enforcing.level} (${ns.enforcing.version})`;
    const blocking = ns.nextLevel ? `${ns.blocking.length} for ${ns.nextLevel}` : '-';
    out.push(
      `| ${cell(ns.name)}${ns.system ? ' (system)' : ''} | ${enforced} | ${ns.strictestLevel} | ${ns.workloads} | ${blocking} |`,
    );
  }
  out.push('');
  const byNs = new Map<string, WorkloadReport[]>();
  for (const w of report.workloads) {
    const list = byNs.get(w.namespace);
    if (list) list.push(w);
    else byNs.set(w.namespace, [w]);
  }
  for (const ns of report.namespaces) {
    const rows = byNs.get(ns.name) ?? [];
    if (rows.length === 0) continue;
    out.push(
      `## Namespace \`${ns.name}\``,
      '',
      `Evaluated at ${ns.version}${ns.versionFrom === 'default' ? '' : ` (from ${ns.versionFrom})`}.`,
      '',
    );
    out.push('| Workload | Passes | Fails | Checks | Source |', '|---|---|---|---|---|');
    for (const w of rows) {
      const f = failing(w);
      out.push(
        `| ${cell(`${w.kind}/${w.name}`)} | ${w.strictestLevel} | ${f ? f.level : '-'} | ${f ? f.checks : '-'} | ${cell(sourceLabel(w))} |`,
      );
    }
    out.push('');
  }
  const failingRows = report.workloads.filter((w) => w.results[s.target]?.allowed === false);
  if (failingRows.length > 0) {
    out.push(`## Violations (${s.target})`, '');
    for (const w of failingRows) {
      const r = w.results[s.target];
      if (!r) continue;
      out.push(`### ${w.kind} \`${w.namespace}/${w.name}\``, '');
      for (const v of r.violations) out.push(`- \`${v.check}\`: ${v.reason} (${v.detail})`);
      out.push('');
    }
  }
  if (report.errors.length > 0) {
    out.push('## Inputs that could not be read', '');
    for (const e of report.errors) {
      const where = [
        e.file,
        e.document === undefined ? undefined : `document ${e.document}`,
        e.line === undefined ? undefined : `line ${e.line}`,
        e.namespace,
      ]
        .filter((x) => x !== undefined)
        .join(', ');
      out.push(`- ${where ? `${where}: ` : ''}${e.message}`);
    }
    out.push('');
  }
  if (report.duplicates !== undefined) {
    out.push('## Objects defined more than once', '');
    for (const line of duplicateLines(report.duplicates)) out.push(`- ${cell(line)}`);
    out.push('');
  }
  return out.join('\n');
}
