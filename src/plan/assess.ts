// Workload assessment for a plan: the fix proposal at the namespace's target, the level the workload
// reaches, and the patch documents (fix, its inverse, removal of a temporary ownership init
// container and that removal's inverse). Pure.

import {
  fixPhaseTemplate,
  patchedObject,
  proposeFix,
  toStrategicPatch,
  type Evidence,
  type FixProposal,
  type ImageCatalogue,
  type Answers,
} from '../fix/index.js';
import { strictestLevel, type Level } from '../policy/index.js';
import { workloadKey, type Workload } from '../inventory/types.js';
import { stableStringify } from './names.js';
import { judgeTrial, mergeEvidence, recordEvidence, recordFits } from '../trial/records.js';
import type { PlanWorkload } from './plan-schema.js';

/** A workload's trial record as plan.json keeps it. */
export type PlanTrial = NonNullable<PlanWorkload['trial']>;

export type Patch = Record<string, unknown>;

/** Everything the plan needs to know about one workload. */
export interface Assessment {
  workload: Workload;
  key: string;
  proposal: FixProposal;
  /** Why it is left out of the fix phase, or null. */
  skipped: string | null;
  /**
   * The open questions that hold its patch back (issue 12): a patch with an unanswered question is
   * not applied until answered, and the workload stays at the level it has today. Null when none.
   */
  held: string | null;
  /** The trial record kept with the workload (it is about this very patch, or a refusal), or null. */
  trial: PlanTrial | null;
  /** Why a given trial record was not used (another template or patch), or null. */
  trialNote: string | null;
  reachable: Level;
  /** Strategic-merge patch of the fix phase and its inverse; null when nothing is patched. */
  fix: { patch: Patch; inverse: Patch } | null;
  /** Removal of the temporary ownership init container (and the inverse that adds it back). */
  removeInit: { container: string; paths: string[]; patch: Patch; inverse: Patch } | null;
  fingerprint: string;
  fingerprintAfter: string;
}

export interface AssessOptions {
  target: 'baseline' | 'restricted';
  /** Policy version verdicts are computed at (`v1.N`). */
  version: string;
  answers: Answers;
  catalogue: ImageCatalogue;
  harden: boolean;
  evidence?: Evidence | undefined;
  /** Set for workloads of system or exempt namespaces, and answers `skip`. */
  skipped: string | null;
  /** Content hash (the shell passes SHA-256); applied to the template's stable JSON. */
  hash: (text: string) => string;
  /**
   * The workload's trial record from an earlier plan (`plan --trials`): its log lines are evidence,
   * and its verdict applies when it tried exactly the patch proposed now (a failure holds it).
   */
  trial?: PlanTrial | undefined;
}

function toPatch(from: Record<string, unknown>, to: Record<string, unknown>): Patch {
  return toStrategicPatch(from, to) ?? {};
}

/** Why an unanswered patch is held back: its open questions, each named. */
export function heldReason(p: FixProposal): string {
  return `open question${p.questions.length > 1 ? 's' : ''} (the patch is not applied until answered): ${p.questions.map((q) => `${q.key}: ${q.prompt}`).join(' ')}`;
}

/** Assesses one workload: proposal, reachable level, patches and fingerprints. */
export function assessWorkload(workload: Workload, opts: AssessOptions): Assessment {
  const isPod = workload.kind === 'Pod';
  const fingerprint = opts.hash(stableStringify(workload.template));
  const trial = opts.trial;
  // A trial of this very template: the lines that drove its re-proposals are evidence again.
  const fits = trial !== undefined && recordFits(trial, fingerprint);
  const proposal = proposeFix(workload, {
    target: opts.target,
    version: opts.version,
    answers: opts.answers,
    catalogue: opts.catalogue,
    evidence: fits ? mergeEvidence(opts.evidence, recordEvidence(trial)) : opts.evidence,
    harden: opts.harden,
  });
  const key = workloadKey(workload);
  const afterTemplate = fixPhaseTemplate(proposal);
  let after: string | undefined;
  const fingerprintAfter = () => (after ??= opts.hash(stableStringify(afterTemplate)));
  const verdict = trial === undefined ? null : judgeTrial(trial, fingerprint, fingerprintAfter());
  const trialHeld = verdict?.use === 'hold' ? verdict.held : null;
  const base: Assessment = {
    workload,
    key,
    proposal,
    skipped: opts.skipped,
    held: null,
    trial: verdict !== null && verdict.use !== 'none' ? trial! : null,
    trialNote: verdict?.use === 'none' ? `trial of ${key} not used: ${verdict.why}` : null,
    reachable: strictestLevel(workload.template, opts.version, { isPod }),
    fix: null,
    removeInit: null,
    fingerprint,
    fingerprintAfter: fingerprint,
  };
  if (opts.skipped !== null || proposal.status === 'blocked' || proposal.strategicPatch === null) return base;
  if (trialHeld !== null || proposal.questions.length > 0)
    return {
      ...base,
      held: [trialHeld, proposal.questions.length > 0 ? heldReason(proposal) : null]
        .filter((x) => x !== null)
        .join('; '),
    };

  const init = proposal.ownershipInit?.initContainer;
  const afterObject = patchedObject(workload, afterTemplate);
  const out: Assessment = {
    ...base,
    reachable: strictestLevel(proposal.patchedTemplate, opts.version, { isPod }),
    fix: {
      patch: init !== undefined ? toPatch(workload.object, afterObject) : proposal.strategicPatch,
      inverse: toPatch(afterObject, workload.object),
    },
    fingerprintAfter: fingerprintAfter(),
  };
  if (init !== undefined && proposal.ownershipInit !== undefined) {
    const final = patchedObject(workload, proposal.patchedTemplate);
    out.removeInit = {
      container: proposal.ownershipInit.container,
      paths: proposal.ownershipInit.paths,
      patch: toPatch(afterObject, final),
      inverse: toPatch(final, afterObject),
    };
  }
  return out;
}
