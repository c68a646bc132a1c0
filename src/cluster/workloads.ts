// Shell-side assembly (no I/O): turns listed objects into Workloads and NamespaceInfo with the
// engine's template extraction and label parsing, the owner index and manager detection.

import { extractPodTemplate, parseNamespaceLabels } from '../policy/index.js';
import { detectManagers } from '../inventory/managers.js';
import { fieldManagers, liveStateFor, type KubeObject, type OwnerIndex } from '../inventory/owners.js';
import { workloadKey, type NamespaceInfo, type Workload } from '../inventory/types.js';

/** A live pod as PSA reads it, with the key of its top-level workload. */
export interface LivePod {
  name: string;
  namespace: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: unknown;
  /** workloadKey of the top-level owner (the pod itself for bare pods). */
  workload: string;
}

const KIND_ORDER = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'CronJob',
  'Job',
  'Pod',
];

function refOf(o: KubeObject): { kind: string; apiVersion: string; namespace: string; name: string } {
  return {
    kind: o.kind ?? '',
    apiVersion: o.apiVersion ?? '',
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
  };
}

/** Workloads for every top-level object, with live pod state and managers; sorted by namespace, kind, name. */
export function buildWorkloads(index: OwnerIndex, context: string): Workload[] {
  const out: Workload[] = [];
  for (const o of index.topLevel) {
    const extracted = extractPodTemplate(o);
    if (!extracted) continue;
    const ref = refOf(o);
    const managedBy = [...detectManagers(o as Record<string, unknown>), ...fieldManagers(o)];
    const object = { ...(o as Record<string, unknown>) };
    const meta = { ...((o.metadata ?? {}) as Record<string, unknown>) };
    delete meta.managedFields;
    object.metadata = meta;
    const pods = o.kind === 'Pod' ? [o] : (index.podsOf.get(o.metadata?.uid ?? '') ?? []);
    const w: Workload = {
      ...ref,
      source: { context },
      templatePath: extracted.templatePath,
      template: extracted.template,
      object,
      managedBy,
      live: liveStateFor(extracted.template, pods),
    };
    const replicas = (o.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas === 'number') w.replicas = replicas;
    out.push(w);
  }
  const rank = (k: string) => {
    const i = KIND_ORDER.indexOf(k);
    return i < 0 ? KIND_ORDER.length : i;
  };
  return out.sort((a, b) =>
    a.namespace !== b.namespace
      ? a.namespace < b.namespace
        ? -1
        : 1
      : a.kind !== b.kind
        ? rank(a.kind) - rank(b.kind)
        : a.name < b.name
          ? -1
          : a.name > b.name
            ? 1
            : 0,
  );
}

/** A namespace with its Pod Security labels parsed as PSA parses them. */
export function namespaceInfo(o: KubeObject, system: ReadonlySet<string>): NamespaceInfo {
  const meta = (o.metadata ?? {}) as { name?: string; labels?: Record<string, string>; resourceVersion?: string };
  const name = meta.name ?? '';
  const labels = meta.labels ?? {};
  const info: NamespaceInfo = { name, labels, psa: parseNamespaceLabels(labels), system: system.has(name) };
  if (meta.resourceVersion) info.resourceVersion = meta.resourceVersion;
  return info;
}

/** What verification needs of a pod: name, annotations, spec and its workload. */
export function slimPod(o: KubeObject, top: KubeObject | undefined): LivePod {
  const name = o.metadata?.name ?? '';
  const namespace = o.metadata?.namespace ?? '';
  const annotations = o.metadata?.annotations;
  return {
    name,
    namespace,
    metadata: annotations ? { name, annotations } : { name },
    spec: o.spec,
    workload: workloadKey(refOf(top ?? o)),
  };
}
