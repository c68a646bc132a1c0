// The plan.json contract (shared docs/design.md "podsec plan --out DIR"): a zod schema that
// validates a plan read back from disk, and the Plan type derived from it. Pure.

import { z } from 'zod';
import { answersSchema } from '../fix/answers.js';
import { planSourcesSchema } from './sources.js';
import { namespaceNameProblem, objectNameProblem } from '../inventory/object-names.js';

export const PLAN_API_VERSION = 'podsec.dev/v1alpha1';
export const PLAN_SCHEMA_VERSION = 1;

/** Phase ids in order (design.md "The phased migration"). */
export const PHASE_IDS = ['1-observe', '2-fix', '3-enforce-baseline', '4-enforce-restricted'] as const;
export type PhaseId = (typeof PHASE_IDS)[number];

const level = z.enum(['privileged', 'baseline', 'restricted']);
const targetLevel = z.enum(['baseline', 'restricted']);
const labels = z.record(z.string(), z.string());
/** A path relative to the plan directory: plain segments only (no absolute path, `.`, `..`, NUL, `\\`). */
const relPath = z
  .string()
  .min(1)
  .refine(
    (p) =>
      !p.startsWith('/') &&
      !p.includes('\\') &&
      !p.includes('\0') &&
      p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..'),
    'must be a relative path inside the plan directory',
  );

/** A namespace name as the API server accepts it (DNS-1123 label): never a path or an option. */
const namespaceName = z.string().superRefine((v, ctx) => {
  const p = namespaceNameProblem(v);
  if (p !== null) ctx.addIssue({ code: 'custom', message: `not a valid namespace name: ${p}` });
});

/** The kinds a patch step may name (the workload kinds podsec reads), with their current API versions. */
export const STEP_KINDS = {
  Pod: 'v1',
  PodTemplate: 'v1',
  ReplicationController: 'v1',
  ReplicaSet: 'apps/v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
} as const;
export type StepKind = keyof typeof STEP_KINDS;
const stepKind = z.enum(Object.keys(STEP_KINDS) as [keyof typeof STEP_KINDS, ...(keyof typeof STEP_KINDS)[]]);

/** Checks `name` against the kind's rule; a generateName prefix (trailing '-') only where `prefix`. */
function checkName(o: { kind: string; name: string }, ctx: z.RefinementCtx, prefix: boolean): void {
  const p = objectNameProblem(o.kind, o.name, { prefix });
  if (p !== null) ctx.addIssue({ code: 'custom', path: ['name'], message: `not a valid ${o.kind} name: ${p}` });
}

/** A SHA-256 digest, lowercase hex. */
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 digest (64 lowercase hex digits)');

const source = z.union([
  z
    .object({
      file: z.string(),
      document: z.number().int().min(0),
      item: z.number().int().min(0).optional(),
      line: z.number().int().optional(),
    })
    .strict(),
  z.object({ context: z.string() }).strict(),
]);

const change = z
  .object({
    check: z.string(),
    path: z.string(),
    op: z.enum(['add', 'replace', 'remove']),
    value: z.unknown().optional(),
    rationale: z.string(),
    confidence: z.enum(['high', 'medium', 'low']),
    source: z
      .object({ kind: z.enum(['workload', 'catalogue', 'evidence', 'answer', 'default']) })
      .passthrough()
      .optional(),
    behavioural: z.boolean(),
    purpose: z.enum(['required', 'hardening']),
  })
  .strict();

const labelStep = z
  .object({
    type: z.literal('labels'),
    namespace: namespaceName,
    /** Merge patch applied with `kubectl patch namespace --type merge`. */
    file: relPath,
    rollbackFile: relPath,
    before: labels,
    after: labels,
    /** Enforce steps are gated: the server-side dry-run must report no violating pods. */
    gated: z.boolean(),
  })
  .strict();

const patchStep = z
  .object({
    type: z.literal('patch'),
    purpose: z.enum(['fix', 'removeOwnershipInit']),
    namespace: namespaceName,
    kind: stepKind,
    apiVersion: z.string(),
    name: z.string(),
    /** Strategic-merge patch (`kubectl patch --type strategic --patch-file`). */
    file: relPath,
    /** The inverse patch that restores the template as it was before `file`. */
    rollbackFile: relPath,
    /** `recreate`: the pod template is immutable (Pod, Job); the scripts do not touch it. */
    method: z.enum(['patch', 'recreate']),
  })
  .strict()
  .superRefine((s, ctx) => {
    // podsec sends requests only for `patch` steps; a `recreate` step may name a generateName prefix.
    checkName(s, ctx, s.method === 'recreate');
  });

export const planStepSchema = z.discriminatedUnion('type', [labelStep, patchStep]);

export const planPhaseSchema = z
  .object({
    id: z.enum(PHASE_IDS),
    dir: relPath,
    title: z.string(),
    description: z.string(),
    namespaces: z.array(namespaceName),
    steps: z.array(planStepSchema),
    exitCriteria: z.array(z.string()),
    apply: relPath,
    rollback: relPath,
  })
  .strict();

