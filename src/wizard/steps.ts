// Titles and one-line summaries of the session's steps, for the progress rail (done / current /
// upcoming) shared by the TUI and line mode. Pure.

import { decisionCounts, decisionText } from './session.js';
import type { WizardState } from './state.js';

/** The six steps of the session, in order. */
export const STEPS = [
  { id: 'cluster', title: 'Cluster' },
  { id: 'scan', title: 'Scan' },
  { id: 'overview', title: 'Overview' },
  { id: 'namespace', title: 'Namespaces' },
  { id: 'plan', title: 'Plan' },
  { id: 'apply', title: 'Apply' },
] as const;

export type StepId = (typeof STEPS)[number]['id'];

/** The rail position of a state (confirmQuit shows the step it came from). */
export function stepOf(state: WizardState): StepId | null {
  switch (state.step) {
    case 'cluster':
      return 'cluster';
    case 'scanning':
      return 'scan';
    case 'overview':
      return 'overview';
    case 'namespace':
      return 'namespace';
    case 'plan':
      return 'plan';
    case 'written':
    case 'apply':
      return 'apply';
    case 'confirmQuit':
      return stepOf(state.previous);
    case 'done':
    case 'failed':
      return null;
  }
}

/** A one-line summary of what is known at this state (used on the rail and in line mode). */
export function summary(state: WizardState): string {
  switch (state.step) {
    case 'cluster':
      return state.contexts === null ? 'reading kubeconfig' : `${state.contexts.length} context(s)`;
    case 'scanning': {
      const p = state.progress;
      return `${p.namespaces.length} namespace(s), ${p.workloads} workload(s), ${(p.elapsedMs / 1000).toFixed(1)}s`;
    }
    case 'overview':
    case 'namespace':
    case 'plan': {
      const s = state.session;
      return `${decisionText(decisionCounts(s))} · target ${s.target} at ${s.version}`;
    }
    case 'written':
      return `plan written to ${state.result.dir} (${state.result.files} files)`;
    case 'apply':
      return state.phase === null
        ? `plan ${state.result.dir}`
        : `phase ${state.phase}: ${state.namespaces.length} namespace(s), ${state.stage}`;
    case 'confirmQuit':
      return summary(state.previous);
    case 'done':
      return state.message ?? 'done';
    case 'failed':
      return state.message;
  }
}
