// Shell: what `podsec apply` and `podsec rollback` share: reading the plan, connecting and
// checking the cluster identity, the ports (API server, journal, plan files), line-mode
// confirmations with @inquirer/prompts (loaded lazily), and printing a phase report.

import { createHash, randomUUID } from 'node:crypto';
import type { PhaseReport } from '../apply/apply-phase.js';
import type { ApplyPorts, Confirm } from '../apply/ports.js';
import type { RunOptions } from '../apply/run.js';
import { OUTCOME_LABEL as LABEL, PhaseStopped } from '../apply/run.js';
import { applyCluster } from '../cluster/apply-cluster.js';
import { connect, type ClusterSession } from '../cluster/connect.js';
import { CancelledError, UsageError, UserError } from '../errors.js';
import { fileJournal } from '../files/journal.js';
import { planFileReader } from '../files/plan-files.js';
import { readPlan } from '../files/read-plan.js';
import { stableStringify } from '../plan/names.js';
import type { Plan } from '../plan/plan-schema.js';
import { NEWEST_MINOR } from '../policy/index.js';
import type { CommandContext } from './context.js';
import { resolveMode } from './mode.js';

export interface ApplyFlags {
  phase?: string;
  namespace: string[];
  kubeconfig?: string;
  context?: string;
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  /** apply only: use plan files whose digest differs from plan.json (never implied by --force). */
  acceptModifiedPlanFiles: boolean;
  timeoutSeconds: number;
  wait: 'ready' | 'admitted';
}

