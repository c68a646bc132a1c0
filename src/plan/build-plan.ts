// Builds the staged migration plan from an inventory: per-namespace assessment (current level,
// target, reachable level, exemption), the four phases with their steps, and the documents (label
// and workload patches with their inverses) keyed by their path in the plan directory. Pure.

import { workloadKey } from '../inventory/types.js';
import type { Answers, Evidence, ImageCatalogue } from '../fix/index.js';
import { compareLevels, type Level } from '../policy/index.js';
import type { Inventory, Workload } from '../inventory/types.js';
import { assessWorkload, type Assessment, type Patch, type PlanTrial } from './assess.js';
import { labelMergePatch, labelsByPhase, podSecurityLabels } from './labels.js';
import { NameAllocator } from './names.js';
import { JsonInterner } from './share.js';
import { SharedStrings } from '../inventory/shared-strings.js';
import { DEFAULT_ROLLOUT_TIMEOUT_SECONDS } from './render-scripts.js';
import { PlanDocument } from './document.js';
import { planInput, type PlanInput } from './plan-input.js';
import { phaseSkeletons, summarize } from './phases.js';
import {
  PLAN_API_VERSION,
  PLAN_SCHEMA_VERSION,
  type Plan,
  type PlanNamespace,
  type PlanStep,
  type PlanWorkload,
  type PhaseId,
  type StepKind,
} from './plan-schema.js';

/** kube-system, kube-public, kube-node-lease: recorded, never relabelled or patched. */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-node-lease', 'kube-public', 'kube-system'];

export interface BuildPlanOptions {
  target: 'baseline' | 'restricted';
  /** `v1.N`: labels are pinned to it and verdicts computed at it. */
  policyVersion: string;
  answers: Answers;
  /** Namespaces named by --exempt. */
  exempt: readonly string[];
  harden: boolean;
  catalogue: ImageCatalogue;
  evidenceFor?: (w: Workload) => Evidence | undefined;
  /** Trial records of an earlier plan (`plan --trials DIR`): evidence, and a failure holds the patch. */
  trialFor?: (w: Workload) => PlanTrial | undefined;
  /** ISO timestamp from the injected clock: the only field that differs between reruns. */
  createdAt: string;
  /** Content hash for template fingerprints (SHA-256 hex from the shell). */
  hash: (text: string) => string;
  /** The same hash over a text given in pieces (large files are never one string); default joins them. */
  hashChunks?: (chunks: Iterable<string>) => string;
}

export interface PlanBundle {
  plan: Plan;
  /** Patch documents by path relative to the plan directory. */
  documents: Map<string, PlanDocument>;
  /** The content hash of the options (SHA-256 hex): file digests in plan.json and the scripts. */
  hash: (text: string) => string;
  /** Trial records given (`trialFor`) that were not used, each with the reason. */
  trialNotes: string[];
  /** The same hash over a text in pieces. */
  hashChunks: (chunks: Iterable<string>) => string;
}

const byName = <T extends { namespace: string; kind: string; name: string }>(a: T, b: T): number =>
  a.namespace !== b.namespace
    ? a.namespace < b.namespace
      ? -1
      : 1
    : a.kind !== b.kind
      ? a.kind < b.kind
        ? -1
        : 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0;

function minLevel(levels: Level[], start: Level): Level {
  return levels.reduce((m, l) => (compareLevels(l, m) < 0 ? l : m), start);
}

/** A patch that names its object (apiVersion, kind, metadata.name/namespace), as kustomize wants. */
function identified(w: Workload, patch: Patch): Patch {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = patch;
  const meta = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  return {
    apiVersion: w.apiVersion,
    kind: w.kind,
    metadata: { name: w.name, namespace: w.namespace, ...meta },
    ...rest,
  };
}

/** The plan for an inventory. Deterministic: same inventory and options give the same plan. */
export function buildPlan(inventory: Inventory, opts: BuildPlanOptions): PlanBundle {
  return buildPlanFrom(planInput(inventory), opts);
}

