// Shell: the wizard's ports bound to the team's adapters: the bundled demo estate (offline) or a
// live cluster (kubeconfig contexts, live read, evidence), plus the planner and the plan writer.

import { resolve } from 'node:path';
import type { Answers, Evidence, FixProposal, ImageCatalogue } from '../fix/index.js';
import type { Inventory, Workload } from '../inventory/types.js';
import { sessionKey, workloadFor } from '../wizard/session.js';
import type { PlanTrial } from '../plan/assess.js';
import type { PlanBundle } from '../plan/index.js';
import type { ContextInfo, PlanPreview, ScanProgress, ScanResult, ServerCheck, WizardPorts } from '../wizard/ports.js';
import type { CommandContext, SourceFlags } from './context.js';
import { liveApplyPort } from './wizard-apply-port.js';

/** How evidence for one workload is found (demo: recorded; live: gathered from pods). */
type EvidenceSource = (w: Workload, signal: AbortSignal) => Promise<Evidence | undefined>;

interface PlanDeps {
  ctx: CommandContext;
  force: boolean;
  catalogue: () => Promise<ImageCatalogue>;
  evidence: Map<string, Evidence>;
  /** Trial records of `t`, by session key: the plan uses them as `plan --trials` does. */
  trials: Map<string, PlanTrial>;
}

/** The session's signal joined with a request's: a live call stops when either aborts. */
const withSignal = (ctx: CommandContext, signal: AbortSignal): CommandContext => ({
  ...ctx,
  signal: AbortSignal.any([ctx.signal, signal]),
});

async function proposals(
  deps: PlanDeps,
  inv: Inventory,
  answers: Answers,
  keys: readonly string[],
  signal: AbortSignal,
): Promise<FixProposal[]> {
  const { proposeFixes } = await import('../fix/index.js');
  const { planPolicyVersion } = await import('../files/generate-plan.js');
  signal.throwIfAborted();
  return proposeFixes(inv, {
    target: answers.target ?? 'restricted',
    version: planPolicyVersion(inv),
    answers,
    catalogue: await deps.catalogue(),
    harden: answers.harden,
    evidenceFor: (w) => (keys.includes(sessionKey(inv, w)) ? deps.evidence.get(sessionKey(inv, w)) : undefined),
  });
}

async function bundleOf(deps: PlanDeps, inv: Inventory, answers: Answers, keys: readonly string[]) {
  const { generatePlan } = await import('../files/generate-plan.js');
  return generatePlan(inv, {
    target: answers.target ?? 'restricted',
    answers,
    exempt: [],
    harden: answers.harden,
    createdAt: deps.ctx.now().toISOString(),
    templatesDir: deps.ctx.templatesDir,
    evidenceFor: (w) => (keys.includes(sessionKey(inv, w)) ? deps.evidence.get(sessionKey(inv, w)) : undefined),
    trialFor: (w) => deps.trials.get(sessionKey(inv, w)),
  });
}

/** Phases and per-namespace step counts of a plan bundle. */
export function previewOf(bundle: PlanBundle): PlanPreview {
  return {
    phases: bundle.plan.phases.map((p) => ({
      id: p.id,
      title: p.title,
      namespaces: p.namespaces.map((name) => ({ name, steps: p.steps.filter((s) => s.namespace === name).length })),
    })),
    summary: bundle.plan.summary,
  };
}

