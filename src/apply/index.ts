// Pure: the public face of apply and rollback for the CLI and the wizard. Drive a phase with
// `applyPhase(plan, phaseId, options, ports)` / `rollbackPhase(...)`; the shell supplies the ports.

export { applyPhase, phaseSummary, type PhaseReport } from './apply-phase.js';
export { rollbackPhase, rollbackOrder } from './rollback-phase.js';
export { gateBlockers, lastAppliedPhase, nextPhase, phaseDone, phaseSteps, stepIdOf, type StepView } from './steps.js';
export { isDone, isInPlace, journalProblems, stepState, type JournalEntry, type StepState } from './journal-model.js';
export { enforceGate, labelDifferences, type EnforceGate } from './checks.js';
export type { ApplyCluster, ApplyPorts, Confirm, JournalPort, RolloutResult, WorkloadRef } from './ports.js';
export type { OutcomeKind, RunOptions, StepOutcome } from './run.js';
export { OUTCOME_LABEL, PhaseStopped } from './run.js';
