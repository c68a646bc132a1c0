// Shell-side glue (no I/O): adds what only a live scan knows to a scan report, additively:
// `namespaces[].verification` (server-side dry-run results), `workloads[].live` and
// `workloads[].managedBy`, plus top-level `cluster` (context, server, version, policy) and `notes`.

import type { Inventory } from '../inventory/types.js';
import { workloadKey } from '../inventory/types.js';
import type { NamespaceVerification } from '../inventory/verification.js';
import type { LiveScan } from './live-scan.js';

/** The parts of a report this module touches; everything else passes through unchanged. */
export interface ReportShape {
  namespaces: { name: string }[];
  workloads: { kind: string; apiVersion?: string; namespace: string; name: string }[];
}

export interface ClusterSummary {
  context: string;
  server: string;
  serverVersion: string;
  /** The policy version `latest` means on this server, e.g. v1.35 on Kubernetes 1.36. */
  latestPolicy: string;
}

/** Returns a copy of `report` with the live fields added; fields already present are kept. */
export function addLiveFields<R extends ReportShape>(
  report: R,
  live: LiveScan,
): R & { cluster: ClusterSummary; notes: string[] } {
  const byKey = new Map(live.inventory.workloads.map((w) => [workloadKey(w), w]));
  const namespaces = report.namespaces.map((n) => {
    const v: NamespaceVerification | undefined = live.verification.get(n.name);
    return v && !('verification' in n) ? { ...n, verification: v } : n;
  });
  const workloads = report.workloads.map((w) => {
    const source = byKey.get(workloadKey(w));
    if (!source) return w;
    const extra: Record<string, unknown> = {};
    if (source.live && !('live' in w)) extra.live = source.live;
    if (!('managedBy' in w)) extra.managedBy = source.managedBy;
    return { ...w, ...extra };
  });
  return {
    ...report,
    namespaces,
    workloads,
    cluster: clusterSummary(live.inventory, live.policyMinor),
    notes: live.notes,
  };
}

function clusterSummary(inv: Inventory, policyMinor: number): ClusterSummary {
  return {
    context: inv.context ?? '',
    server: inv.server ?? '',
    serverVersion: inv.serverVersion ?? '',
    latestPolicy: `v1.${policyMinor}`,
  };
}

/** Unreadable namespaces and kinds as report error entries (they make the exit code 3). */
export function unreadableErrors(inv: Inventory): { namespace: string; message: string }[] {
  const out: { namespace: string; message: string }[] = [];
  for (const n of inv.namespaces) {
    for (const u of n.unreadable ?? []) out.push({ namespace: n.name, message: `not allowed to ${u.permission}` });
  }
  return out;
}

/**
 * The verification section printed after the table (and markdown) report of a live scan:
 *
 *   Server-side verification (dry-run, nothing changed)
 *     shop     agrees      baseline:latest clean; restricted:latest 6 pods in 5 workloads
 *     legacy   disagrees   restricted:v1.23 the API server and podsec differ ...
 */
export function renderVerification(live: LiveScan, format: 'table' | 'markdown'): string {
  const lines: string[] = [];
  const rows = [...live.verification].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (rows.length > 0) {
    lines.push(
      format === 'markdown'
        ? '## Server-side verification (dry-run, nothing changed)\n'
        : 'Server-side verification (dry-run, nothing changed)',
    );
    const width = Math.max(...rows.map(([n]) => n.length));
    for (const [name, v] of rows) {
      const levels = v.levels
        .map((l) => {
          const pods = l.violators.reduce((n, x) => n + 1 + x.others, 0);
          const workloads = new Set(l.violators.flatMap((x) => x.workloads)).size;
          const what =
            l.status === 'agrees'
              ? pods
                ? `${pods} violating pod(s) in ${workloads} workload(s), as podsec predicts`
                : 'clean'
              : (l.note ?? l.status);
          return `${l.policy} ${what}`;
        })
        .join('; ');
      const detail = levels || v.note || '';
      lines.push(
        format === 'markdown'
          ? `- \`${name}\`: **${v.status}**${detail ? ` (${detail})` : ''}`
          : `  ${name.padEnd(width)}  ${v.status.padEnd(14)}  ${detail}`,
      );
    }
  }
  for (const n of live.notes) lines.push(format === 'markdown' ? `> ${n}` : `note: ${n}`);
  return lines.length ? `\n${lines.join('\n')}\n` : '';
}
