// What every fixer sees: the draft, the workload, the options, and the shared judgements
// (who a container runs as, whether the workload is a node agent). Pure.

import { answerFor, type Answers } from './answers.js';
import { matchImage, type ImageCatalogue, type ImageEntry } from './catalogue.js';
import type { ContainerEvidence, Evidence } from './evidence.js';
import { isObj, type ContainerRef, type FixDraft, type Obj } from './draft.js';
import type { Confidence, ValueSource } from './types.js';
import { workloadKey, type Workload } from '../inventory/types.js';
import type { Level } from '../policy/types.js';

export interface FixContext {
  draft: FixDraft;
  workload: Workload;
  key: string;
  target: Level;
  version: string;
  answers: Answers;
  catalogue: ImageCatalogue;
  evidence: Evidence | undefined;
  /** Why the workload needs the host (node agent, CNI/CSI plugin), or undefined. */
  nodeAgent: string | undefined;
  /** Containers the fix moves from (possibly) root to a non-root user. */
  switchedToNonRoot: Map<string, Identity>;
}

/** Who a container will run as, and how we know. */
export interface Identity {
  uid?: number;
  gid?: number;
  source?: ValueSource;
  confidence: Confidence;
  /** True when the uid is already set in the workload (nothing to add). */
  fromWorkload: boolean;
  /** True when the image (as far as we know) runs as root today. */
  imageRunsAsRoot: boolean;
  entry?: ImageEntry;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

/** The container object of a ref. */
export function containerObj(ctx: FixContext, ref: ContainerRef): Obj {
  const c = ctx.draft.get(ref.path);
  return isObj(c) ? c : {};
}

/** Evidence for a container, if gathered. */
export function evidenceFor(ctx: FixContext, name: string): ContainerEvidence | undefined {
  return ctx.evidence?.containers[name];
}

/**
 * Resolves the UID a container should run as. Order (issue 12): the operator's explicit answer
 * wins over everything; then the workload itself, the image catalogue, live evidence. Undefined
 * uid means unknown: callers ask.
 */
export function resolveIdentity(ctx: FixContext, ref: ContainerRef): Identity {
  const c = containerObj(ctx, ref);
  const sc = isObj(c['securityContext']) ? c['securityContext'] : {};
  const podSc = isObj(ctx.draft.spec['securityContext']) ? ctx.draft.spec['securityContext'] : {};
  const entry = matchImage(ctx.catalogue, ref.image);
  const ev = evidenceFor(ctx, ref.name);
  const imageRunsAsRoot = ev?.uid !== undefined ? ev.uid === 0 : entry ? entry.imageUser === 'root' : true;
  const base = { imageRunsAsRoot, ...(entry ? { entry } : {}) };
  const gidAnswer = answerFor(ctx.answers.gids, ctx.key, ref.name);
  const own = num(sc['runAsUser']) ?? num(podSc['runAsUser']);
  const answered = answerFor(ctx.answers.uids, ctx.key, ref.name);
  if (answered !== undefined) {
    const key = ctx.answers.uids[`${ctx.key}/${ref.name}`] !== undefined ? `${ctx.key}/${ref.name}` : ctx.key;
    const gid = gidAnswer ?? answered;
    // The workload already runs as exactly this UID: nothing to add.
    const fromWorkload = own === answered;
    return { ...base, uid: answered, gid, confidence: 'high', fromWorkload, source: answerSource(ctx, key) };
  }
  if (own !== undefined && own !== 0) {
    return {
      ...base,
      uid: own,
      confidence: 'high',
      fromWorkload: true,
      source: { kind: 'workload', detail: 'runAsUser already set' },
    };
  }
  if (entry?.uid !== undefined) {
    const gid = gidAnswer ?? entry.gid;
    return {
      ...base,
      uid: entry.uid,
      ...(gid !== undefined ? { gid } : {}),
      confidence: entry.confidence,
      fromWorkload: false,
      source: { kind: 'catalogue', image: entry.id },
    };
  }
  if (ev?.uid !== undefined && ev.uid !== 0) {
    const gid = gidAnswer ?? ev.gid;
    return {
      ...base,
      uid: ev.uid,
      ...(gid !== undefined ? { gid } : {}),
      confidence: 'high',
      fromWorkload: false,
      source: { kind: 'evidence', detail: `id -u in container "${ref.name}"` },
    };
  }
  return { ...base, confidence: 'low', fromWorkload: false };
}

/** The source of an answered value: the operator's answer, or a bundled example's prefilled value. */
export function answerSource(ctx: FixContext, key: string): ValueSource {
  return ctx.answers.prefilled.includes(key) ? { kind: 'answer', key, prefilled: true } : { kind: 'answer', key };
}

const HOST_PATH_PREFIXES = [
  '/proc',
  '/sys',
  '/dev',
  '/var/run',
  '/run',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/etc/cni',
  '/opt/cni',
  '/lib/modules',
  '/etc/kubernetes',
  '/var/log',
];
const AGENT_IMAGES =
  /(calico|cilium|flannel|weave|antrea|kube-proxy|csi|node-driver-registrar|node-exporter|newrelic\/infrastructure|datadog\/agent|fluent|falco|nvidia|multus|kube-router|aws-node|amazon-k8s-cni)/i;

/**
 * Why a workload needs the host: a DaemonSet with host namespaces, privilege or system
 * hostPaths; a known CNI/CSI/agent image; a hostPath to the node's system directories.
 */
export function detectNodeAgent(workload: Workload): string | undefined {
  const spec = workload.template.spec;
  const volumes = Array.isArray(spec['volumes']) ? spec['volumes'].filter(isObj) : [];
  const systemPaths = volumes.flatMap((v) => {
    const hp = v['hostPath'];
    const path = isObj(hp) && typeof hp['path'] === 'string' ? hp['path'] : undefined;
    return path !== undefined &&
      (path === '/' || HOST_PATH_PREFIXES.some((p) => path === p || path.startsWith(p + '/')))
      ? [path]
      : [];
  });
  const containers = ['initContainers', 'containers'].flatMap((l) =>
    Array.isArray(spec[l]) ? (spec[l] as unknown[]).filter(isObj) : [],
  );
  const privileged = containers.some((c) => isObj(c['securityContext']) && c['securityContext']['privileged'] === true);
  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => spec[f] === true);
  const agentImage = containers.map((c) => String(c['image'] ?? '')).find((i) => AGENT_IMAGES.test(i));
  const hostProcess = JSON.stringify(spec).includes('"hostProcess":true');
  if (hostProcess) return 'Windows HostProcess containers run on the host by design';
  if (workload.kind === 'DaemonSet' && (hostNs.length > 0 || privileged || systemPaths.length > 0)) {
    const what = [...hostNs, ...(privileged ? ['privileged'] : []), ...systemPaths.map((p) => `hostPath ${p}`)];
    return `node agent: a DaemonSet using ${what.join(', ')}`;
  }
  if (agentImage !== undefined && (hostNs.length > 0 || privileged || systemPaths.length > 0)) {
    return `node-level component (${agentImage}) that needs host access`;
  }
  if (systemPaths.length > 0) return `mounts node system paths (${systemPaths.join(', ')})`;
  return undefined;
}

/** The workload key answers and questions use. */
export function keyOf(workload: Workload): string {
  return workloadKey(workload);
}