export const planNamespaceSchema = z
  .object({
    name: namespaceName,
    /** Folder name of the namespace inside each phase directory (sanitised, unique). */
    dir: z.string(),
    system: z.boolean(),
    /** Enforce level now (privileged when unlabelled) and the Pod Security labels now. */
    current: level,
    currentLabels: labels,
    target: targetLevel,
    /** Strictest level every workload passes once the plan's patches are applied. */
    reachable: level,
    /** The enforce level the plan ends at: the target unless an exemption says otherwise. */
    planned: level,
    exemption: z
      .object({ level, reason: z.string(), workloads: z.array(z.string()) })
      .strict()
      .nullable(),
    /** Workload keys that keep the namespace below its target. */
    blockers: z.array(z.string()),
    /** Phases that change this namespace, with its Pod Security labels after each. */
    phases: z.array(z.object({ id: z.enum(PHASE_IDS), labelsAfter: labels }).strict()),
  })
  .strict();

export const planWorkloadSchema = z
  .object({
    namespace: namespaceName,
    kind: z.string(),
    name: z.string(),
    apiVersion: z.string(),
    source,
    /** `skipped`: a fix exists but the workload is left out (system/exempt namespace, answers skip). */
    status: z.enum(['compliant', 'fixed', 'review', 'blocked', 'skipped']),
    patch: relPath.nullable(),
    rollbackPatch: relPath.nullable(),
    blockers: z.array(z.string()),
    blockedReason: z.string().nullable(),
    failing: z.array(z.string()),
    changes: z.array(change),
    questions: z.array(
      z.object({ key: z.string(), kind: z.string(), prompt: z.string(), suggestion: z.unknown().optional() }).strict(),
    ),
    /** Why the workload is left out of the fix phase (system/exempt namespace, answers skip). */
    skipped: z.string().nullable(),
    /** Trial runs of the patched template (`podsec trial`): result, rounds, duration, driving lines. */
    trial: z
      .object({
        result: z.enum(['pass', 'fail', 'refused']),
        reason: z.string(),
        durationMs: z.number(),
        fingerprint: z.string().optional(),
        override: z.string().optional(),
        rounds: z.array(
          z
            .object({
              round: z.number().int(),
              result: z.enum(['pass', 'fail']),
              reason: z.string(),
              message: z.string(),
              durationMs: z.number(),
              lines: z.array(z.string()),
              containerLines: z.record(z.string(), z.array(z.string())).optional(),
              template: z.string().optional(),
              logTail: z.array(z.string()).optional(),
              changes: z.array(change),
            })
            .strict(),
        ),
      })
      .strict()
      .optional(),
    /** The open questions holding its patch back (no patch is scheduled until answered). */
    held: z.string().nullable().default(null),
    /** Strictest level the workload passes after its patch (before, when it has none). */
    reachable: level,
    managedBy: z.array(z.object({ tool: z.string(), name: z.string(), detail: z.string().optional() }).strict()),
    applyMethod: z.enum(['patch', 'recreate']).nullable(),
    /** Temporary root init container added in 2-fix and removed first in 4-enforce-restricted. */
    ownershipInit: z
      .object({ container: z.string(), paths: z.array(z.string()), removePatch: relPath })
      .strict()
      .nullable(),
    /** Hash of the pod template as read, and after the fix patch (drift checks in apply). */
    fingerprint: z.string(),
    fingerprintAfter: z.string(),
  })
  .strict()
  .superRefine((w, ctx) => checkName(w, ctx, true));

export const planSchema = z
  .object({
    apiVersion: z.literal(PLAN_API_VERSION),
    kind: z.literal('Plan'),
    schemaVersion: z.literal(PLAN_SCHEMA_VERSION),
    /** The only field that differs between two runs on the same inventory and answers. */
    createdAt: z.string(),
    target: targetLevel,
    /** Policy version every label is pinned to and every verdict was computed at (`v1.N`). */
    policyVersion: z.string().regex(/^v1\.\d+$/),
    origin: z.enum(['files', 'cluster', 'demo']),
    cluster: z.object({ context: z.string(), server: z.string(), serverVersion: z.string() }).strict().nullable(),
    soak: z.string(),
    /** Seconds apply.sh waits for each patched rollout before it stops (podsec apply --timeout's default). */
    rolloutTimeoutSeconds: z.number().int().positive().optional(),
    /** Objects read more than once (same kind/namespace/name): each is planned on its own, never merged. */
    duplicates: z.array(z.object({ key: z.string(), sources: z.array(source) }).strict()).optional(),
    decisions: z.object({ exempt: z.array(z.string()), harden: z.boolean(), answers: answersSchema }).strict(),
    phases: z.array(planPhaseSchema),
    namespaces: z.array(planNamespaceSchema),
    workloads: z.array(planWorkloadSchema),
    summary: z.record(z.string(), z.number().int()),
    /** Where fixes go instead of live patches: Helm values, edited source files (optional). */
    sources: planSourcesSchema.optional(),
    /**
     * SHA-256 of every other file of the plan directory, by path, as written by `podsec plan`.
     * apply and rollback refuse a file that differs (or is missing, a symlink, or outside DIR).
     * Absent only in plans written before podsec recorded digests.
     */
    files: z.record(relPath, sha256Hex).optional(),
  })
  .strict();

export type Plan = z.infer<typeof planSchema>;
export type PlanPhase = z.infer<typeof planPhaseSchema>;
export type PlanStep = z.infer<typeof planStepSchema>;
export type PlanNamespace = z.infer<typeof planNamespaceSchema>;
export type PlanWorkload = z.infer<typeof planWorkloadSchema>;

/** Validation problems of a plan read back, each naming the field path (`workloads.3.patch: ...`). */
export function planIssues(data: unknown): string[] {
  const res = planSchema.safeParse(data);
  if (res.success) return [];
  return res.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
}
