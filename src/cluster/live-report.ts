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
export function addLiveFields<R extends ReportShape>(report: R, live: LiveScan): R & { cluster: ClusterSummary; notes: string[] } {
  const byKey = new Map(live.inventory.workloads.map((w) => [workloadKey(w), w]));
  const namespaces = report.namespaces.map((n) => {
    const v: NamespaceVerification | undefined = live.verification.get(n.name);
    return v && !('verification' in n) ? { ...n, verification: v } : n;
  });
  const workloads = report.workloads.map((w) => {
    const source = byKey.get(workloadKey({ kind: w.kind, apiVersion: w.apiVersion ?? '', namespace: w.namespace, name: w.name }));
    if (!source) return w;
    const extra: Record<string, unknown> = {};
    if (source.live && !('live' in w)) extra.live = source.live;
    if (!('managedBy' in w)) extra.managedBy = source.managedBy;
    return { ...w, ...extra };
  });
  return { ...report, namespaces, workloads, cluster: clusterSummary(live.inventory, live.policyMinor), notes: live.notes };
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
