// Shell: the wizard's Apply step on a live cluster: reads the written plan and its journal, and
// runs one phase (server-side dry run or real) through makeApplyPorts + applyPhase, asking the
// phase's confirmations through the wizard's own UI.

import type { ApplyOverview, ApplyPort } from '../wizard/ports.js';
import type { CommandContext } from './context.js';

/** How the Apply step connects: the kubeconfig and the context the session scanned. */
export interface ApplyTarget {
  kubeconfig?: string | undefined;
  context: () => string | undefined;
  /** Rollout timeout per workload step. */
  timeoutMs?: number;
}

/** The Apply port over the cluster of the session (a new connection per run, closed after it). */
export function liveApplyPort(ctx: CommandContext, target: ApplyTarget): ApplyPort {
  return {
    async overview(dir, signal): Promise<ApplyOverview> {
      signal.throwIfAborted();
      const [{ readPlan }, { fileJournal }, { nextPhase, phaseDone }] = await Promise.all([
        import('../files/read-plan.js'),
        import('../files/journal.js'),
        import('../apply/index.js'),
      ]);
      const plan = await readPlan(dir);
      const entries = await fileJournal(dir).read();
      return {
        dir,
        phases: plan.phases.map((p) => {
          const mine = entries.filter((e) => e.phase === p.id && e.action === 'apply');
          const appliedNamespaces = p.namespaces.filter(
            (n) => mine.some((e) => e.namespace === n) && phaseDone(p, entries, [n]),
          );
          // Started and not finished: a namespace with journal entries for this phase that is not done.
          const interrupted = p.namespaces.some(
            (n) => mine.some((e) => e.namespace === n) && !appliedNamespaces.includes(n),
          );
          return {
            id: p.id,
            title: p.title,
            namespaces: [...p.namespaces],
            done: phaseDone(p, entries),
            journalEntries: mine.length,
            appliedNamespaces,
            interrupted,
          };
        }),
        next: nextPhase(plan, entries)?.id ?? null,
      };
    },
    async runPhase(dir, run, progress, confirm, signal) {
      const rctx = { ...ctx, signal: AbortSignal.any([ctx.signal, signal]) };
      const [{ readPlan }, { applyPhase, PhaseStopped }, { connect }, { makeApplyPorts }, { NEWEST_MINOR }] =
        await Promise.all([
          import('../files/read-plan.js'),
          import('../apply/index.js'),
          import('../cluster/connect.js'),
          import('./apply-runner.js'),
          import('../policy/index.js'),
        ]);
      const plan = await readPlan(dir);
      const context = target.context();
      const session = await connect(
        {
          ...(target.kubeconfig !== undefined ? { kubeconfig: target.kubeconfig } : {}),
          ...(context !== undefined ? { context } : {}),
          newestPolicyMinor: NEWEST_MINOR,
        },
        rctx,
      );
      try {
        const ports = await makeApplyPorts(dir, session, rctx, {
          plan,
          timeoutMs: target.timeoutMs ?? 300_000,
          wait: 'ready',
          warn: progress,
        });
        // Stopped part-way (a journal write failed): the report says what was done and where it stopped.
        const report = await applyPhase(
          plan,
          run.phase,
          {
            confirm,
            progress,
            dryRun: run.dryRun,
            force: false,
            assumeYes: false,
            phaseConfirmed: run.confirmed,
            namespaces: run.namespaces,
          },
          ports,
        ).catch((err: unknown) => {
          if (err instanceof PhaseStopped) return err.report;
          throw err;
        });
        return { phase: report.phase, dryRun: report.dryRun, outcomes: report.outcomes, stoppedAt: report.stoppedAt };
      } finally {
        session.client.close();
      }
    },
  };
}
