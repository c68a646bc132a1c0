// `podsec plan`: reads files (-f) or a live cluster, builds the staged migration plan and writes
// it atomically to --out DIR (plan.json, PLAN.md, phase folders). With --evidence/--probe it reads
// live logs (and, once confirmed, probes pods) to inform fixes; --version pins. Shell; results on stdout.

import type { ClusterSession } from '../../cluster/connect.js';
import { CancelledError, UsageError, UserError } from '../../errors.js';
import type { Answers, Evidence } from '../../fix/index.js';
import type { Inventory, Workload } from '../../inventory/types.js';
import type { Plan, PlanBundle, PlanFile } from '../../plan/index.js';
import type { SourceFlags } from './plan-sources.js';
import type { CommandContext } from '../context.js';
import { resolveMode } from '../mode.js';
import { versionNote } from '../version-note.js';
import type { Flags } from '../flags.js';
import { join, resolve } from 'node:path';

function targetOf(flag: unknown, fromAnswers: 'baseline' | 'restricted' | undefined): 'baseline' | 'restricted' {
  if (flag === undefined) return fromAnswers ?? 'restricted';
  if (flag !== 'baseline' && flag !== 'restricted')
    throw new UsageError(`--target must be baseline or restricted, not "${String(flag)}"`);
  return flag;
}

interface PlanInput {
  inventory: Inventory;
  /** Open for a live cluster (evidence is read through it); the caller closes it. */
  session?: ClusterSession;
}

/**
 * The inventory to plan: read, then without the names the API server would refuse (those never reach
 * plan files, scripts or requests: they are input errors). The inventory as read is not kept.
 */
async function readInventory(
  flags: Flags,
  exempt: string[],
  chart: { inventory: Inventory } | undefined,
  ctx: CommandContext,
): Promise<PlanInput> {
  const { withoutInvalidNames } = await import('../../inventory/object-names.js');
  const read = chart !== undefined ? { inventory: chart.inventory } : await readInput(flags, exempt, ctx);
  return { ...read, inventory: withoutInvalidNames(read.inventory) };
}

async function readInput(flags: Flags, exempt: string[], ctx: CommandContext): Promise<PlanInput> {
  const file = flags.file;
  if (file.length > 0) {
    const { readFileInventory } = await import('../../files/read-manifests.js');
    const notice = ctx.io.stderrIsTTY ? (message: string) => ctx.io.err(`podsec: ${message}\n`) : undefined;
    return {
      inventory: await readFileInventory(file, {
        cwd: ctx.cwd,
        exempt,
        signal: ctx.signal,
        ...(notice ? { notice } : {}),
      }),
    };
  }
  const { readLive } = await import('../../cluster/inventory.js');
  const kubeconfig = flags.kubeconfig;
  const context = flags.context;
  const live = await readLive(
    {
      file: [],
      namespace: flags.namespace,
      allNamespaces: flags.allNamespaces,
      ...(kubeconfig !== undefined ? { kubeconfig } : {}),
      ...(context !== undefined ? { context } : {}),
      ...(ctx.io.stderrIsTTY ? { progress: (line: string) => ctx.io.err(`podsec: ${line}\n`) } : {}),
    },
    ctx,
  );
  const inv = live.inventory;
  const inventory = {
    ...inv,
    namespaces: inv.namespaces.map((n) => (exempt.includes(n.name) ? { ...n, system: true } : n)),
  };
  return { inventory, session: live.session };
}

/** `--version`: `v1.N` to pin labels to and evaluate at; undefined (also for `latest`) keeps the default pin. */
async function versionOf(flag: unknown): Promise<string | undefined> {
  if (flag === undefined) return undefined;
  const { parsePolicyVersion } = await import('../../policy/index.js');
  const parsed = parsePolicyVersion(String(flag));
  if (parsed === null)
    throw new UsageError(
      `--version must be v1.N or latest, not "${String(flag)}"`,
      'e.g. --version v1.30, or omit it to pin the newest version',
    );
  return parsed === 'latest' ? undefined : `v1.${parsed}`;
}

