// Side effects the wizard asks for, as data; the session runner (runner.ts) performs them through
// the ports and feeds the results back as events. Which events each effect may produce is declared
// in protocol.ts. Pure data.

import type { Answers } from '../fix/index.js';
import type { Inventory } from '../inventory/types.js';

export type WizardEffect =
  | { type: 'loadContexts' }
  | { type: 'scan'; context: string | null }
  | { type: 'propose'; inventory: Inventory; answers: Answers; evidence: string[] }
  | { type: 'gatherEvidence'; inventory: Inventory; key: string; answers: Answers; evidence: string[] }
  /** Try the workload's proposed fix as a short-lived copy on the cluster; its evidence re-proposes. */
  | { type: 'trialRun'; inventory: Inventory; key: string; answers: Answers; evidence: string[] }
  | { type: 'previewPlan'; inventory: Inventory; answers: Answers; evidence: string[] }
  | {
      type: 'writePlan';
      inventory: Inventory;
      answers: Answers;
      evidence: string[];
      outDir: string;
      overwrite: boolean;
    }
  | { type: 'loadApply'; dir: string }
  | { type: 'runPhase'; dir: string; phase: string; namespaces: string[]; dryRun: boolean; confirmed: boolean }
  | { type: 'answerApply'; yes: boolean };

export type WizardEffectType = WizardEffect['type'];
