// Pure: links live objects to their top-level owner through controller ownerReferences
// (Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob), and compares live pods with their
// owner's pod template to find injected containers and pods that drifted from it.

import type { LiveState, Manager } from './types.js';

/** The parts of a Kubernetes object the owner index reads. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    ownerReferences?: { apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }[];
    annotations?: Record<string, string>;
    managedFields?: { manager?: string; operation?: string; subresource?: string; fieldsV1?: unknown }[];
  };
  spec?: unknown;
  status?: unknown;
}

export interface OwnerIndex {
  /** Objects nobody we read controls: the workloads to evaluate (bare pods included). */
  topLevel: KubeObject[];
  /** Pods per top-level object uid (pods that are themselves top-level are not listed here). */
  podsOf: Map<string, KubeObject[]>;
  /** Top-level object of each pod, by `namespace/name`. */
  topOfPod: Map<string, KubeObject>;
}

const MAX_DEPTH = 8;

/** The controller ownerReference, if any (non-controller owners do not manage the object). */
export function controllerRef(obj: KubeObject): { kind?: string; name?: string; uid?: string } | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/**
 * Indexes objects (workloads and pods, any order) by owner. An object whose controller is not among
 * the objects (an unknown kind such as a Node for mirror pods, a custom controller, or a deleted
 * owner) counts as top-level, so it is still evaluated.
 */
export function indexOwners(objects: readonly KubeObject[]): OwnerIndex {
  const byUid = new Map<string, KubeObject>();
  for (const o of objects) if (o.metadata?.uid) byUid.set(o.metadata.uid, o);
  const topOf = (o: KubeObject): KubeObject => {
    let cur = o;
    for (let i = 0; i < MAX_DEPTH; i++) {
      const ref = controllerRef(cur);
      const owner = ref?.uid ? byUid.get(ref.uid) : undefined;
      if (!owner || owner === cur) return cur;
      cur = owner;
    }
    return cur;
  };
  const topLevel: KubeObject[] = [];
  const podsOf = new Map<string, KubeObject[]>();
  const topOfPod = new Map<string, KubeObject>();
  for (const o of objects) {
    const top = topOf(o);
    if (top === o) topLevel.push(o);
    if (o.kind !== 'Pod') continue;
    topOfPod.set(`${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`, top);
    if (top === o) continue;
    const uid = top.metadata?.uid ?? '';
    const list = podsOf.get(uid);
    if (list) list.push(o);
    else podsOf.set(uid, [o]);
  }
  return { topLevel, podsOf, topOfPod };
}

type Spec = Record<string, unknown>;
type Container = {
  name?: string;
  securityContext?: unknown;
  ports?: { containerPort?: number; hostPort?: number; protocol?: string }[];
};

const asSpec = (v: unknown): Spec => (v && typeof v === 'object' ? (v as Spec) : {});
const containersOf = (spec: Spec, field: string): Container[] =>
  Array.isArray(spec[field]) ? (spec[field] as Container[]) : [];
const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;
const SECURITY_ANNOTATION =
  /^(container\.apparmor\.security\.beta\.kubernetes\.io\/|seccomp\.security\.alpha\.kubernetes\.io\/)/;

/** JSON with sorted keys, so field order does not count as a difference. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** What Pod Security reads from a pod, limited to the template's containers and normalized for defaulting. */
function securityView(spec: Spec, annotations: Record<string, string> | undefined, names: ReadonlySet<string>): string {
  const hostNetwork = spec.hostNetwork === true;
  const container = (c: Container) => ({
    name: c.name,
    securityContext: c.securityContext ?? {},
    ports: (c.ports ?? []).map((p) => ({
      containerPort: p.containerPort,
      hostPort: p.hostPort ?? (hostNetwork ? p.containerPort : 0),
      protocol: p.protocol ?? 'TCP',
    })),
  });
  const volumes = (Array.isArray(spec.volumes) ? (spec.volumes as Spec[]) : [])
    .filter((v) => !String(v.name ?? '').startsWith('kube-api-access-'))
    .map((v) => ({
      name: v.name,
      type:
        Object.keys(v)
          .filter((k) => k !== 'name')
          .sort()
          .join(',') || 'emptyDir',
    }));
  const view: Record<string, unknown> = {
    securityContext: spec.securityContext ?? {},
    hostNetwork,
    hostPID: spec.hostPID === true,
    hostIPC: spec.hostIPC === true,
    hostUsers: spec.hostUsers ?? true,
    volumes,
    annotations: Object.entries(annotations ?? {}).filter(([k]) => SECURITY_ANNOTATION.test(k)),
  };
  for (const f of CONTAINER_FIELDS)
    view[f] = containersOf(spec, f)
      .filter((c) => names.has(c.name ?? ''))
      .map(container);
  return canonical(view);
}