function commonPorts(deps: PlanDeps, findEvidence: EvidenceSource): Omit<WizardPorts, 'listContexts' | 'scan'> {
  return {
    propose: (inv, answers, keys, signal) => proposals(deps, inv, answers, keys, signal),
    async gatherEvidence(inv, key, signal) {
      const w = workloadFor(inv, key);
      if (w === undefined) return { found: false, note: `no workload ${key}` };
      const ev = await findEvidence(w, signal);
      if (ev === undefined) return { found: false, note: `no evidence for ${key} (no pods, logs or probe results)` };
      deps.evidence.set(key, ev);
      const found = Object.entries(ev.containers).flatMap(([name, c]) =>
        c.findings.map((f) => `${name}: ${f.line.length > 90 ? `${f.line.slice(0, 89)}…` : f.line}`),
      );
      const paths = [...new Set(Object.values(ev.containers).flatMap((c) => c.writablePaths))];
      const what =
        found.length === 0
          ? 'nothing the fix needs to know'
          : `${found.length} finding(s): ${found.slice(0, 2).join(' | ')}${found.length > 2 ? ` (+${found.length - 2} more)` : ''}`;
      const writes = paths.length > 0 ? `; writes ${paths.join(', ')} (kept writable)` : '';
      return {
        found: true,
        note: `evidence for ${key}: ${what}${writes}${ev.notes.length > 0 ? `; ${ev.notes.join('; ')}` : ''}`,
      };
    },
    async previewPlan(inv, answers, keys, signal) {
      signal.throwIfAborted();
      return previewOf((await bundleOf(deps, inv, answers, keys)).bundle);
    },
    async writePlan(inv, answers, keys, outDir, opts) {
      const { writePlan, PlanDirInUse, freeSibling } = await import('../files/write-plan.js');
      const { bundle, files } = await bundleOf(deps, inv, answers, keys);
      opts.signal.throwIfAborted();
      let dir: string;
      try {
        dir = await writePlan(resolve(deps.ctx.cwd, outDir), files, { force: deps.force || opts.overwrite });
      } catch (err) {
        if (!(err instanceof PlanDirInUse)) throw err;
        const conflict = {
          dir: outDir,
          suggestion: await freeSibling(deps.ctx.cwd, outDir),
          canOverwrite: err.holds === 'plan',
        };
        return { conflict, message: err.message };
      }
      const { planSummaryText } = await import('./commands/plan.js');
      return {
        written: {
          dir,
          files: files.length,
          summary: bundle.plan.summary,
          report: planSummaryText(bundle.plan, outDir.replace(/\/+$/, '')),
        },
      };
    },
  };
}

function cachedCatalogue(ctx: CommandContext): () => Promise<ImageCatalogue> {
  let p: Promise<ImageCatalogue> | undefined;
  return () => (p ??= import('../files/catalogue.js').then((m) => m.loadImageCatalogue(ctx.templatesDir)));
}

/** An inventory read without a cluster, and recorded evidence if any. */
export interface OfflineSource {
  /** Shown as the context name. */
  label: string;
  /** Recorded evidence counts as gathered at scan time (the demo). */
  evidenceAtScan: boolean;
  load(): Promise<{ inventory: Inventory; evidenceFor?: (w: Workload) => Evidence | undefined }>;
}

/** The bundled demo estate (templates/demo) as an offline source. */
export function demoSource(ctx: CommandContext): OfflineSource {
  return {
    label: 'demo',
    evidenceAtScan: true,
    load: async () => (await import('../files/demo.js')).loadDemoEstate(ctx.templatesDir),
  };
}

/** Manifest files (-f) as an offline source. */
export function fileSource(ctx: CommandContext, paths: string[]): OfflineSource {
  return {
    label: paths.join(', '),
    evidenceAtScan: false,
    load: async () => ({
      inventory: await (
        await import('../files/read-manifests.js')
      ).readFileInventory(paths, { cwd: ctx.cwd, exempt: [] }),
    }),
  };
}

