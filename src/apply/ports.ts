// Pure: the interfaces apply and rollback drive. The shell implements them (src/cluster/apply-*.ts
// for the API server, src/files/journal.ts for the journal); tests and the wizard may pass their own.

import type { JournalEntry } from './journal-model.js';

/** A workload named by a plan step. */
export interface WorkloadRef {
  kind: string;
  apiVersion: string;
  namespace: string;
  name: string;
}

/** A namespace as read: all labels and the resourceVersion. */
export interface LiveNamespace {
  labels: Record<string, string>;
  resourceVersion: string;
}

/** A workload object as read (or as the API server returned it from a patch). */
export interface LiveObject {
  object: Record<string, unknown>;
  resourceVersion: string;
}

/** The result of a write, with the API server's Warning texts. */
export interface WriteResult<T> {
  value: T;
  warnings: string[];
}

/** How a rollout ended. */
export interface RolloutResult {
  status: 'complete' | 'failed' | 'timeout' | 'notFollowed';
  /** One line about the rollout, e.g. "2/2 updated pods admitted". */
  message: string;
  /** Pods that failed to start: name, reason, last log lines, events. */
  failures: { pod: string; reason: string; logs: string[]; events: string[] }[];
}

/**
 * The API server, as apply needs it. Writes take the resourceVersion that was read and fail with
 * a ClusterError of kind `conflict` when the object changed since. `dryRun` writes change nothing.
 */
export interface ApplyCluster {
  readNamespace(name: string): Promise<LiveNamespace | null>;
  patchNamespaceLabels(
    name: string,
    labels: Record<string, string | null>,
    resourceVersion: string,
    dryRun: boolean,
  ): Promise<WriteResult<LiveNamespace>>;
  readWorkload(ref: WorkloadRef): Promise<LiveObject | null>;
  /** Strategic-merge patch (the plan's patch file). */
  patchWorkload(
    ref: WorkloadRef,
    patch: Record<string, unknown>,
    resourceVersion: string,
    dryRun: boolean,
  ): Promise<WriteResult<LiveObject>>;
  /** Replaces the pod template at `templatePath` (rollback), only if it still equals `expected`. */
  replaceTemplate(
    ref: WorkloadRef,
    templatePath: readonly string[],
    expected: unknown,
    template: unknown,
    dryRun: boolean,
  ): Promise<WriteResult<LiveObject>>;
  /** The top-level workload of a pod (`Deployment/shop/vote`), or null. */
  ownerOfPod(namespace: string, pod: string): Promise<string | null>;
  /** Follows the rollout of a patched workload until done, failed, or the timeout. */
  followRollout(ref: WorkloadRef, patched: LiveObject, progress: (line: string) => void): Promise<RolloutResult>;
  /**
   * Asks the API server once whether this user may patch these objects (and dry-run patches,
   * which are authorized alike); returns one line per missing permission, empty when allowed or
   * when the server cannot tell.
   */
  missingAccess?(targets: readonly AccessTarget[]): Promise<string[]>;
}

/** An object a phase writes: a namespace (its labels) or a workload. */
export type AccessTarget = { kind: 'Namespace'; name: string } | WorkloadRef;

/**
 * The append-only journal of a plan directory. `append` returns once the entry is durably on
 * disk and throws (stopping the run) when it cannot be. `lock` takes the exclusive lock for one
 * writing run and returns its release; it throws naming the holder when another run has it.
 */
export interface JournalPort {
  read(): Promise<JournalEntry[]>;
  append(entry: JournalEntry): Promise<void>;
  lock?(command: string): () => void;
}

/** A yes/no question; `details` are shown before it. Resolves false when declined. */
export type Confirm = (question: { message: string; details: readonly string[]; default: boolean }) => Promise<boolean>;

/** Everything apply and rollback use from outside. */
export interface ApplyPorts {
  cluster: ApplyCluster;
  journal: JournalPort;
  /** Reads a plan file (a patch), relative to the plan directory, parsed from YAML or JSON. */
  readPlanFile(relPath: string): Promise<unknown>;
  /** Fingerprint of a pod template as the plan computed it (drift checks). */
  fingerprint(template: unknown): string;
  now(): Date;
  /** The user recorded in the journal. */
  user: string;
  /** Identifies this run in the journal. */
  runId: string;
}