interface EvidenceFlags {
  evidence: boolean;
  probe: boolean;
  yes: boolean;
}

/** Flag combinations that are usage errors, checked before anything is read. */
function checkEvidenceFlags(flags: Flags, ctx: CommandContext): EvidenceFlags {
  const probe = flags.probe;
  const evidence = probe || flags.evidence;
  const yes = flags.yes;
  if (evidence && flags.file.length > 0) {
    throw new UsageError(
      `${probe ? '--probe' : '--evidence'} reads container logs from a live cluster, so it cannot be used with -f`,
      'drop -f to plan the live cluster, or drop the flag',
    );
  }
  const mode = resolveMode({
    stdinIsTTY: ctx.io.stdinIsTTY,
    stdoutIsTTY: ctx.io.stdoutIsTTY,
    env: ctx.env,
    flags: ctx.globals,
  });
  if (probe && !yes && mode === 'headless') {
    throw new UsageError(
      '--probe runs commands (id, find) in pods and must be confirmed, which a non-interactive run cannot do',
      'pass --yes to allow the probe, or drop --probe',
    );
  }
  return { evidence, probe, yes };
}

/** Asks before exec'ing into pods (unless --yes); false when the operator declines. */
async function confirmProbe(targets: string[], ctx: CommandContext): Promise<boolean> {
  ctx.io.err(
    `podsec: --probe will run \`id -u\`, \`id -g\` and a \`find\` for written files in ${targets.length} pod(s):\n`,
  );
  for (const t of targets) ctx.io.err(`  ${t}\n`);
  const { confirm } = await import('@inquirer/prompts');
  try {
    return await confirm(
      { message: 'Run the probe in these pods?', default: false },
      { signal: ctx.signal, output: process.stderr },
    );
  } catch (err) {
    if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError'))
      throw new CancelledError();
    throw err;
  }
}

/** Reads live evidence for the workloads that fail their target or are unhealthy; notes go to stderr. */
async function liveEvidence(
  session: ClusterSession,
  inventory: Inventory,
  opts: { flags: EvidenceFlags; target: 'baseline' | 'restricted'; answers: Answers; policyVersion: string },
  ctx: CommandContext,
): Promise<(w: Workload) => Evidence | undefined> {
  const { collectEvidence, selectForEvidence, pickPod } = await import('../../cluster/evidence.js');
  const { evaluatePod } = await import('../../policy/index.js');
  const failsTarget = (w: Workload): boolean =>
    !evaluatePod(w.template, opts.answers.targets[w.namespace] ?? opts.target, opts.policyVersion, {
      isPod: w.kind === 'Pod',
    }).allowed;
  let probe = opts.flags.probe;
  if (probe && !opts.flags.yes) {
    const targets = selectForEvidence(inventory.workloads, failsTarget).flatMap((w) => {
      const pod = pickPod(w)?.name;
      return pod === undefined ? [] : [`${w.namespace}/${pod} (${w.kind} ${w.name})`];
    });
    probe = targets.length > 0 && (await confirmProbe(targets, ctx));
    if (!probe) ctx.io.err('podsec: probe skipped; reading logs only\n');
  }
  const collected = await collectEvidence(session, inventory.workloads, {
    probe,
    failsTarget,
    signal: ctx.signal,
    ...(ctx.io.stderrIsTTY ? { progress: (line: string) => ctx.io.err(`podsec: ${line}\n`) } : {}),
  });
  for (const note of collected.notes) ctx.io.err(`podsec: note: ${note}\n`);
  return collected.evidenceFor;
}

/**
 * The result lines on stdout: where the plan is and what it does per namespace. `columns` cuts the
 * NOTE column to a terminal's width; output to a file or pipe passes none and keeps it whole.
 */
