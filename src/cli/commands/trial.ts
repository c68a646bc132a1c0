// Shell: `podsec trial DIR [-f FILES] [--workload KEY]... [--iterate N] [--timeout 60s]
// [--allow KEY=REASON] [--dry-run]`: runs each workload's patched pod template as a short-lived copy
// on the cluster (src/trial, src/cluster/trial.ts), records the result per workload in
// DIR/plan.json and prints each round. The template is the one the plan read: the live object's
// for a cluster plan, the manifest's for a plan made with -f (read again from -f FILES, default the
// files plan.json names; refused, before anything runs, where a file no longer holds it). Leftover trial pods of an earlier run are removed first. Patch files are never
// rewritten here: when the trials contradict them, it prints the `podsec plan ... --trials DIR`
// command whose new plan carries the fixes that passed and holds the ones that failed.

import { randomBytes } from 'node:crypto';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { EXIT, UsageError, UserError } from '../../errors.js';
import type { ClusterSession } from '../../cluster/connect.js';
import type { CommandContext } from '../context.js';
import { NEWEST_MINOR, extractPodTemplate } from '../../policy/index.js';
import { workloadKey, type Workload } from '../../inventory/types.js';
import type { Plan, PlanWorkload } from '../../plan/plan-schema.js';
import { trialObjection } from '../../trial/records.js';
import { shQuote } from '../../plan/names.js';
import type { TrialRecord } from '../../trial/types.js';
import type { Flags } from '../flags.js';