/** Ports over an offline inventory (the demo estate or files): recorded evidence, a scan with progress. */
/** `answers` may be a loader: the demo reads its bundled decisions during the scan, after the first frame. */
export function offlinePorts(
  ctx: CommandContext,
  source: OfflineSource,
  opts: { answers: Answers | (() => Promise<Answers>); force: boolean },
): WizardPorts {
  const deps: PlanDeps = {
    ctx,
    force: opts.force,
    catalogue: cachedCatalogue(ctx),
    evidence: new Map(),
    trials: new Map(),
  };
  let recorded: ((w: Workload) => Evidence | undefined) | undefined;
  return {
    ...commonPorts(deps, async (w) => recorded?.(w)),
    listContexts: async () => [{ name: source.label, cluster: source.label, server: '(none)', current: true }],
    async scan(_context, onProgress, signal): Promise<ScanResult> {
      const started = ctx.now().getTime();
      const answers = typeof opts.answers === 'function' ? await opts.answers() : opts.answers;
      const estate = await source.load();
      recorded = estate.evidenceFor;
      const seen: ScanProgress = { namespaces: [], kinds: [], workloads: 0, elapsedMs: 0 };
      for (const w of estate.inventory.workloads) {
        signal.throwIfAborted();
        if (!seen.namespaces.includes(w.namespace)) seen.namespaces = [...seen.namespaces, w.namespace];
        if (!seen.kinds.includes(w.kind)) seen.kinds = [...seen.kinds, w.kind];
        seen.workloads += 1;
        onProgress({ ...seen, elapsedMs: ctx.now().getTime() - started });
      }
      const inventory = estate.inventory;
      const keys: string[] = [];
      if (source.evidenceAtScan && recorded !== undefined) {
        for (const w of inventory.workloads) {
          const ev = recorded(w);
          if (ev !== undefined) {
            deps.evidence.set(sessionKey(inventory, w), ev);
            keys.push(sessionKey(inventory, w));
          }
        }
      }
      const { planPolicyVersion } = await import('../files/generate-plan.js');
      const verificationNote = `no server-side verification (${source.label === 'demo' ? 'the demo estate has no cluster' : 'manifest files, no cluster'})`;
      return {
        inventory,
        proposals: await proposals(deps, inventory, answers, keys, signal),
        target: answers.target ?? 'restricted',
        version: planPolicyVersion(inventory),
        answers,
        evidence: keys.sort(),
        verificationNote,
      };
    },
  };
}

