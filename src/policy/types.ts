// Public types of the pure Pod Security Standards engine (a port of k8s.io/pod-security-admission).

export type Level = 'privileged' | 'baseline' | 'restricted';
export const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];

/** Upstream check IDs, verbatim. */
export type CheckId =
  | 'appArmorProfile'
  | 'capabilities_baseline'
  | 'hostNamespaces'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'hostProbesAndHostLifecycle'
  | 'privileged'
  | 'procMount'
  | 'seLinuxOptions'
  | 'seccompProfile_baseline'
  | 'sysctls'
  | 'windowsHostProcess'
  | 'allowPrivilegeEscalation'
  | 'capabilities_restricted'
  | 'procMount_restricted'
  | 'restrictedVolumes'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seccompProfile_restricted';

/** A pod (or pod template) as PSA sees it: only annotations of the metadata are read. */
export interface PodLike {
  metadata?: { name?: string; annotations?: Record<string, string> | undefined } | undefined;
  spec: unknown;
}

/** One failing check. reason/detail are byte-identical to the API server's. */
export interface Violation {
  check: CheckId;
  reason: string;
  detail: string;
}

/** One check's outcome (upstream CheckResult): reason and detail are '' when allowed. */
export interface CheckResult {
  check: CheckId;
  allowed: boolean;
  reason: string;
  detail: string;
}

export interface Evaluation {
  level: Level;
  /** The version as requested/labelled (`latest` stays `latest`). */
  version: string;
  /** The minor whose rules were applied (latest and too-new versions clamp to the newest known). */
  effectiveMinor: number;
  allowed: boolean;
  violations: Violation[];
  /** `reason (detail), reason (detail)` in upstream order; '' when allowed. */
  message: string;
}

export interface EvaluateOptions {
  /**
   * True for a Pod object (default false = a pod template inside a controller). Only Pods get the
   * hostNetwork hostPort defaulting (Kubernetes >= 1.28).
   */
  isPod?: boolean;
  /**
   * The newest policy minor the evaluating API server knows (e.g. 35 on Kubernetes 1.36):
   * `latest` and newer versions use that minor's rules. Defaults to the engine's newest.
   */
  newestMinor?: number;
}

export interface PodTemplate {
  metadata: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface ModeSetting {
  level: Level;
  version: string;
}

export interface NamespaceLabels {
  enforce?: ModeSetting;
  audit?: ModeSetting;
  warn?: ModeSetting;
  /** Invalid label values: `{label, value, message}`. */
  invalid: { label: string; value: string; message: string }[];
}
