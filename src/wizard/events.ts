// Everything that can happen to the wizard: operator intents (imperative, carrying the value they
// choose) and effect results (past tense). Which step takes which event, and which effect produces
// which result, is declared in protocol.ts. Pure data.

import type { FixProposal } from '../fix/index.js';
import type {
  ApplyOverview,
  ApplyQuestion,
  ContextInfo,
  EvidenceResult,
  PlanPreview,
  PhaseRun,
  PlanResult,
  ScanProgress,
  ScanResult,
  WriteConflict,
} from './ports.js';
import type { EditField } from './session.js';

/** What the operator asks for. Cursor keys stay in the TUI's keymap (`move`, `select`); line and headless modes name the value. */
export type IntentEvent =
  | { type: 'move'; delta: number }
  | { type: 'select' }
  | { type: 'back' }
  | { type: 'quit' }
  | { type: 'cancel' }
  | { type: 'confirm'; yes: boolean }
  | { type: 'pickContext'; name: string }
  | { type: 'openNamespace'; name: string }
  | { type: 'pickWorkload'; key: string }
  | { type: 'pickPhase'; id: string }
  | { type: 'cycleSort' }
  | { type: 'startFilter' }
  | { type: 'changeFilter'; text: string }
  | { type: 'openPlan' }
  | { type: 'accept' }
  | { type: 'acceptAll' }
  | { type: 'skip' }
  | { type: 'startEdit'; field: EditField }
  | { type: 'changeEdit'; text: string }
  | { type: 'submitEdit'; value: string }
  | { type: 'gatherEvidence' }
  | { type: 'trialRun' }
  | { type: 'writePlan' }
  | { type: 'overwritePlan' }
  | { type: 'changeOutDir' }
  | { type: 'showApply' }
  | { type: 'toggle' }
  | { type: 'setNamespaces'; namespaces: string[] };

/** What an effect's run reports back (each effect's set is declared in protocol.ts). */
export type ResultEvent =
  | { type: 'contextsLoaded'; contexts: ContextInfo[] }
  | { type: 'contextsFailed'; message: string }
  | { type: 'scanProgressed'; progress: ScanProgress }
  | { type: 'scanFinished'; result: ScanResult }
  | { type: 'scanFailed'; message: string; hint: string | null }
  | { type: 'proposalsUpdated'; proposals: FixProposal[] }
  | { type: 'proposeFailed'; message: string }
  | { type: 'evidenceGathered'; key: string; result: EvidenceResult; proposals: FixProposal[] }
  | { type: 'evidenceFailed'; key: string; message: string }
  | { type: 'planPreviewed'; preview: PlanPreview }
  | { type: 'planPreviewFailed'; message: string }
  | { type: 'planWritten'; result: PlanResult }
  | { type: 'planFailed'; message: string; conflict: WriteConflict | null }
  | { type: 'applyLoaded'; overview: ApplyOverview }
  | { type: 'applyProgress'; line: string }
  | { type: 'applyQuestion'; question: ApplyQuestion }
  | { type: 'phaseRan'; report: PhaseRun }
  | { type: 'applyFailed'; message: string };

export type WizardEvent = IntentEvent | ResultEvent;

export type WizardEventType = WizardEvent['type'];