/** Ports over a live cluster selected from the kubeconfig (read-only). */
export function livePorts(
  ctx: CommandContext,
  opts: { answers: Answers; force: boolean; source: SourceFlags },
): WizardPorts {
  const deps: PlanDeps = {
    ctx,
    force: opts.force,
    catalogue: cachedCatalogue(ctx),
    evidence: new Map(),
    trials: new Map(),
  };
  let chosen: string | undefined = opts.source.context;
  /** A session on the context chosen in the wizard (read-only unless the caller writes). */
  const connectChosen = async (signal: AbortSignal) => {
    const { connect } = await import('../cluster/connect.js');
    const { NEWEST_MINOR } = await import('../policy/index.js');
    return connect(
      {
        kubeconfig: opts.source.kubeconfig,
        ...(chosen !== undefined ? { context: chosen } : {}),
        newestPolicyMinor: NEWEST_MINOR,
      },
      withSignal(ctx, signal),
    );
  };
  return {
    ...commonPorts(deps, async (w, signal) => {
      const { gatherEvidence } = await import('../cluster/evidence.js');
      const session = await connectChosen(signal);
      try {
        return await gatherEvidence(session, w, { probe: false });
      } finally {
        session.client.close();
      }
    }),
    async trialRun(inv, key, answers, signal) {
      const w = workloadFor(inv, key);
      if (w === undefined) return { found: false, note: `no workload ${key}` };
      const { clusterTrialPort, removeLeftovers } = await import('../cluster/trial.js');
      const { trialWorkload } = await import('../trial/loop.js');
      const { mergeEvidence } = await import('../trial/records.js');
      const { proposeFix } = await import('../fix/propose.js');
      const { randomBytes } = await import('node:crypto');
      const { templateFingerprint } = await import('../files/generate-plan.js');
      const session = await connectChosen(signal);
      const port = await clusterTrialPort(session.kc, session.client);
      try {
        await removeLeftovers(session.kc, [w.namespace]);
        const version = `v1.${session.policyMinor}`;
        const target = answers.targets[w.namespace] ?? answers.target ?? 'restricted';
        const known = deps.evidence.get(key);
        const catalogue = await deps.catalogue();
        const { record, evidence } = await trialWorkload(w, port, {
          plan: 'wizard',
          iterate: 1,
          timeoutMs: 60_000,
          signal,
          now: () => Date.now(),
          suffix: () => randomBytes(3).toString('hex').slice(0, 5),
          fingerprint: templateFingerprint,
          propose: (ev) =>
            proposeFix(w, {
              target,
              version,
              answers,
              catalogue,
              harden: answers.harden,
              evidence: mergeEvidence(known, ev),
            }),
        });
        // What was known before, plus what the copy showed (never instead of it).
        const all = mergeEvidence(known, evidence);
        if (all !== undefined) deps.evidence.set(key, all);
        deps.trials.set(key, record as PlanTrial);
        const lines = record.rounds.flatMap((r) => r.lines);
        return {
          found: evidence !== undefined,
          note: `trial of ${key}: ${record.result} (${record.reason})${lines.length > 0 ? `; log: ${lines[0]!.slice(0, 90)}` : ''}${evidence !== undefined ? '; re-proposed from it' : ''}`,
        };
      } finally {
        port.close();
        session.client.close();
      }
    },
    apply: liveApplyPort(ctx, { kubeconfig: opts.source.kubeconfig, context: () => chosen }),
    async listContexts(): Promise<ContextInfo[]> {
      const { loadKubeconfig } = await import('../cluster/kubeconfig.js');
      const { kc } = loadKubeconfig({ kubeconfig: opts.source.kubeconfig, env: ctx.env });
      const current = kc.getCurrentContext();
      return kc.getContexts().map((c) => ({
        name: c.name,
        cluster: c.cluster,
        server: kc.getCluster(c.cluster)?.server ?? '',
        current: c.name === current,
      }));
    },
    async scan(context, onProgress, signal): Promise<ScanResult> {
      if (context !== null) chosen = context;
      const started = ctx.now().getTime();
      const { scanLive } = await import('../cluster/live-scan.js');
      const seen: ScanProgress = { namespaces: [], kinds: [], workloads: 0, elapsedMs: 0 };
      // The read and the server-side verification (dry-run, when permitted); its log lines are not
      // written (the screen shows the structured progress instead).
      const quiet: CommandContext = {
        ...withSignal(ctx, signal),
        io: { ...ctx.io, err: () => {}, stderrIsTTY: false },
      };
      const live = await scanLive(
        {
          ...opts.source,
          ...(chosen !== undefined ? { context: chosen } : {}),
          level: opts.answers.target ?? 'restricted',
          output: 'json',
          onRead: (p) => {
            if (p.type === 'namespaces') seen.namespaces = p.names;
            else if (!seen.kinds.includes(p.kind)) seen.kinds = [...seen.kinds, p.kind];
            if (p.type === 'read' && p.kind !== 'Pod') seen.workloads += p.count;
            onProgress({ ...seen, elapsedMs: ctx.now().getTime() - started });
          },
        },
        quiet,
      );
      const inventory = live.inventory;
      const verification: Record<string, ServerCheck> = {};
      for (const [name, v] of live.verification) {
        const detail = v.levels
          .map(
            (l) =>
              `${l.policy} ${l.status === 'agrees' ? (l.violators.length > 0 ? `${l.violators.reduce((n, x) => n + 1 + x.others, 0)} violating pod(s), as podsec predicts` : 'clean') : (l.note ?? l.status)}`,
          )
          .join('; ');
        verification[name] = { status: v.status, detail: detail || v.note || '' };
      }
      const verificationNote =
        live.verification.size === 0 ? (live.notes[0] ?? 'no server-side verification') : undefined;
      onProgress({
        namespaces: inventory.namespaces.map((n) => n.name),
        kinds: [...new Set(inventory.workloads.map((w) => w.kind))],
        workloads: inventory.workloads.length,
        elapsedMs: ctx.now().getTime() - started,
        ...(inventory.serverVersion !== undefined ? { serverVersion: inventory.serverVersion } : {}),
      });
      const { planPolicyVersion } = await import('../files/generate-plan.js');
      return {
        inventory,
        proposals: await proposals(deps, inventory, opts.answers, [], signal),
        target: opts.answers.target ?? 'restricted',
        version: planPolicyVersion(inventory),
        answers: opts.answers,
        evidence: [],
        verification,
        ...(verificationNote !== undefined ? { verificationNote } : {}),
      };
    },
  };
}
