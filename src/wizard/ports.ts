// The interfaces the shell implements for the wizard (kubeconfig, scan, fix proposals, evidence,
// plan preview and writing). Pure: types only; src/cli/wizard-ports.ts binds them to adapters and
// runner.ts calls them.

import type { StepOutcome } from '../apply/index.js';
import type { Answers, FixProposal } from '../fix/index.js';
import type { Inventory } from '../inventory/types.js';
import type { Level } from '../policy/index.js';

/** A kubeconfig context the operator can pick. */
export interface ContextInfo {
  name: string;
  cluster: string;
  server: string;
  current: boolean;
}

/** Live progress of a scan, shown on the scan screen. */
export interface ScanProgress {
  namespaces: string[];
  kinds: string[];
  workloads: number;
  elapsedMs: number;
  /** Server version once connected (e.g. v1.36.2). */
  serverVersion?: string;
}

/** What a finished scan hands to the session. */
export interface ScanResult {
  inventory: Inventory;
  proposals: FixProposal[];
  target: Level;
  /** Policy version verdicts are computed at (`v1.N`). */
  version: string;
  /** Decisions given up front (--answers), the session's starting point. */
  answers: Answers;
  /** Workload keys whose evidence came with the scan (the demo's recorded observations). */
  evidence: string[];
  /** The API server's own verdict per namespace (a server-side dry-run of the target labels); live clusters only. */
  verification?: Record<string, ServerCheck>;
  /** Why there is no server verification, when there is none (demo, files, not permitted). */
  verificationNote?: string;
}

/** What the API server said when asked (dry-run) to enforce the target on a namespace. */
export interface ServerCheck {
  /** agrees, disagrees, incomplete, exempt, skipped, failed, ... */
  status: string;
  /** One line: `restricted:v1.37 clean`, or why it could not be checked. */
  detail: string;
}

/** Counts of one phase of the plan as previewed before writing. */
export interface PhasePreview {
  id: string;
  title: string;
  namespaces: { name: string; steps: number }[];
}

/** The plan as it would be written now. */
export interface PlanPreview {
  phases: PhasePreview[];
  summary: Record<string, number>;
}

/** A written plan. */
export interface PlanResult {
  dir: string;
  files: number;
  summary: Record<string, number>;
  /** The summary printed on stdout (where the plan is, per-namespace table, next step). */
  report: string;
}

/** Outcome of gathering evidence for one workload. */
export interface EvidenceResult {
  found: boolean;
  note: string;
}

/** One phase of a written plan as the Apply step offers it. */
export interface ApplyPhaseInfo {
  id: string;
  title: string;
  namespaces: string[];
  /** Every step of the phase is done (journal). */
  done: boolean;
  /** Journal entries already recorded for this phase. */
  journalEntries: number;
  /** Namespaces whose steps of this phase are all done (a phase applied to some namespaces only). */
  appliedNamespaces?: string[];
  /** A namespace was started and not finished (applying the phase again resumes it). */
  interrupted?: boolean;
}

/** The phases of a written plan and the next one to apply (null: all applied). */
export interface ApplyOverview {
  dir: string;
  phases: ApplyPhaseInfo[];
  next: string | null;
}

/** A yes/no question asked while a phase runs (the phase itself, drift, violating pods). */
export interface ApplyQuestion {
  message: string;
  details: readonly string[];
  default: boolean;
}

/** The result of a dry run or a real run of one phase. */
export interface PhaseRun {
  phase: string;
  dryRun: boolean;
  outcomes: StepOutcome[];
  stoppedAt: string | null;
}

/** Applying a written plan on the live cluster (absent for the demo and manifest files). */
export interface ApplyPort {
  overview(dir: string, signal: AbortSignal): Promise<ApplyOverview>;
  runPhase(
    dir: string,
    run: { phase: string; namespaces: readonly string[]; dryRun: boolean; confirmed: boolean },
    progress: (line: string) => void,
    confirm: (q: ApplyQuestion) => Promise<boolean>,
    signal: AbortSignal,
  ): Promise<PhaseRun>;
}

/** The output directory is in the way: what is there, and a free directory to offer instead. */
export interface WriteConflict {
  dir: string;
  /** A directory next to it that does not exist yet (e.g. plans/demo-2). */
  suggestion: string;
  /** False when the directory holds a plan being applied (a journal) or something that is not a plan. */
  canOverwrite: boolean;
}

/** What a write produced: the plan, or the directory in the way (nothing written). */
export type WriteOutcome = { written: PlanResult } | { conflict: WriteConflict; message: string };

/**
 * Everything the wizard asks of the outside world. Every call takes the request's AbortSignal and
 * stops when it is aborted (the session moved on or ended). Rejections become failure events.
 */
export interface WizardPorts {
  listContexts(signal: AbortSignal): Promise<ContextInfo[]>;
  scan(context: string | null, onProgress: (p: ScanProgress) => void, signal: AbortSignal): Promise<ScanResult>;
  propose(
    inventory: Inventory,
    answers: Answers,
    evidence: readonly string[],
    signal: AbortSignal,
  ): Promise<FixProposal[]>;
  gatherEvidence(inventory: Inventory, key: string, signal: AbortSignal): Promise<EvidenceResult>;
  /** Live clusters only: trial the workload's proposed fix as a copy (src/trial); its evidence is kept for re-proposals. */
  trialRun?(inventory: Inventory, key: string, answers: Answers, signal: AbortSignal): Promise<EvidenceResult>;
  previewPlan(
    inventory: Inventory,
    answers: Answers,
    evidence: readonly string[],
    signal: AbortSignal,
  ): Promise<PlanPreview>;
  writePlan(
    inventory: Inventory,
    answers: Answers,
    evidence: readonly string[],
    outDir: string,
    opts: { overwrite: boolean; signal: AbortSignal },
  ): Promise<WriteOutcome>;
  /** Present only for a live cluster: the Apply step runs phases through it. */
  apply?: ApplyPort;
}
