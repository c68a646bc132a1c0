// The wizard's state: one discriminated union on `step`, each variant holding only what is known
// by then (shared docs/style.md 5.6). Pure data.

import type {
  ApplyOverview,
  ApplyQuestion,
  ContextInfo,
  PhaseRun,
  PlanPreview,
  PlanResult,
  ScanProgress,
  WriteConflict,
} from './ports.js';
import type { EditField, Session, SortKey } from './session.js';

/** 1. Pick a kubeconfig context (contexts null while loading). */
export interface ClusterState {
  step: 'cluster';
  contexts: ContextInfo[] | null;
  cursor: number;
  error: string | null;
  outDir: string;
}

/** 2. Scanning a cluster or the demo estate. */
export interface ScanningState {
  step: 'scanning';
  /** Context name, or null for the demo estate / files. */
  context: string | null;
  progress: ScanProgress;
  outDir: string;
  /** A live cluster (esc after a failed scan returns to the context picker). */
  live: boolean;
}

/** 3. The namespace table. */
export interface OverviewState {
  step: 'overview';
  session: Session;
  cursor: number;
  sort: SortKey;
  filter: string;
  /** True while the `/` filter input has the keyboard. */
  filtering: boolean;
}

/** 4. One namespace: its workloads and their proposals. */
export interface NamespaceState {
  step: 'namespace';
  session: Session;
  namespace: string;
  cursor: number;
  /** The edit input that has the keyboard, if any. */
  editing: EditField | null;
  /** The text typed into that input so far. */
  draft: string;
  /** `A` with review items among them: waiting for y/n before accepting them all. */
  confirmingAll: boolean;
  /** Work in progress (gathering evidence, re-proposing). */
  busy: string | null;
  notice: string | null;
  /** Where to return in the overview. */
  overviewCursor: number;
}

/** 5. The plan preview and the write. */
export interface PlanState {
  step: 'plan';
  session: Session;
  preview: PlanPreview | null;
  writing: boolean;
  error: string | null;
  /** The output directory is in the way: overwrite it (when allowed) or choose another. */
  conflict: WriteConflict | null;
  /** The directory being typed (null when not choosing one). */
  dirDraft: string | null;
}

/** 6. The plan is written: apply now (shown as the commands to run) or later. */
export interface WrittenState {
  step: 'written';
  session: Session;
  result: PlanResult;
  /** True when the operator asked to see how to apply. */
  showApply: boolean;
}

/** Where the Apply step is: picking, dry-running, reviewing, applying, showing the result. */
export type ApplyStage = 'loading' | 'phase' | 'namespaces' | 'dryRun' | 'reviewed' | 'applying' | 'applied';

/** 6. Applying the written plan on the live cluster, phase by phase. */
export interface ApplyState {
  step: 'apply';
  session: Session;
  result: PlanResult;
  stage: ApplyStage;
  overview: ApplyOverview | null;
  cursor: number;
  /** The phase picked (set from the namespaces stage on). */
  phase: string | null;
  /** Namespaces of the phase to apply (all preselected). */
  namespaces: string[];
  report: PhaseRun | null;
  /** Progress lines of the running phase (the last ones). */
  progress: string[];
  /** A confirmation the running phase waits for. */
  question: ApplyQuestion | null;
  error: string | null;
}

/** Asking whether to quit with unsaved decisions. */
export interface ConfirmQuitState {
  step: 'confirmQuit';
  previous: Exclude<WizardState, ConfirmQuitState | DoneState>;
}

/** The session has ended; the root exits with `exitCode`. */
export interface DoneState {
  step: 'done';
  exitCode: number;
  message: string | null;
}

/** A failure the session cannot continue from (shown, then exit 1). */
export interface FailedState {
  step: 'failed';
  message: string;
  hint: string | null;
  outDir: string;
  /** Esc returns to the context picker (a live cluster that could not be read). */
  canPick: boolean;
}

export type WizardState =
  | ClusterState
  | ScanningState
  | OverviewState
  | NamespaceState
  | PlanState
  | WrittenState
  | ApplyState
  | ConfirmQuitState
  | DoneState
  | FailedState;

export type StepName = WizardState['step'];

/** An empty progress record. */
export const NO_PROGRESS: ScanProgress = { namespaces: [], kinds: [], workloads: 0, elapsedMs: 0 };

/** The first state: the context picker for a live cluster, or straight to the scan (demo, files). */
export function initialState(opts: { live: boolean; context: string | null; outDir: string }): WizardState {
  if (opts.live && opts.context === null)
    return { step: 'cluster', contexts: null, cursor: 0, error: null, outDir: opts.outDir };
  return { step: 'scanning', context: opts.context, progress: NO_PROGRESS, outDir: opts.outDir, live: opts.live };
}
