// The inventory model shared by scan, fix, plan and the wizard: workloads and namespaces read
// from files or a live cluster. Pure data; no I/O here.

import type { NamespaceLabels, PodTemplate } from '../policy/types.js';

// Defined with the policy engine (the bottom layer), which reads them; re-exported for the rest.
export type { ModeSetting, NamespaceLabels, PodTemplate } from '../policy/types.js';

/** Where a workload came from. File sources carry the 0-based document index (and List item). */
export type Source = { file: string; document: number; item?: number; line?: number } | { context: string };

export interface WorkloadRef {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
}

/** A pod template as extracted from a workload (for a bare Pod: its metadata and spec). */

/** Who manages a workload's live object (changes must go to the source of truth). */
export interface Manager {
  tool: 'helm' | 'argocd' | 'flux' | 'kustomize' | 'fieldManager';
  /** Release, application or kustomization name, or the field manager's name. */
  name: string;
  detail?: string;
}

/** What a live cluster shows beyond the template (filled by the cluster adapter). */
export interface LiveState {
  pods: number;
  /** Containers present in live pods but not in the owner's template (mutating webhooks). */
  injectedContainers: string[];
  /** Pods whose spec differs from the current template in a security-relevant way. */
  driftedPods: string[];
  /** Pod names per phase/reason (e.g. CrashLoopBackOff) for evidence gathering. */
  podStatuses?: { name: string; phase: string; reason?: string; restarts: number }[];
  resourceVersion?: string;
}

export interface Workload extends WorkloadRef {
  source: Source;
  /** JSON path (object keys) from the object's root to the pod template; [] for a Pod. */
  templatePath: readonly string[];
  template: PodTemplate;
  /** The whole object as read (needed for patches and edited copies). */
  object: Record<string, unknown>;
  /** spec.replicas where the kind has it (0 = scaled to zero). */
  replicas?: number;
  managedBy: Manager[];
  live?: LiveState;
}

/** Pod Security labels of a namespace, parsed as PSA parses them. */

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
  psa: NamespaceLabels;
  /** kube-system, kube-public, kube-node-lease, or named by --exempt. */
  system: boolean;
  /** Set when the namespace (or some kinds in it) could not be read: reported, not fatal. */
  unreadable?: { kinds: string[]; permission: string; message: string }[];
  resourceVersion?: string;
}

/** An input that could not be read or parsed (exit code 3); the rest is still processed. */
export interface InputError {
  file?: string;
  document?: number;
  line?: number;
  namespace?: string;
  message: string;
}

export interface Inventory {
  origin: 'files' | 'cluster' | 'demo';
  /** kubeconfig context and server URL for a live cluster. */
  context?: string;
  server?: string;
  /** e.g. v1.36.2 for a live cluster. */
  serverVersion?: string;
  namespaces: NamespaceInfo[];
  workloads: Workload[];
  errors: InputError[];
  /** Objects read that are not workloads (Services, RBAC, ...). */
  skipped: number;
}

/** Stable identity of a workload, used in answers files, plans and maps: ns/Kind/name. */
export function workloadKey(w: Pick<WorkloadRef, 'namespace' | 'kind' | 'name'>): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}