/** The plan for a planner input (see PlanInput). Deterministic, like buildPlan. */
export function buildPlanFrom(input: PlanInput, opts: BuildPlanOptions): PlanBundle {
  const { answers } = opts;
  const { inventory, names } = input;
  const documents = new Map<string, PlanDocument>();
  const nsDirs = new NameAllocator();
  const phases = phaseSkeletons(opts.target, answers.soak);
  const stepsOf = (id: PhaseId): PlanStep[] => phases.find((p) => p.id === id)?.steps ?? [];
  const namespaces: PlanNamespace[] = [];
  const workloads: PlanWorkload[] = [];
  // One pass over the namespaces instead of a find per namespace (2,000 namespaces).
  const infoByName = new Map<string, Inventory['namespaces'][number]>();
  for (const n of inventory.namespaces) if (!infoByName.has(n.name)) infoByName.set(n.name, n);
  const skip = new Set(answers.skip);
  // Identical changes and lists are kept once across workloads (memory of a 100k-workload plan).
  const shared = new JsonInterner();
  // Texts kept once and flat: question prompts and reasons are built by concatenation, whose
  // pieces would otherwise stay alive with them (a third of a 100k-workload plan's memory).
  const texts = new SharedStrings();
  const text = (s: string | null): string | null => (s === null ? null : texts.share(s));
  const trialNotes: string[] = [];
  const exempt = new Set(opts.exempt);

  for (const name of names) {
    const info = infoByName.get(name);
    const dir = nsDirs.take(name);
    const fileNames = new NameAllocator(['namespace', 'kustomization', 'note', 'rollback']);
    const target = answers.targets[name] ?? opts.target;
    const system = (info?.system ?? false) || SYSTEM_NAMESPACES.includes(name);
    const unreadable = info?.unreadable?.length
      ? `not planned: could not read ${info.unreadable.flatMap((u) => u.kinds).join(', ')} (${info.unreadable[0]?.permission ?? 'permission'})`
      : null;
    const exemptReason = system
      ? 'system namespace'
      : (unreadable ?? answers.exemptions[name] ?? (exempt.has(name) ? 'exempted with --exempt' : null));
    const current: Level = info?.psa.enforce?.level ?? 'privileged';
    // Each workload's files, steps and plan entry are made as soon as it is assessed, and only what
    // the namespace needs (level, key, why) is kept: a namespace's full assessments (proposal,
    // patched templates) outlived their use and were most of the plan's peak memory.
    const place = (a: Assessment): void => {
      const w = a.workload;
      const base = fileNames.fresh(`${w.kind.toLowerCase()}-${w.name}`);
      // Paths are kept flat: each is held by the documents, a step and the plan entry.
      const fixFile = a.fix ? texts.share(`2-fix/${dir}/${base}.yaml`) : null;
      const fixBack = a.fix ? texts.share(`2-fix/${dir}/rollback/${base}.yaml`) : null;
      const method = a.proposal.applyMethod ?? 'patch';
      const header = (what: string) => [
        `${what} for ${w.kind} ${w.name} in namespace ${w.namespace} (${a.proposal.status}).`,
        `kubectl patch --namespace=${w.namespace} --type=strategic --patch-file=<this file> -- ${w.kind.toLowerCase()}/${w.name}`,
        ...w.managedBy
          .filter((m) => m.tool !== 'fieldManager')
          .map(
            (m) => `NOTE: managed by ${m.tool} (${m.name}): change the source of truth too, or it will be reverted.`,
          ),
      ];
      const id = (p: Patch) => identified(w, p);
      if (a.fix && fixFile !== null && fixBack !== null) {
        documents.set(fixFile, new PlanDocument(header('Fix patch'), id(a.fix.patch)));
        documents.set(fixBack, new PlanDocument(header('Rollback of the fix patch'), id(a.fix.inverse)));
        stepsOf('2-fix').push({
          type: 'patch',
          purpose: 'fix',
          namespace: name,
          kind: w.kind as StepKind,
          apiVersion: w.apiVersion,
          name: w.name,
          file: fixFile,
          rollbackFile: fixBack,
          method,
        });
      }
      let removePatch: string | null = null;
      if (a.removeInit) {
        removePatch = texts.share(`4-enforce-restricted/${dir}/${base}.yaml`);
        const back = texts.share(`4-enforce-restricted/${dir}/rollback/${base}.yaml`);
        documents.set(
          removePatch,
          new PlanDocument(header('Removal of the temporary ownership init container'), id(a.removeInit.patch)),
        );
        documents.set(
          back,
          new PlanDocument(header('Rollback: add the ownership init container back'), id(a.removeInit.inverse)),
        );
        stepsOf('4-enforce-restricted').push({
          type: 'patch',
          purpose: 'removeOwnershipInit',
          namespace: name,
          kind: w.kind as StepKind,
          apiVersion: w.apiVersion,
          name: w.name,
          file: removePatch,
          rollbackFile: back,
          method,
        });
      }
      const p = a.proposal;
      workloads.push({
        namespace: name,
        kind: w.kind,
        name: w.name,
        apiVersion: w.apiVersion,
        source: w.source,
        // A workload left out (system or exempt namespace, answers skip) is `skipped`, never `fixed`.
        // A patch held back (open question, failed trial) is `review` until it is answered or passes.
        status:
          a.skipped !== null && (p.status === 'fixed' || p.status === 'review')
            ? 'skipped'
            : a.held !== null
              ? 'review'
              : p.status,
        patch: fixFile,
        rollbackPatch: fixBack,
        blockers: shared.share(p.blockers),
        blockedReason: text(p.blockedReason ?? null),
        failing: shared.share(p.failing),
        changes: a.fix || a.held !== null ? p.changes.map((c) => shared.share(c)) : [],
        questions:
          a.fix || a.held !== null
            ? p.questions.map((q) => ({ ...q, key: texts.share(q.key), prompt: texts.share(q.prompt) }))
            : [],
        skipped: text(a.skipped),
        ...(a.trial !== null ? { trial: a.trial } : {}),
        held: text(a.held),
        reachable: a.reachable,
        managedBy: shared.share(w.managedBy.map((m) => ({ ...m }))),
        applyMethod: a.fix ? method : null,
        ownershipInit:
          a.removeInit && removePatch !== null
            ? { container: a.removeInit.container, paths: a.removeInit.paths, removePatch }
            : null,
        fingerprint: a.fingerprint,
        fingerprintAfter: a.fingerprintAfter,
      });
      if (a.trialNote !== null) trialNotes.push(a.trialNote);
    };
    const assessed = [...input.take(name)].sort(byName).map((w) => {
      const a = assessWorkload(w, {
        target,
        version: opts.policyVersion,
        answers,
        catalogue: opts.catalogue,
        harden: opts.harden,
        evidence: opts.evidenceFor?.(w),
        skipped: exemptReason ?? (skip.has(workloadKey(w)) ? 'skipped by the answers file' : null),
        hash: opts.hash,
        trial: opts.trialFor?.(w),
      });
      place(a);
      return { key: texts.share(a.key), reachable: a.reachable, why: a.skipped ?? a.proposal.blockedReason ?? a.held };
    });
    const reachable = minLevel(
      assessed.map((a) => a.reachable),
      target,
    );
    const blockers = assessed.filter((a) => compareLevels(a.reachable, target) < 0).map((a) => a.key);
    const planned: Level = exemptReason !== null ? current : reachable;
    const blockerSet = new Set(blockers);
    const reasons = assessed
      .filter((a) => blockerSet.has(a.key))
      .map((a) => `${a.key}: ${a.why ?? `passes ${a.reachable} only`}`);
    const exemption =
      exemptReason !== null
        ? { level: planned, reason: exemptReason, workloads: blockers }
        : compareLevels(planned, target) < 0
          ? { level: planned, reason: reasons.join('\n'), workloads: blockers }
          : null;
    const currentLabels = podSecurityLabels(info?.labels ?? {});
    // warn/audit follow the target even where enforce is held lower or exempt (issue 12): the
    // violations stay visible while the namespace waits. System and unreadable namespaces are
    // never relabelled; an exempt namespace only gets the observe step.
    const labelPhases =
      system || unreadable !== null || info === undefined
        ? []
        : exemptReason !== null
          ? labelsByPhase(currentLabels, info.psa, planned, opts.policyVersion, target).filter(
              (lp) => lp.id === '1-observe',
            )
          : labelsByPhase(currentLabels, info.psa, planned, opts.policyVersion, target);

    for (const lp of labelPhases) {
      const file = `${lp.id}/${dir}/namespace.yaml`;
      const back = `${lp.id}/${dir}/rollback/namespace.yaml`;
      const head = (what: string) => [
        `${what} for namespace ${name}.`,
        `kubectl patch namespace ${name} --type merge --patch-file <this file>`,
      ];
      const nsDoc = (labels: Record<string, string | null>) => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels },
      });
      documents.set(
        file,
        new PlanDocument(head('Pod Security labels'), nsDoc(labelMergePatch(lp.before, lp.after).metadata.labels)),
      );
      documents.set(
        back,
        new PlanDocument(
          head('Rollback: the labels as they were'),
          nsDoc(labelMergePatch(lp.after, lp.before).metadata.labels),
        ),
      );
      stepsOf(lp.id).push({
        type: 'labels',
        namespace: name,
        file,
        rollbackFile: back,
        before: lp.before,
        after: lp.after,
        gated: lp.id !== '1-observe',
      });
    }
    namespaces.push({
      name,
      dir,
      system,
      current,
      currentLabels,
      target,
      reachable,
      planned,
      exemption,
      blockers,
      phases: labelPhases.map((lp) => ({ id: lp.id, labelsAfter: lp.after })),
    });
  }

  const { duplicates } = input;
  for (const phase of phases) phase.namespaces = [...new Set(phase.steps.map((s) => s.namespace))].sort();
  const plan: Plan = {
    apiVersion: PLAN_API_VERSION,
    kind: 'Plan',
    schemaVersion: PLAN_SCHEMA_VERSION,
    createdAt: opts.createdAt,
    target: opts.target,
    policyVersion: opts.policyVersion,
    origin: inventory.origin,
    cluster:
      inventory.origin === 'cluster'
        ? {
            context: inventory.context ?? '',
            server: inventory.server ?? '',
            serverVersion: inventory.serverVersion ?? '',
          }
        : null,
    soak: answers.soak,
    rolloutTimeoutSeconds: DEFAULT_ROLLOUT_TIMEOUT_SECONDS,
    ...(duplicates.length > 0 ? { duplicates } : {}),
    decisions: { exempt: [...opts.exempt].sort(), harden: opts.harden, answers },
    phases,
    namespaces,
    workloads,
    summary: summarize(namespaces, workloads),
  };
  const hash = opts.hash;
  return { plan, documents, hash, hashChunks: opts.hashChunks ?? ((chunks) => hash([...chunks].join(''))), trialNotes };
}
