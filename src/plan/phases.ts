// The four phases of a migration (shared docs/design.md "The phased migration"): titles, what each
// does and its exit criteria; plus the plan's summary counts. Pure.

import type { PlanNamespace, PlanPhase, PlanWorkload, PhaseId } from './plan-schema.js';

interface PhaseText {
  id: PhaseId;
  title: string;
  description: string;
  exitCriteria: (target: string, soak: string) => string[];
}

const PHASES: readonly PhaseText[] = [
  {
    id: '1-observe',
    title: 'Observe',
    description:
      'Set warn and audit to the target level, pinned to the policy version (also where enforce stays lower or exempt, so those violations stay visible). Nothing is rejected; kubectl and the audit log show what would be.',
    exitCriteria: (_t, soak) => [
      'kubectl apply and rollouts in these namespaces print no PodSecurity warnings beyond the workloads PLAN.md lists as held, blocked or exempt',
      `no pod-security.kubernetes.io/audit-violations annotations in the audit log for ${soak}`,
    ],
  },
  {
    id: '2-fix',
    title: 'Fix workloads',
    description: 'Apply the workload patches (and temporary ownership init containers). Labels do not change.',
    exitCriteria: () => [
      'every patched rollout is complete and healthy (kubectl rollout status)',
      'pods are Running and Ready with no new restarts; logs show no permission or read-only file system errors',
      'the server-side dry-run of the next phase reports no violating pods',
    ],
  },
  {
    id: '3-enforce-baseline',
    title: 'Enforce baseline',
    description:
      'enforce=baseline (or the level an exemption allows); warn and audit stay at the target level. Gated: the server-side dry-run must report no violating pods.',
    exitCriteria: (_t, soak) => [
      'the dry-run of the label change reported no violating pods',
      `no rejected pod creations (events "violates PodSecurity") for ${soak}`,
      'rollouts and scale-ups still succeed',
    ],
  },
  {
    id: '4-enforce-restricted',
    title: 'Enforce restricted',
    description: 'Remove the temporary ownership init containers first, then enforce=restricted. Gated like phase 3.',
    exitCriteria: (_t, soak) => [
      'no temporary ownership init containers remain',
      'the dry-run of the label change reported no violating pods',
      `no rejected pod creations and no audit violations for ${soak}`,
    ],
  },
];

/** The four phases with no steps yet, in order. */
export function phaseSkeletons(target: string, soak: string): PlanPhase[] {
  return PHASES.map((p) => ({
    id: p.id,
    dir: p.id,
    title: p.title,
    description: p.description,
    namespaces: [],
    steps: [],
    exitCriteria: p.exitCriteria(target, soak),
    apply: `${p.id}/apply.sh`,
    rollback: `${p.id}/rollback.sh`,
  }));
}

/** Counts for the summary: namespaces by outcome, workloads by status, patches. */
export function summarize(
  namespaces: readonly PlanNamespace[],
  workloads: readonly PlanWorkload[],
): Record<string, number> {
  const count = <T>(xs: readonly T[], f: (x: T) => boolean) => xs.filter(f).length;
  return {
    namespaces: namespaces.length,
    namespacesAtTarget: count(namespaces, (n) => n.exemption === null && !n.system),
    namespacesExempt: count(namespaces, (n) => n.exemption !== null),
    workloads: workloads.length,
    compliant: count(workloads, (w) => w.status === 'compliant'),
    fixed: count(workloads, (w) => w.status === 'fixed'),
    review: count(workloads, (w) => w.status === 'review'),
    blocked: count(workloads, (w) => w.status === 'blocked'),
    skipped: count(workloads, (w) => w.skipped !== null),
    patches: count(workloads, (w) => w.patch !== null),
  };
}
