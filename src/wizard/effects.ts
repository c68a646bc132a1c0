// Side effects the wizard asks for, as data; src/cli/wizard-runner.ts executes them against the
// ports and feeds the results back as events. Pure data.

import type { Answers } from '../fix/index.js';
import type { Inventory } from '../inventory/types.js';

export type WizardEffect =
  | { type: 'loadContexts' }
  | { type: 'scan'; context: string | null }
  | { type: 'cancelScan' }
  | { type: 'propose'; inventory: Inventory; answers: Answers; evidence: string[] }
  | { type: 'gatherEvidence'; inventory: Inventory; key: string; answers: Answers; evidence: string[] }
  | { type: 'previewPlan'; inventory: Inventory; answers: Answers; evidence: string[] }
  | { type: 'writePlan'; inventory: Inventory; answers: Answers; evidence: string[]; outDir: string }
  | { type: 'loadApply'; dir: string }
  | { type: 'runPhase'; dir: string; phase: string; namespaces: string[]; dryRun: boolean }
  | { type: 'answerApply'; yes: boolean }
  | { type: 'exit'; code: number };

export type WizardEffectType = WizardEffect['type'];