export function planSummaryText(plan: Plan, dir: string, columns?: number): string {
  const lines = [`Wrote the plan to ${dir}/ (PLAN.md, plan.json, ${plan.phases.map((p) => p.id).join(', ')})`, ''];
  const width = Math.max(9, ...plan.namespaces.map((n) => n.name.length));
  lines.push(`${'NAMESPACE'.padEnd(width)}  NOW         PLAN ENDS AT  NOTE`);
  for (const n of plan.namespaces) {
    const full = n.system ? 'system namespace' : n.exemption !== null ? (n.exemption.reason.split('\n')[0] ?? '') : '';
    const room = columns === undefined ? Infinity : Math.max(20, columns - width - 30);
    const note = full.length > room ? `${full.slice(0, room - 3)}...` : full;
    lines.push(`${n.name.padEnd(width)}  ${n.current.padEnd(10)}  ${n.planned.padEnd(12)}  ${note}`.trimEnd());
  }
  const s = plan.summary;
  lines.push(
    '',
    `${s['workloads'] ?? 0} workloads: ${s['compliant'] ?? 0} compliant, ${s['fixed'] ?? 0} fixed, ${s['review'] ?? 0} to review, ${s['blocked'] ?? 0} blocked.`,
  );
  lines.push(`Next: review ${dir}/PLAN.md, then run ${dir}/1-observe/apply.sh (or podsec apply ${dir}).`);
  return `${lines.join('\n')}\n`;
}