/**
 * Compares live pods with the pod template of their top-level owner: containers present in pods
 * but absent from the template (mutating webhooks, debug containers), and pods whose
 * security-relevant fields differ from the current template (old revisions, edits, webhooks).
 */
export function liveStateFor(
  template: { metadata?: { annotations?: Record<string, string> }; spec: unknown },
  pods: readonly KubeObject[],
): LiveState {
  const tspec = asSpec(template.spec);
  const templateNames = new Set<string>();
  for (const f of CONTAINER_FIELDS) for (const c of containersOf(tspec, f)) templateNames.add(c.name ?? '');
  const expected = securityView(tspec, template.metadata?.annotations, templateNames);
  const injected = new Set<string>();
  const drifted: string[] = [];
  const podStatuses: NonNullable<LiveState['podStatuses']> = [];
  for (const pod of pods) {
    const pspec = asSpec(pod.spec);
    for (const f of CONTAINER_FIELDS) {
      for (const c of containersOf(pspec, f)) if (!templateNames.has(c.name ?? '')) injected.add(c.name ?? '');
    }
    const name = pod.metadata?.name ?? '';
    if (securityView(pspec, pod.metadata?.annotations, templateNames) !== expected) drifted.push(name);
    podStatuses.push(podStatus(name, pod.status));
  }
  return {
    pods: pods.length,
    injectedContainers: [...injected].sort(),
    driftedPods: drifted.sort(),
    podStatuses: podStatuses.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

type StatusLike = {
  phase?: string;
  containerStatuses?: {
    restartCount?: number;
    state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
  }[];
};

function podStatus(name: string, raw: unknown): { name: string; phase: string; reason?: string; restarts: number } {
  const s = (raw && typeof raw === 'object' ? raw : {}) as StatusLike;
  let restarts = 0;
  let reason: string | undefined;
  for (const c of s.containerStatuses ?? []) {
    restarts += c.restartCount ?? 0;
    reason ??= c.state?.waiting?.reason ?? c.state?.terminated?.reason;
  }
  return reason === undefined
    ? { name, phase: s.phase ?? 'Unknown', restarts }
    : { name, phase: s.phase ?? 'Unknown', reason, restarts };
}

/** Controllers whose managedFields entries are not a human or tool source of truth. */
const CONTROLLER_MANAGERS = new Set(['kube-controller-manager', 'kube-scheduler', 'kubelet']);

/**
 * Field managers that wrote the object's spec (status-only writers and Kubernetes' own controllers
 * are left out), as `fieldManager` managers: e.g. `kubectl-client-side-apply`, `helm`, `argocd-controller`.
 */
export function fieldManagers(obj: KubeObject): Manager[] {
  const out = new Map<string, Manager>();
  for (const e of obj.metadata?.managedFields ?? []) {
    const name = e.manager;
    if (!name || e.subresource || CONTROLLER_MANAGERS.has(name)) continue;
    const fields = e.fieldsV1 && typeof e.fieldsV1 === 'object' ? (e.fieldsV1 as Record<string, unknown>) : {};
    if (!('f:spec' in fields)) continue;
    if (!out.has(name)) out.set(name, { tool: 'fieldManager', name, detail: e.operation ?? 'Update' });
  }
  return [...out.values()];
}
