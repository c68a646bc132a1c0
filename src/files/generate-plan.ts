// Shell: everything `podsec plan` (and `podsec demo`) need to turn an inventory into plan files:
// loads the image catalogue and plan templates, supplies SHA-256 for fingerprints, and calls the
// pure planner and renderer.

import { createHash } from 'node:crypto';
import type { Answers, Evidence } from '../fix/index.js';
import { releaseMinor } from '../inventory/server-policy.js';
import type { Inventory, Workload } from '../inventory/types.js';
import { withoutInvalidNames } from '../inventory/object-names.js';
import {
  buildPlanFrom,
  planInput,
  renderPlanFiles,
  stableStringify,
  type BuildPlanOptions,
  type PlanBundle,
  type PlanFile,
} from '../plan/index.js';
import { NEWEST_MINOR } from '../policy/index.js';
import { loadImageCatalogue } from './catalogue.js';
import { loadPlanTemplates } from './templates.js';

export interface GeneratePlanOptions {
  target: 'baseline' | 'restricted';
  answers: Answers;
  exempt: readonly string[];
  harden: boolean;
  /** ISO time for `createdAt` (from ctx.now()). */
  createdAt: string;
  templatesDir: string;
  evidenceFor?: (w: Workload) => Evidence | undefined;
  /** Trial records of an earlier plan (`plan --trials DIR`, see src/files/trial-records.ts). */
  trialFor?: BuildPlanOptions['trialFor'];
  /** `v1.N` to pin labels to and evaluate at (`plan --version`); default planPolicyVersion(inventory). */
  policyVersion?: string;
  /**
   * The caller is done with the inventory's workloads: its list is emptied and each namespace's
   * workloads are let go once planned, so the inventory and the plan are never both whole in
   * memory (`podsec plan` of a large estate). Leave unset when the workloads are used afterwards.
   */
  handOver?: boolean;
  /** Adds to the plan before its files are rendered (`--chart` values, `--edit-sources` diffs). */
  augment?: (bundle: PlanBundle) => Promise<void>;
}

/** SHA-256 hex of a text. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fingerprint of a pod template as the plan records it (`fingerprint`, `fingerprintAfter`, trial rounds). */
export function templateFingerprint(template: unknown): string {
  return sha256(stableStringify(template));
}

/** `v1.N` to pin labels to: the cluster's minor for a live cluster, else the newest policy minor. */
export function planPolicyVersion(inventory: Inventory): string {
  const minor = inventory.serverVersion !== undefined ? releaseMinor(inventory.serverVersion) : null;
  return `v1.${minor ?? NEWEST_MINOR}`;
}

/** SHA-256 hex of a text given in pieces (the same digest as of the joined text). */
export function sha256Chunks(chunks: Iterable<string>): string {
  const h = createHash('sha256');
  for (const c of chunks) h.update(c);
  return h.digest('hex');
}

/** The plan bundle and its rendered files. */
export async function generatePlan(
  inventory: Inventory,
  opts: GeneratePlanOptions,
): Promise<{ bundle: PlanBundle; files: PlanFile[] }> {
  const [catalogue, templates] = await Promise.all([
    loadImageCatalogue(opts.templatesDir),
    loadPlanTemplates(opts.templatesDir),
  ]);
  // A name the API server would refuse never reaches a plan file (callers report them first).
  const input = planInput(withoutInvalidNames(inventory), opts.handOver === true);
  if (opts.handOver === true) inventory.workloads = [];
  const bundle = buildPlanFrom(input, {
    target: opts.target,
    policyVersion: opts.policyVersion ?? planPolicyVersion(inventory),
    answers: opts.answers,
    exempt: opts.exempt,
    harden: opts.harden,
    catalogue,
    ...(opts.evidenceFor !== undefined ? { evidenceFor: opts.evidenceFor } : {}),
    ...(opts.trialFor !== undefined ? { trialFor: opts.trialFor } : {}),
    createdAt: opts.createdAt,
    hash: sha256,
    hashChunks: sha256Chunks,
  });
  if (opts.augment !== undefined) await opts.augment(bundle);
  return { bundle, files: renderPlanFiles(bundle, templates) };
}
