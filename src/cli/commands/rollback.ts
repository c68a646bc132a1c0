// Shell: `podsec rollback DIR [--phase ID] [--namespace NS] [--yes] [--dry-run] [--force]`: restores the state a
// phase recorded in the journal, newest change first (src/apply/rollback-phase.ts).

import { rollbackPhase } from '../../apply/rollback-phase.js';
import { lastAppliedPhase } from '../../apply/steps.js';
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

/** Runs `podsec rollback`; returns the exit code. */
export async function run(flags: Flags, args: string[], ctx: CommandContext): Promise<number> {
  const f = applyFlags(flags);
  const s = await openApplySession(args, f, ctx, 'rollback');
  try {
    const entries = await s.ports.journal.read();
    const phase = f.phase ?? lastAppliedPhase(s.plan, entries, f.namespace)?.id;
    if (!phase) {
      ctx.io.out('nothing to roll back: the journal records no applied change\n');
      return EXIT.ok;
    }
    const report = await reportingStops('rollback', ctx, () =>
      rollbackPhase(s.plan, phase, runOptions(s, f, ctx), s.ports),
    );
    ctx.io.out(formatReport(report, 'rollback'));
    return reportExitCode(report);
  } finally {
    s.session.client.close();
  }
}
