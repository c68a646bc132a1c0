// Pure: step identities, phase selection and gating. A phase runs for a namespace only after
// every earlier phase that touches that namespace is done (or with --force).

import type { Plan, PlanPhase, PlanStep } from '../plan/plan-schema.js';
import { isDone, isInPlace, stepState, type JournalEntry, type StepState } from './journal-model.js';

/** Stable id of a plan step: `<phase>/labels/<ns>` or `<phase>/<purpose>/<ns>/<Kind>/<name>`. */
export function stepIdOf(phase: string, step: PlanStep): string {
  return step.type === 'labels'
    ? `${phase}/labels/${step.namespace}`
    : `${phase}/${step.purpose}/${step.namespace}/${step.kind}/${step.name}`;
}

/** Steps that podsec writes (recreate steps are left to the operator, as in the plan's scripts). */
export function isAutomatic(step: PlanStep): boolean {
  return step.type === 'labels' || step.method === 'patch';
}

/** A step with its id and folded journal state. */
export interface StepView {
  id: string;
  phase: string;
  step: PlanStep;
  state: StepState;
}

/** The phase's steps, limited to `namespaces` when given, with their journal state. */
export function phaseSteps(
  phase: PlanPhase,
  entries: readonly JournalEntry[],
  namespaces?: readonly string[],
): StepView[] {
  return phase.steps
    .filter((s) => !namespaces || namespaces.length === 0 || namespaces.includes(s.namespace))
    .map((step) => {
      const id = stepIdOf(phase.id, step);
      return { id, phase: phase.id, step, state: stepState(entries, id) };
    });
}

/** True when every automatic step of the phase (for the namespaces) is done. */
export function phaseDone(phase: PlanPhase, entries: readonly JournalEntry[], namespaces?: readonly string[]): boolean {
  return phaseSteps(phase, entries, namespaces).every((v) => !isAutomatic(v.step) || isDone(v.state));
}

/** The first phase with an automatic step not done, or null when the plan is fully applied. */
export function nextPhase(
  plan: Plan,
  entries: readonly JournalEntry[],
  namespaces?: readonly string[],
): PlanPhase | null {
  return plan.phases.find((p) => !phaseDone(p, entries, namespaces)) ?? null;
}

/** The phase whose changes were applied most recently and are still in place (rollback default). */
export function lastAppliedPhase(
  plan: Plan,
  entries: readonly JournalEntry[],
  namespaces?: readonly string[],
): PlanPhase | null {
  const inPlace = (p: PlanPhase) =>
    phaseSteps(p, entries, namespaces).some(
      (v) => isInPlace(v.state) || v.state.state === 'inDoubt' || v.state.state === 'rollbackInDoubt',
    );
  for (const p of [...plan.phases].reverse()) if (inPlace(p)) return p;
  return null;
}

/** Why a namespace may not run `phase` yet: the earlier phases not done for it (empty = allowed). */
export function gateBlockers(
  plan: Plan,
  phase: PlanPhase,
  namespace: string,
  entries: readonly JournalEntry[],
): string[] {
  const blockers: string[] = [];
  for (const p of plan.phases) {
    if (p.id === phase.id) break;
    if (!p.steps.some((s) => s.namespace === namespace)) continue;
    if (!phaseDone(p, entries, [namespace])) blockers.push(p.id);
  }
  return blockers;
}

/** Later phases still in place for the namespace: rolling `phase` back first would break the order. */
export function laterInPlace(
  plan: Plan,
  phase: PlanPhase,
  namespace: string,
  entries: readonly JournalEntry[],
): string[] {
  const idx = plan.phases.findIndex((p) => p.id === phase.id);
  return plan.phases
    .slice(idx + 1)
    .filter((p) =>
      phaseSteps(p, entries, [namespace]).some(
        (v) => isInPlace(v.state) || v.state.state === 'inDoubt' || v.state.state === 'rollbackInDoubt',
      ),
    )
    .map((p) => p.id);
}
