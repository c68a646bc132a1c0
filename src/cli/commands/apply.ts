// Shell: `podsec apply DIR [--phase ID] [--namespace NS] [--yes] [--dry-run] [--force]`: applies
// one phase of a plan (the next one not applied by default) through src/apply/apply-phase.ts.

import { applyPhase } from '../../apply/apply-phase.js';
import { nextPhase } from '../../apply/steps.js';
import { EXIT } from '../../errors.js';
import {
  applyFlags,
  formatReport,
  openApplySession,
  reportExitCode,
  reportingStops,
  runOptions,
} from '../apply-runner.js';
import type { CommandContext } from '../context.js';
import type { Flags } from '../flags.js';

/** Runs `podsec apply`; returns the exit code. */
export async function run(flags: Flags, args: string[], ctx: CommandContext): Promise<number> {
  const f = applyFlags(flags);
  const s = await openApplySession(args, f, ctx, 'apply');
  try {
    const entries = await s.ports.journal.read();
    const phase = f.phase ?? nextPhase(s.plan, entries, f.namespace)?.id;
    if (!phase) {
      ctx.io.out('every phase of the plan is applied\n');
      return EXIT.ok;
    }
    const report = await reportingStops('apply', ctx, () => applyPhase(s.plan, phase, runOptions(s, f, ctx), s.ports));
    ctx.io.out(formatReport(report, 'apply'));
    if (report.stoppedAt) {
      ctx.io.err(
        `the phase stopped at a failed rollout (${report.stoppedAt}); to undo the phase: podsec rollback ${s.dir} --phase ${phase}\n`,
      );
    } else if (!f.dryRun && reportExitCode(report) === 0) {
      const next = nextPhase(s.plan, await s.ports.journal.read(), f.namespace);
      ctx.io.err(next ? `next: podsec apply ${s.dir} --phase ${next.id}\n` : 'every phase of the plan is applied\n');
    }
    return reportExitCode(report);
  } finally {
    s.session.client.close();
  }
}