/** `60s`, `2m`, `90` (seconds) -> milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw new UsageError(`--timeout must be a duration like 60s or 2m, not "${text}"`);
  const n = Number(m[1]);
  const ms = m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
  if (ms < 1000) throw new UsageError('--timeout must be at least 1s');
  return ms;
}

const keyOf = (w: Pick<PlanWorkload, 'namespace' | 'kind' | 'name'>) => workloadKey(w);

/** Runs `podsec trial`; returns the exit code (1 when a trial failed). */
export async function run(flags: Flags, args: string[], ctx: CommandContext): Promise<number> {
  const dir = resolve(ctx.cwd, args[0] ?? '');
  const iterate = Number(flags.iterate ?? '1');
  if (!Number.isInteger(iterate) || iterate < 1 || iterate > 10)
    throw new UsageError(`--iterate must be a whole number from 1 to 10, not "${String(flags['iterate'])}"`);
  const timeoutMs = parseDuration(flags.timeout ?? '60s');
  const allow = new Map<string, string>();
  for (const a of flags.allow) {
    const i = a.indexOf('=');
    if (i < 1 || a.slice(i + 1).trim() === '')
      throw new UsageError(
        `--allow takes KEY=REASON (the reason is recorded), not "${a}"`,
        'e.g. --allow shop/StatefulSet/db="staging copy, no clients"',
      );
    allow.set(a.slice(0, i), a.slice(i + 1).trim());
  }
  const { readPlan } = await import('../../files/read-plan.js');
  const plan = await readPlan(dir);
  const wanted = flags.workload;
  const known = new Set(plan.workloads.map(keyOf));
  for (const k of [...wanted, ...allow.keys()])
    if (!known.has(k))
      throw new UsageError(`no workload ${k} in ${join(dir, 'plan.json')}`, 'use namespace/Kind/name as in PLAN.md');
  const picked = plan.workloads.filter((w) =>
    wanted.length > 0 ? wanted.includes(keyOf(w)) : w.skipped === null && (w.patch !== null || w.held !== null),
  );
  if (picked.length === 0) {
    ctx.io.err('podsec trial: no workload with a proposed fix to try\n');
    return EXIT.ok;
  }
  const fromFiles = await manifestWorkloads(flags, plan, picked, dir, ctx);
  const dryRun = flags.dryRun;
  const { connect } = await import('../../cluster/connect.js');
  const kubeconfig = flags.kubeconfig;
  const context = flags.context ?? plan.cluster?.context;
  const session = await connect({ kubeconfig, context, newestPolicyMinor: NEWEST_MINOR }, ctx);
  const { clusterTrialPort, removeLeftovers } = await import('../../cluster/trial.js');
  const { loadImageCatalogue } = await import('../../files/catalogue.js');
  const { proposeFix } = await import('../../fix/propose.js');
  const { trialWorkload } = await import('../../trial/loop.js');
  const { trialPod, trialRefusal } = await import('../../trial/pod.js');
  const { templateFingerprint } = await import('../../files/generate-plan.js');
  const { fixPhaseTemplate } = await import('../../fix/patches.js');
  const catalogue = await loadImageCatalogue(ctx.templatesDir);
  const say = (l: string) => ctx.io.err(`${l}\n`);
  const namespaces = [...new Set(picked.map((w) => w.namespace))].sort();
  const proposer = (w: Workload) => {
    const target = plan.namespaces.find((n) => n.name === w.namespace)?.target ?? plan.target;
    return (evidence: Parameters<typeof proposeFix>[1]['evidence']) =>
      proposeFix(w, {
        target,
        version: plan.policyVersion,
        answers: plan.decisions.answers,
        catalogue,
        harden: plan.decisions.harden,
        evidence,
      });
  };
  const suffix = () => randomBytes(3).toString('hex').slice(0, 5);
  let port: Awaited<ReturnType<typeof clusterTrialPort>> | undefined;
  let failed = 0;
  try {
    if (fromFiles !== undefined)
      await admissible(session.client, fromFiles, proposer, { plan: basename(dir), suffix, allow });
    if (!dryRun) port = await clusterTrialPort(session.kc, session.client);
    if (!dryRun) {
      const left = await removeLeftovers(session.kc, namespaces);
      for (const p of left) say(`removed trial pod ${p} left behind by an earlier run`);
    }
    for (const pw of picked) {
      const key = keyOf(pw);
      const w = fromFiles?.get(pw) ?? (await liveWorkload(session, pw, say));
      const propose = proposer(w);
      const pvcAccessModes = await accessModes(session.client, w);
      if (dryRun) {
        const refusal = trialRefusal(w, pvcAccessModes);
        say(
          refusal !== null && !allow.has(key)
            ? `${key}: would refuse: ${refusal}`
            : `${key}: would create (and delete after at most ${timeoutMs / 1000}s):`,
        );
        if (refusal === null || allow.has(key))
          ctx.io.out(
            `---\n${stringify(trialPod(w, fixPhaseTemplate(propose(undefined)), { plan: basename(dir), round: 1, suffix: 'xxxxx' }), { lineWidth: 0 })}`,
          );
        continue;
      }
      const { record } = await trialWorkload(w, port!, {
        plan: basename(dir),
        iterate,
        timeoutMs,
        signal: ctx.signal,
        propose,
        suffix,
        now: () => Date.now(),
        fingerprint: templateFingerprint,
        pvcAccessModes,
        ...(allow.has(key) ? { override: allow.get(key)! } : {}),
        progress: say,
      });
      ctx.io.out(
        `${key}: ${record.result} (${record.reason})${record.rounds.length > 0 ? `, ${record.rounds.length} round(s), ${Math.round(record.durationMs / 1000)}s` : ''}\n`,
      );
      if (record.result === 'fail') failed++;
      pw.trial = record as TrialRecord & NonNullable<PlanWorkload['trial']>;
    }
  } finally {
    port?.close();
    session.client.close();
  }
  if (!dryRun) {
    await writePlanJson(dir, plan);
    say(`recorded the trial results in ${join(dir, 'plan.json')}`);
    const objections = picked.flatMap((w) => {
      const why = w.trial === undefined ? null : trialObjection(w.trial, w.fingerprintAfter);
      return why === null ? [] : [`${keyOf(w)}: ${why}`];
    });
    if (objections.length > 0) {
      const { freeSibling } = await import('../../files/write-plan.js');
      const next = await freeSibling(ctx.cwd, args[0] ?? dir);
      for (const o of objections) say(`  ${o}`);
      say(
        `the patch files of ${dir} do not carry what the trials showed, so \`podsec apply ${args[0] ?? dir}\` refuses these patches (apply.sh and the kustomize components do not read plan.json: do not use them). Plan again with the trial records, with the same inputs and --answers as before:\n  ${replanCommand(plan, args[0] ?? dir, next, flags.file)}\nthe new plan carries the fixes that passed and holds the patches whose trial failed (review, namespace kept below the level they block)`,
      );
    }
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

/** The workload as it is on the cluster now (a cluster or demo plan): its live pod template. */
async function liveWorkload(session: ClusterSession, pw: PlanWorkload, say: (l: string) => void): Promise<Workload> {
  const { workloadPath } = await import('../../cluster/apply-cluster.js');
  const { templateFingerprint } = await import('../../files/generate-plan.js');
  const key = keyOf(pw);
  const live = (await session.client.get<Record<string, unknown>>(workloadPath(pw))).body;
  const t = extractPodTemplate(live);
  if (t === null) throw new UserError(`${key} has no pod template on the cluster`);
  if (templateFingerprint(t.template) !== pw.fingerprint)
    say(
      `${key}: its pod template on the cluster differs from the one the plan read: the trial tries the live one, and a new plan uses its record only if it reads the same template`,
    );
  return {
    kind: pw.kind,
    apiVersion: pw.apiVersion,
    namespace: pw.namespace,
    name: pw.name,
    source: { context: session.context },
    templatePath: t.templatePath,
    template: t.template,
    object: live,
    managedBy: [],
  };
}

/**
 * The manifest inputs to try: `-f FILES`, or for a plan made from files the files plan.json names
 * (those of the picked workloads, in order); undefined for a cluster or demo plan without -f.
 */
function manifestInputs(flags: Flags, plan: Plan, picked: readonly PlanWorkload[]): string[] | undefined {
  if (flags.file.length > 0) return flags.file;
  if (plan.origin !== 'files') return undefined;
  const files = [...new Set(picked.flatMap((w) => ('file' in w.source ? [w.source.file] : [])))];
  if (files.includes('-'))
    throw new UsageError(
      'the plan was read from stdin, so podsec cannot read its manifests again',
      'pass them with -f FILE (the same manifests the plan was made from)',
    );
  return files;
}

/**
 * For a plan made from manifests: each picked workload as its file holds it now, matched by identity
 * (and source, for duplicates) and refused unless its template is the one the plan read, so the
 * trial's record is used by `podsec plan -f FILES --trials DIR`. Read as `plan -f` reads (the same
 * parser, the same name validation). Undefined: try the live objects.
 */
async function manifestWorkloads(
  flags: Flags,
  plan: Plan,
  picked: readonly PlanWorkload[],
  dir: string,
  ctx: CommandContext,
): Promise<Map<PlanWorkload, Workload> | undefined> {
  const files = manifestInputs(flags, plan, picked);
  if (files === undefined) return undefined;
  if (flags.file.length === 0)
    ctx.io.err(
      `podsec trial: trying the pod templates of the manifests ${join(dir, 'plan.json')} was made from: ${files.join(', ')} (-f names others)\n`,
    );
  const { readFileInventory } = await import('../../files/read-manifests.js');
  const { withoutInvalidNames } = await import('../../inventory/object-names.js');
  const { manifestLookup } = await import('../../trial/records.js');
  const { templateFingerprint } = await import('../../files/generate-plan.js');
  const inventory = withoutInvalidNames(await readFileInventory(files, { cwd: ctx.cwd, signal: ctx.signal }));
  const find = manifestLookup(inventory.workloads, templateFingerprint);
  const out = new Map<PlanWorkload, Workload>();
  const problems: string[] = [];
  let changed = false;
  for (const pw of picked) {
    const m = find(pw);
    if ('workload' in m) out.set(pw, m.workload);
    else {
      problems.push(m.why);
      changed ||= m.problem === 'changed';
    }
  }
  if (problems.length === 0) return out;
  for (const e of inventory.errors)
    problems.push(
      `${e.file ?? e.namespace ?? ''}${e.document !== undefined ? ` document ${e.document}` : ''}: ${e.message}`,
    );
  const inputs = files.flatMap((f) => ['-f', f]).map((a) => (/^[A-Za-z0-9._/=:@%+-]+$/.test(a) ? a : shQuote(a)));
  const hint =
    plan.origin === 'cluster'
      ? 'this plan was read from the cluster: drop -f to try its live pod templates'
      : changed
        ? `plan again from the files as they are now (podsec plan ${inputs.join(' ')} --out NEW, with the same --answers) and try that plan, or restore the files the plan was made from`
        : `pass the manifests the plan was made from with -f, from the directory it was made in (use --workload to try only some)`;
  throw new UserError(
    `cannot try the manifests' pod templates: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`,
    hint,
  );
}

/**
 * A manifest's Deployment need not exist on the cluster, but its namespace and whatever admission
 * checks (service account, Pod Security, quotas) must let the trial pod in: each round-1 pod is
 * created with a server-side dry run first, and any refusal stops the run before a pod is created.
 */
async function admissible(
  client: ClusterSession['client'],
  workloads: ReadonlyMap<PlanWorkload, Workload>,
  proposer: (w: Workload) => (evidence: undefined) => import('../../fix/types.js').FixProposal,
  opts: { plan: string; suffix: () => string; allow: ReadonlyMap<string, string> },
): Promise<void> {
  const { dryRunTrialPod } = await import('../../cluster/trial.js');
  const { fixPhaseTemplate } = await import('../../fix/patches.js');
  const { trialPod, trialRefusal } = await import('../../trial/pod.js');
  const refused: string[] = [];
  const missing = new Set<string>();
  for (const [pw, w] of workloads) {
    // A copy the rules refuse is not created (and is recorded as refused): nothing to ask.
    if (trialRefusal(w) !== null && !opts.allow.has(keyOf(pw))) continue;
    const pod = trialPod(w, fixPhaseTemplate(proposer(w)(undefined)), {
      plan: opts.plan,
      round: 1,
      suffix: opts.suffix(),
    });
    const why = await dryRunTrialPod(client, pod);
    if (why === null) continue;
    refused.push(`${keyOf(pw)}: the API server refuses its trial pod in namespace ${w.namespace}: ${why.message}`);
    if (why.namespaceMissing) missing.add(w.namespace);
  }
  if (refused.length === 0) return;
  throw new UserError(
    `cannot try the manifests' pod templates: ${refused.length === 1 ? refused[0] : `\n  ${refused.join('\n  ')}`}`,
    missing.size > 0
      ? `the trial pod runs in the workload's namespace, which must exist (the workload need not): kubectl create namespace ${[...missing].join(' ')}; or leave the workload out with --workload`
      : 'fix what the API server names (e.g. create the service account the manifest uses), or leave the workload out with --workload',
  );
}

/** The `podsec plan` command that consumes the trial records (inputs named where the plan knows them). */
export function replanCommand(plan: Plan, dir: string, out: string, files: readonly string[] = []): string {
  const inputs =
    files.length > 0
      ? files.flatMap((f) => ['-f', f])
      : plan.origin === 'cluster'
        ? [
            ...plan.namespaces.filter((n) => !n.system).flatMap((n) => ['-n', n.name]),
            ...(plan.cluster !== null ? ['--context', plan.cluster.context] : []),
          ]
        : plan.origin === 'demo'
          ? ['<the demo inputs>']
          : ['-f', '<the same files>'];
  const quote = (a: string) => (/^[A-Za-z0-9._/=:@%+-]+$/.test(a) || a.startsWith('<') ? a : shQuote(a));
  return ['podsec', 'plan', ...inputs, '--trials', dir, '--out', out].map(quote).join(' ');
}

/** Access modes of the PVCs the template mounts (unknown claims are left out: refused as unknown). */
async function accessModes(
  client: import('../../cluster/client.js').KubeClient,
  w: Workload,
): Promise<Record<string, string[]>> {
  const vols = Array.isArray(w.template.spec['volumes'])
    ? (w.template.spec['volumes'] as Record<string, unknown>[])
    : [];
  const out: Record<string, string[]> = {};
  for (const v of vols) {
    const claim = (v['persistentVolumeClaim'] as { claimName?: string } | undefined)?.claimName;
    if (claim === undefined) continue;
    try {
      const pvc = (
        await client.get<{ spec?: { accessModes?: string[] } }>(
          `/api/v1/namespaces/${encodeURIComponent(w.namespace)}/persistentvolumeclaims/${encodeURIComponent(claim)}`,
        )
      ).body;
      out[claim] = pvc.spec?.accessModes ?? [];
    } catch {
      // unreadable: the refusal rule treats it as unknown
    }
  }
  return out;
}

/** Rewrites plan.json in place (atomically); the patch files and scripts are not touched. */
async function writePlanJson(dir: string, plan: unknown): Promise<void> {
  const file = join(dir, 'plan.json');
  await readFile(file); // still there
  const tmp = `${file}.trial-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(plan, null, 2)}\n`);
  await rename(tmp, file);
}
