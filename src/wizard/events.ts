// Everything that can happen to the wizard: operator intents (imperative) and effect results
// (past tense). Pure data.

import type { FixProposal } from '../fix/index.js';
import type { ApplyOverview, ApplyQuestion, ContextInfo, EvidenceResult, PlanPreview, PhaseRun, PlanResult, ScanProgress, ScanResult } from './ports.js';
import type { EditField } from './session.js';

export type WizardEvent =
  // operator intents
  | { type: 'move'; delta: number }
  | { type: 'select' }
  | { type: 'back' }
  | { type: 'quit' }
  | { type: 'cancel' }
  | { type: 'confirm'; yes: boolean }
  | { type: 'cycleSort' }
  | { type: 'startFilter' }
  | { type: 'changeFilter'; text: string }
  | { type: 'openPlan' }
  | { type: 'accept' }
  | { type: 'acceptAll' }
  | { type: 'skip' }
  | { type: 'startEdit'; field: EditField }
  | { type: 'submitEdit'; value: string }
  | { type: 'gatherEvidence' }
  | { type: 'writePlan' }
  | { type: 'showApply' }
  | { type: 'toggle' }
  | { type: 'setNamespaces'; namespaces: string[] }
  // effect results
  | { type: 'contextsLoaded'; contexts: ContextInfo[] }
  | { type: 'contextsFailed'; message: string }
  | { type: 'scanProgressed'; progress: ScanProgress }
  | { type: 'scanFinished'; result: ScanResult }
  | { type: 'scanFailed'; message: string; hint: string | null }
  | { type: 'proposalsUpdated'; proposals: FixProposal[] }
  | { type: 'evidenceGathered'; key: string; result: EvidenceResult; proposals: FixProposal[] }
  | { type: 'evidenceFailed'; key: string; message: string }
  | { type: 'planPreviewed'; preview: PlanPreview }
  | { type: 'planWritten'; result: PlanResult }
  | { type: 'planFailed'; message: string }
  | { type: 'applyLoaded'; overview: ApplyOverview }
  | { type: 'applyProgress'; line: string }
  | { type: 'applyQuestion'; question: ApplyQuestion }
  | { type: 'phaseRan'; report: PhaseRun }
  | { type: 'applyFailed'; message: string };

export type WizardEventType = WizardEvent['type'];
