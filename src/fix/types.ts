// Types of the pure fix engine: a proposal per workload, with every value's source.

import type { JsonPatchOp } from './json-patch-types.js';
import type { CheckId, Level } from '../policy/types.js';
import type { PodTemplate, WorkloadRef } from '../inventory/types.js';

export type FixStatus = 'compliant' | 'fixed' | 'review' | 'blocked';
export type Confidence = 'high' | 'medium' | 'low';

/** Where a proposed value came from, in the order of preference. */
export type ValueSource =
  | { kind: 'workload'; detail: string }
  | { kind: 'catalogue'; image: string }
  | { kind: 'evidence'; detail: string }
  /** `prefilled`: a bundled example's value (the demo's answers.yaml), not the operator's answer. */
  | { kind: 'answer'; key: string; prefilled?: true }
  | { kind: 'default'; detail: string };

export interface FixChange {
  /** The failing check this change addresses, or 'harden' for optional hardening. */
  check: CheckId | 'harden' | 'ownership' | 'writable';
  /** RFC 6901 pointer into the pod template, e.g. /spec/containers/0/securityContext/runAsUser. */
  path: string;
  op: 'add' | 'replace' | 'remove';
  value?: unknown;
  rationale: string;
  confidence: Confidence;
  source?: ValueSource;
  /** True when the change alters behaviour (removes a hostPort, hostPath, capability...). */
  behavioural: boolean;
  /** 'required' for the level, 'hardening' beyond it (readOnlyRootFilesystem...). */
  purpose: 'required' | 'hardening';
}

/** An operator decision the engine needs (unknown UID, writable paths, ...). */
export interface Question {
  key: string;
  kind: 'uid' | 'gid' | 'writablePaths' | 'exemption' | 'confirm';
  prompt: string;
  /** Suggested default, if any. */
  suggestion?: unknown;
}

export interface FixProposal {
  workload: WorkloadRef;
  target: Level;
  version: string;
  status: FixStatus;
  /** Check IDs failing the target before the fix. */
  failing: CheckId[];
  /** Check IDs no safe patch can clear (status blocked), with the reason. */
  blockers: CheckId[];
  blockedReason?: string;
  changes: FixChange[];
  questions: Question[];
  /** Pod template after the changes (equal to the input for compliant/blocked). */
  patchedTemplate: PodTemplate;
  /** Strategic-merge patch for the whole workload object (null when nothing changes). */
  strategicPatch: Record<string, unknown> | null;
  /** RFC 6902 patch for the whole workload object. */
  jsonPatch: JsonPatchOp[];
  /**
   * Temporary root init container for volume ownership (allowed under baseline, not restricted):
   * the plan adds `initContainer` in the fix phase and removes it before enforcing restricted.
   */
  ownershipInit?: {
    container: string;
    paths: string[];
    uid?: number;
    gid?: number;
    /** The init container to append to spec.initContainers (not part of patchedTemplate). */
    initContainer?: Record<string, unknown>;
  };
  /**
   * How the change reaches a live object: `patch` (kubectl patch --type strategic), or `recreate`
   * for kinds whose pod template is immutable (bare Pods, Jobs): delete and create the patched object.
   */
  applyMethod?: 'patch' | 'recreate';
  /** Why the workload needs the host (node agent), when detected. */
  nodeAgent?: string;
}
