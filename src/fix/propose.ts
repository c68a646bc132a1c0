// The fix orchestrator: evaluate, run the fixer of every failing check, add what the non-root
// switch implies, optionally harden, then verify the result with the engine before anyone sees
// it. Pure.

import { EMPTY_ANSWERS, type Answers } from './answers.js';
import { EMPTY_CATALOGUE, type ImageCatalogue } from './catalogue.js';
import { applyConsequences } from './consequences.js';
import { detectNodeAgent, keyOf, type FixContext } from './context.js';
import { FixDraft } from './draft.js';
import type { Evidence } from './evidence.js';
import { FIXERS } from './fixers/index.js';
import { applyAnsweredIdentities } from './identity.js';
import { ownershipInitContainer } from './ownership.js';
import { patchedObject, toJsonPatch, toStrategicPatch } from './patches.js';
import { applyHardening } from './writable.js';
import type { FixProposal, FixStatus } from './types.js';
import { InternalError } from '../errors.js';
import { workloadKey, type Inventory, type Workload } from '../inventory/types.js';
import { evaluatePod, type Level } from '../policy/index.js';

export interface ProposeOptions {
  target: Level;
  /** Policy version, `latest` or `v1.N`. */
  version: string;
  answers?: Answers;
  catalogue?: ImageCatalogue;
  /** Evidence gathered from the live workload (opt-in). */
  evidence?: Evidence | undefined;
  /** Add readOnlyRootFilesystem hardening (defaults to answers.harden). */
  harden?: boolean;
}

/** Kinds whose pod template the API server refuses to change (spec.template is immutable). */
export const IMMUTABLE_TEMPLATE_KINDS: readonly string[] = ['Pod', 'Job'];

function statusOf(draft: FixDraft, allowedBefore: boolean): FixStatus {
  if (draft.blockers.size > 0) return 'blocked';
  const required = draft.changes.filter((c) => c.purpose === 'required');
  if (allowedBefore) return 'compliant';
  const risky = required.some((c) => c.behavioural || c.confidence === 'low');
  return risky || draft.questions.length > 0 ? 'review' : 'fixed';
}

/**
 * Proposes the smallest change that makes the workload pass `target` at `version`, verified by
 * the engine: a `fixed` or `review` proposal always passes (otherwise InternalError: a bug).
 * `blocked` and `compliant` proposals keep the template (compliant may carry hardening).
 */
export function proposeFix(workload: Workload, opts: ProposeOptions): FixProposal {
  const isPod = workload.kind === 'Pod';
  const before = evaluatePod(workload.template, opts.target, opts.version, { isPod });
  const answers = opts.answers ?? EMPTY_ANSWERS;
  const ctx: FixContext = {
    draft: new FixDraft(workload.template),
    workload,
    key: keyOf(workload),
    target: opts.target,
    version: opts.version,
    answers,
    catalogue: opts.catalogue ?? EMPTY_CATALOGUE,
    evidence: opts.evidence,
    nodeAgent: detectNodeAgent(workload),
    switchedToNonRoot: new Map(),
  };
  for (const v of before.violations) FIXERS[v.check](ctx, v);
  if (ctx.draft.blockers.size === 0) applyAnsweredIdentities(ctx);
  const proposal: Pick<FixProposal, 'ownershipInit'> = {};
  if (ctx.draft.blockers.size === 0) {
    applyConsequences(ctx, proposal);
    if (opts.harden ?? answers.harden) applyHardening(ctx);
  }
  const status = statusOf(ctx.draft, before.allowed);
  const blocked = status === 'blocked';
  const patchedTemplate = blocked ? structuredClone(workload.template) : ctx.draft.template;
  if (status === 'fixed' || status === 'review') {
    const after = evaluatePod(patchedTemplate, opts.target, opts.version, { isPod });
    if (!after.allowed) {
      throw new InternalError(
        `fix for ${workloadKey(workload)} does not pass ${opts.target}:${opts.version}: ${after.message}`,
      );
    }
  }
  const patched = patchedObject(workload, patchedTemplate);
  const out: FixProposal = {
    workload: {
      kind: workload.kind,
      apiVersion: workload.apiVersion,
      namespace: workload.namespace,
      name: workload.name,
    },
    target: opts.target,
    version: opts.version,
    status,
    failing: before.violations.map((v) => v.check),
    blockers: [...ctx.draft.blockers.keys()],
    changes: blocked ? [] : ctx.draft.changes,
    questions: blocked ? [] : ctx.draft.questions,
    patchedTemplate,
    strategicPatch: toStrategicPatch(workload.object, patched),
    jsonPatch: toJsonPatch(workload.object, patched),
  };
  if (ctx.nodeAgent !== undefined) out.nodeAgent = ctx.nodeAgent;
  if (out.strategicPatch !== null)
    out.applyMethod = IMMUTABLE_TEMPLATE_KINDS.includes(workload.kind) ? 'recreate' : 'patch';
  if (blocked) {
    const reasons = [
      ...new Set([...(ctx.nodeAgent !== undefined ? [ctx.nodeAgent] : []), ...ctx.draft.blockers.values()]),
    ];
    out.blockedReason = `${reasons.join('; ')}. Keep the namespace at the strictest level this passes, or exempt it with a reason`;
  }
  if (!blocked && proposal.ownershipInit !== undefined)
    out.ownershipInit = ownershipInitContainer(ctx, proposal.ownershipInit);
  return out;
}

/** A proposal for every workload of an inventory, in inventory order (per-namespace targets from answers). */
export function proposeFixes(
  inventory: Inventory,
  opts: ProposeOptions & { evidenceFor?: (w: Workload) => Evidence | undefined },
): FixProposal[] {
  return inventory.workloads.map((w) =>
    proposeFix(w, {
      ...opts,
      target: opts.answers?.targets[w.namespace] ?? opts.target,
      evidence: opts.evidenceFor?.(w),
    }),
  );
}
