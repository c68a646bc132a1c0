// Pure: the shape of a check (a port of upstream policy.Check / VersionedCheck / CheckResult).

import type { Obj } from './access.js';
import type { CheckId } from './types.js';

/** What every check reads, prepared once per evaluation (after API-server defaulting). */
export interface PodContext {
  annotations: Readonly<Record<string, unknown>>;
  spec: Obj;
  /** spec.securityContext when it is an object. */
  podSC: Obj | undefined;
  /** initContainers, containers, ephemeralContainers, in that order (objects only). */
  containers: readonly Obj[];
  /** spec.os.name is exactly "windows". */
  windows: boolean;
  /** spec.hostUsers is present and false. */
  hostUsersFalse: boolean;
}

/** A failing check's short reason and explanation, worded exactly as upstream. */
export interface Failure {
  reason: string;
  detail: string;
}

export type CheckFn = (pod: PodContext) => Failure | undefined;

export interface CheckVersion {
  /** Policy minor (v1.N) from which this revision applies. */
  minimumVersion: number;
  checkPod: CheckFn;
  /** Baseline checks this restricted revision replaces. */
  overrides?: readonly CheckId[];
}

export interface Check {
  id: CheckId;
  level: 'baseline' | 'restricted';
  versions: readonly CheckVersion[];
}
