// Shell: `podsec trial DIR [--workload KEY]... [--iterate N] [--timeout 60s] [--allow KEY=REASON]
// [--dry-run]`: runs each workload's patched pod template as a short-lived copy on the cluster
// (src/trial, src/cluster/trial.ts), records the result per workload in DIR/plan.json and prints
// each round. Leftover trial pods of an earlier run are removed first. Patch files are never
// rewritten here: when the trials contradict them, it prints the `podsec plan ... --trials DIR`
// command whose new plan carries the fixes that passed and holds the ones that failed.

import { randomBytes } from 'node:crypto';
import { readFile, writeFile, rename } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { EXIT, UsageError, UserError } from '../../errors.js';
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
  const dryRun = flags.dryRun;
  const { connect } = await import('../../cluster/connect.js');
  const kubeconfig = flags.kubeconfig;
  const context = flags.context ?? plan.cluster?.context;
  const session = await connect({ kubeconfig, context, newestPolicyMinor: NEWEST_MINOR }, ctx);
  const { clusterTrialPort, removeLeftovers } = await import('../../cluster/trial.js');
  const { workloadPath } = await import('../../cluster/apply-cluster.js');
  const { loadImageCatalogue } = await import('../../files/catalogue.js');
  const { proposeFix } = await import('../../fix/propose.js');
  const { trialWorkload } = await import('../../trial/loop.js');
  const { trialPod, trialRefusal } = await import('../../trial/pod.js');
  const { templateFingerprint } = await import('../../files/generate-plan.js');
  const catalogue = await loadImageCatalogue(ctx.templatesDir);
  const say = (l: string) => ctx.io.err(`${l}\n`);
  const namespaces = [...new Set(picked.map((w) => w.namespace))].sort();
  const port = dryRun ? undefined : await clusterTrialPort(session.kc, session.client);
  let failed = 0;
  try {
    if (!dryRun) {
      const left = await removeLeftovers(session.kc, namespaces);
      for (const p of left) say(`removed trial pod ${p} left behind by an earlier run`);
    }
    for (const pw of picked) {
      const key = keyOf(pw);
      const live = (await session.client.get<Record<string, unknown>>(workloadPath(pw))).body;
      const t = extractPodTemplate(live);
      if (t === null) throw new UserError(`${key} has no pod template on the cluster`);
      const w: Workload = {
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
      if (templateFingerprint(t.template) !== pw.fingerprint)
        say(
          `${key}: its pod template on the cluster differs from the one the plan read: the trial tries the live one, and a new plan uses its record only if it reads the same template`,
        );
      const target = plan.namespaces.find((n) => n.name === pw.namespace)?.target ?? plan.target;
      const propose = (evidence: Parameters<typeof proposeFix>[1]['evidence']) =>
        proposeFix(w, {
          target,
          version: plan.policyVersion,
          answers: plan.decisions.answers,
          catalogue,
          harden: plan.decisions.harden,
          evidence,
        });
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
            `---\n${stringify(trialPod(w, propose(undefined).patchedTemplate, { plan: basename(dir), round: 1, suffix: 'xxxxx' }), { lineWidth: 0 })}`,
          );
        continue;
      }
      const { record } = await trialWorkload(w, port!, {
        plan: basename(dir),
        iterate,
        timeoutMs,
        signal: ctx.signal,
        propose,
        suffix: () => randomBytes(3).toString('hex').slice(0, 5),
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
        `the patch files of ${dir} do not carry what the trials showed, so \`podsec apply ${args[0] ?? dir}\` refuses these patches (apply.sh and the kustomize components do not read plan.json: do not use them). Plan again with the trial records, with the same inputs and --answers as before:\n  ${replanCommand(plan, args[0] ?? dir, next)}\nthe new plan carries the fixes that passed and holds the patches whose trial failed (review, namespace kept below the level they block)`,
      );
    }
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}

/** The `podsec plan` command that consumes the trial records (inputs named where the plan knows them). */
export function replanCommand(plan: Plan, dir: string, out: string): string {
  const inputs =
    plan.origin === 'cluster'
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