/** Reads the flags commander parsed for apply/rollback. */
export function applyFlags(flags: Record<string, unknown>): ApplyFlags {
  const str = (k: string) => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const timeout = Number(str('timeout') ?? '300');
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new UsageError(`--timeout must be a number of seconds, got "${str('timeout')}"`);
  const wait = str('wait') ?? 'ready';
  if (wait !== 'ready' && wait !== 'admitted') throw new UsageError(`--wait must be ready or admitted, got "${wait}"`);
  const out: ApplyFlags = {
    namespace: Array.isArray(flags['namespace']) ? (flags['namespace'] as string[]) : [],
    yes: flags['yes'] === true,
    dryRun: flags['dryRun'] === true,
    force: flags['force'] === true,
    acceptModifiedPlanFiles: flags['acceptModifiedPlanFiles'] === true,
    timeoutSeconds: timeout,
    wait,
  };
  for (const k of ['phase', 'kubeconfig', 'context'] as const) {
    const v = str(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** A connected session with the plan, checked against the cluster it was made for. */
export interface ApplySession {
  dir: string;
  plan: Plan;
  session: ClusterSession;
  ports: ApplyPorts;
  confirm: Confirm;
}

/** The options of an apply or rollback phase from the command line (progress on stderr). */
export function runOptions(s: ApplySession, f: ApplyFlags, ctx: CommandContext): RunOptions {
  return {
    confirm: s.confirm,
    progress: (l) => ctx.io.err(`${l}\n`),
    dryRun: f.dryRun,
    force: f.force,
    assumeYes: f.yes,
    namespaces: f.namespace,
  };
}

/** Reads the plan, connects, refuses another cluster (unless --force), builds the ports. */
export async function openApplySession(
  args: string[],
  f: ApplyFlags,
  ctx: CommandContext,
  command: string,
): Promise<ApplySession> {
  const dir = args[0];
  if (!dir) throw new UsageError(`podsec ${command} needs the plan directory`, `podsec ${command} plans/podsec`);
  const plan = await readPlan(dir);
  const requestMs = Number(ctx.env['PODSEC_TEST_REQUEST_TIMEOUT_MS'] ?? '0');
  const client = {
    // Retries are progress: an API server restarting shows as retries, not as a silent pause.
    onRetry: (r: { method: string; path: string; attempt: number; delayMs: number; reason: string }) =>
      ctx.io.err(
        `API server: ${r.method} ${r.path.split('?')[0]} failed (${r.reason}); retry ${r.attempt} in ${(r.delayMs / 1000).toFixed(1)} s\n`,
      ),
    ...(requestMs > 0 ? { timeoutMs: requestMs } : {}),
  };
  const session = await connect(
    {
      ...(f.kubeconfig !== undefined ? { kubeconfig: f.kubeconfig } : {}),
      ...(f.context !== undefined ? { context: f.context } : {}),
      client,
      newestPolicyMinor: NEWEST_MINOR,
    },
    ctx,
  );
  if (plan.cluster && (plan.cluster.server !== session.server || plan.cluster.context !== session.context)) {
    const what = `the plan was made for context "${plan.cluster.context}" (${plan.cluster.server}), but the current one is "${session.context}" (${session.server})`;
    if (!f.force) {
      session.client.close();
      throw new UserError(what, 'select the right context with --context, or pass --force to use this cluster anyway');
    }
    ctx.io.err(`warning: ${what} (continuing: --force)\n`);
  } else if (!plan.cluster) {
    ctx.io.err(
      `note: the plan was made from ${plan.origin === 'demo' ? 'the demo inventory' : 'manifest files'}; applying it to context "${session.context}"\n`,
    );
  }
  const exitAfter = Number(ctx.env['PODSEC_TEST_EXIT_AFTER_WRITES'] ?? '0');
  const killAfterEvent = Number(ctx.env['PODSEC_TEST_KILL_AFTER_EVENT'] ?? '0');
  const ports = await makeApplyPorts(dir, session, ctx, {
    plan,
    timeoutMs: f.timeoutSeconds * 1000,
    wait: f.wait,
    exitAfterWrites: exitAfter,
    killAfterEvent,
    acceptModifiedPlanFiles: f.acceptModifiedPlanFiles,
    warn: (l) => ctx.io.err(`${l}\n`),
  });
  return { dir, plan, session, ports, confirm: makeConfirm(ctx, f, command) };
}

/**
 * The shell ports for applying the plan in `dir` through a connected session (the wizard uses
 * this too). Test hooks: the process dies like a crash (SIGKILL: no cleanup, no journal result)
 * right after `exitAfterWrites` real cluster writes, or after `killAfterEvent` write events
 * (journal appends and real cluster writes, counted together: every write boundary).
 */
export async function makeApplyPorts(
  dir: string,
  session: ClusterSession,
  ctx: Pick<CommandContext, 'now' | 'signal'>,
  opts: {
    /** The plan read from `dir`: its file digests check every patch file before use. */
    plan: Plan;
    timeoutMs: number;
    wait: 'ready' | 'admitted';
    exitAfterWrites?: number;
    killAfterEvent?: number;
    /** --accept-modified-plan-files: an edited plan file is used (with a warning) instead of refused. */
    acceptModifiedPlanFiles?: boolean;
    warn?: (line: string) => void;
  },
): Promise<ApplyPorts> {
  let writes = 0;
  let events = 0;
  const exitAfter = opts.exitAfterWrites ?? 0;
  const killAfter = opts.killAfterEvent ?? 0;
  const event = () => {
    if (killAfter > 0 && ++events >= killAfter) process.kill(process.pid, 'SIGKILL');
  };
  const cluster = applyCluster(session.client, session.kc, {
    rollout: { timeoutMs: opts.timeoutMs, wait: opts.wait, signal: ctx.signal },
    afterWrite: () => {
      if (exitAfter > 0 && ++writes >= exitAfter) process.kill(process.pid, 'SIGKILL');
      event();
    },
  });
  const journal = fileJournal(dir);
  return {
    cluster,
    journal:
      killAfter > 0
        ? {
            read: () => journal.read(),
            lock: (command: string) => journal.lock(command),
            append: async (e) => {
              await journal.append(e);
              event();
            },
          }
        : journal,
    readPlanFile: planFileReader(dir, opts.plan, {
      acceptModified: opts.acceptModifiedPlanFiles === true,
      warn: opts.warn ?? (() => undefined),
    }),
    fingerprint: (template) => createHash('sha256').update(stableStringify(template)).digest('hex'),
    now: ctx.now,
    user: await whoAmI(session),
    runId: `${ctx.now().toISOString()}-${randomUUID().slice(0, 8)}`,
  };
}

/** The user name as the API server sees it (SelfSubjectReview), else the kubeconfig user. */
async function whoAmI(session: ClusterSession): Promise<string> {
  try {
    const res = await session.client.post<{ status?: { userInfo?: { username?: string } } }>(
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      },
    );
    const name = res.body.status?.userInfo?.username;
    if (name) return name;
  } catch {
    // older servers or no permission: fall back to the kubeconfig's user name
  }
  return session.kc.getCurrentUser()?.name ?? 'unknown';
}

/** Line-mode confirm; in headless mode a needed answer is a UsageError naming --yes. */
function makeConfirm(ctx: CommandContext, f: ApplyFlags, command: string): Confirm {
  const mode = resolveMode({
    stdinIsTTY: ctx.io.stdinIsTTY,
    stdoutIsTTY: ctx.io.stdoutIsTTY,
    env: ctx.env,
    flags: ctx.globals,
  });
  return async (q) => {
    if (mode === 'headless') {
      throw new UsageError(
        `podsec ${command} needs a confirmation in a non-interactive run: ${q.message}`,
        'pass --yes to confirm (risky steps are then refused unless --force), or --dry-run to only check',
      );
    }
    for (const d of q.details) ctx.io.err(`  ${d}\n`);
    const { confirm } = await import('@inquirer/prompts');
    try {
      return await confirm({ message: q.message, default: q.default }, { signal: ctx.signal, output: process.stderr });
    } catch (err) {
      if (err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError'))
        throw new CancelledError();
      throw err;
    }
  };
}

/**
 * Runs a phase; one stopped part-way (a journal write failed) still prints what was done and what
 * was not, then its error is thrown as it was (message and exit code).
 */
export async function reportingStops(
  verb: string,
  ctx: CommandContext,
  runPhase: () => Promise<PhaseReport>,
): Promise<PhaseReport> {
  try {
    return await runPhase();
  } catch (err) {
    if (!(err instanceof PhaseStopped)) throw err;
    ctx.io.out(formatReport(err.report, verb));
    throw err.error;
  }
}

/** The report as text for stdout. */
export function formatReport(report: PhaseReport, verb: string): string {
  const lines = [`${verb} ${report.phase}${report.dryRun ? ' (dry run: nothing was written)' : ''}`];
  if (report.outcomes.length === 0) lines.push('  nothing to do');
  for (const o of report.outcomes) {
    lines.push(`  ${LABEL[o.outcome].padEnd(12)} ${o.target}: ${o.message}`);
    for (const d of o.details) lines.push(`  ${''.padEnd(12)}   ${d}`);
  }
  const counts = new Map<string, number>();
  for (const o of report.outcomes) counts.set(LABEL[o.outcome], (counts.get(LABEL[o.outcome]) ?? 0) + 1);
  if (counts.size > 0) lines.push(`summary: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/** 1 when a step failed, was refused or skipped; else 0. */
export function reportExitCode(report: PhaseReport): number {
  return report.outcomes.some((o) => o.outcome === 'failed' || o.outcome === 'refused' || o.outcome === 'skipped')
    ? 1
    : 0;
}