function reportErrors(errors: Inventory['errors'], ctx: CommandContext): void {
  for (const e of errors) {
    const where = [
      e.file ?? e.namespace,
      e.document !== undefined ? `document ${e.document}` : undefined,
      e.line !== undefined ? `line ${e.line}` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    ctx.io.err(`podsec: ${where}: ${e.message}\n`);
  }
}

/** `--trials DIR`: the trial records of that plan, looked up per workload (identity and source). */
async function trialRecords(dir: string, ctx: CommandContext) {
  const { readPlan } = await import('../../files/read-plan.js');
  const { trialLookup } = await import('../../trial/records.js');
  const earlier = await readPlan(dir);
  const recorded = earlier.workloads.filter((w) => w.trial !== undefined);
  if (recorded.length === 0)
    throw new UserError(
      `${join(dir, 'plan.json')} records no trial runs`,
      `run podsec trial ${dir} first, then plan again with --trials ${dir}`,
    );
  ctx.io.err(`podsec: using ${recorded.length} trial record(s) from ${join(dir, 'plan.json')}\n`);
  // Every workload, with a record or not: a duplicate's copy never takes its twin's record.
  return trialLookup(earlier.workloads);
}

/** What the trial records did to the new plan (stderr): patches that passed, patches held, records not used. */
function reportTrials(plan: Plan, notes: readonly string[], ctx: CommandContext): void {
  for (const w of plan.workloads) {
    if (w.trial === undefined || w.trial.result === 'refused') continue;
    const key = `${w.namespace}/${w.kind}/${w.name}`;
    ctx.io.err(
      w.trial.result === 'pass'
        ? `podsec: ${key}: the patch is the fix that passed its trial (${w.trial.reason})\n`
        : `podsec: ${key}: held for review, its trial failed: ${w.trial.reason}\n`,
    );
  }
  for (const n of notes) ctx.io.err(`podsec: note: ${n}\n`);
}

/** What `run` keeps once the plan is generated: the inventory itself is gone (a large estate's memory). */
interface Generated {
  bundle: PlanBundle;
  files: PlanFile[];
  errors: Inventory['errors'];
  afterWrite: () => Promise<void>;
  trials: boolean;
}

/**
 * Reads the input and generates the plan; returns the exit code when nothing could be read. The
 * inventory lives only in this frame, so it can be collected before the plan files are written.
 */
async function generate(
  flags: Flags,
  ctx: CommandContext,
  opts: { sf: SourceFlags; evidenceFlags: EvidenceFlags; pinned: string | undefined },
): Promise<Generated | number> {
  const { sf, evidenceFlags, pinned } = opts;
  const { readChart, sourceAugmenter } = await import('./plan-sources.js');
  const { loadAnswersFile } = await import('../../files/answers-file.js');
  const answers = await loadAnswersFile(flags.answers, ctx.cwd);
  const target = targetOf(flags['target'], answers.target);
  const exempt = flags.exempt;
  // Read before the inventory: a missing or record-less --trials plan fails at once.
  const trialFor = flags.trials !== undefined ? await trialRecords(resolve(ctx.cwd, flags.trials), ctx) : undefined;
  const chart = sf.chart !== undefined ? await readChart({ ...sf, chart: sf.chart }, ctx) : undefined;
  const { inventory, session } = await readInventory(flags, exempt, chart, ctx);
  try {
    const empty = inventory.workloads.length === 0 && inventory.namespaces.length === 0;
    if (empty && inventory.errors.length === 0)
      throw new UserError(
        'found no namespaces or workloads to plan',
        'check the -f paths, or -n/--context for a live cluster',
      );
    if (empty) {
      reportErrors(inventory.errors, ctx);
      ctx.io.err('podsec: nothing could be read, so no plan was written (exit 3)\n');
      return 3;
    }
    const { generatePlan, planPolicyVersion } = await import('../../files/generate-plan.js');
    const policyVersion = pinned ?? planPolicyVersion(inventory);
    const evidenceFor =
      session !== undefined && evidenceFlags.evidence
        ? await liveEvidence(session, inventory, { flags: evidenceFlags, target, answers, policyVersion }, ctx)
        : undefined;
    const sources = await sourceAugmenter(sf, inventory, chart, ctx);
    const { bundle, files } = await generatePlan(inventory, {
      // Without --chart or --edit-sources nothing reads the workloads after planning: the planner
      // lets them go as it goes (the peak memory of a large estate).
      ...(sources.augment !== undefined ? { augment: sources.augment } : { handOver: true }),
      target,
      answers,
      exempt,
      harden: flags.harden || answers.harden,
      createdAt: ctx.now().toISOString(),
      templatesDir: ctx.templatesDir,
      policyVersion,
      ...(evidenceFor !== undefined ? { evidenceFor } : {}),
      ...(trialFor !== undefined ? { trialFor } : {}),
    });
    return {
      bundle,
      files,
      errors: inventory.errors,
      afterWrite: sources.afterWrite,
      trials: trialFor !== undefined,
    };
  } finally {
    session?.client.close();
  }
}

/** Runs `podsec plan`; returns the exit code (3 when some inputs could not be read). */
export async function run(flags: Flags, _args: string[], ctx: CommandContext): Promise<number> {
  const { sourceFlags } = await import('./plan-sources.js');
  const sf = sourceFlags(flags);
  const evidenceFlags = checkEvidenceFlags(flags, ctx);
  const pinned = await versionOf(flags['version']);
  const note = versionNote(typeof flags['version'] === 'string' ? flags['version'] : undefined);
  if (note !== null) ctx.io.err(`podsec: ${note}\n`);
  const out = flags.out ?? 'plans/podsec';
  const generated = await generate(flags, ctx, { sf, evidenceFlags, pinned });
  if (typeof generated === 'number') return generated;
  const { bundle, files, errors, afterWrite } = generated;
  const { writePlan } = await import('../../files/write-plan.js');
  await writePlan(resolve(ctx.cwd, out), files, { force: flags.force });
  if (generated.trials) reportTrials(bundle.plan, bundle.trialNotes, ctx);
  ctx.io.out(planSummaryText(bundle.plan, out.replace(/\/+$/, ''), ctx.io.stdoutIsTTY ? ctx.io.columns : undefined));
  await afterWrite();
  if (errors.length > 0) {
    reportErrors(errors, ctx);
    ctx.io.err(`podsec: ${errors.length} input(s) could not be read or parsed; the plan covers the rest (exit 3)\n`);
    return 3;
  }
  return 0;
}
