// Shell: the headless driver of the wizard: decisions from flags (the current context, every
// recommended fix, the plan written), run by the session runner in src/wizard/runner.ts.

import { CancelledError, InternalError, UsageError, UserError } from '../errors.js';
import { driveSession, SessionRunner, type Decider } from '../wizard/runner.js';
import type { WizardPorts } from '../wizard/ports.js';
import type { WizardState } from '../wizard/state.js';

/**
 * Headless decisions: the current kubeconfig context, every recommended fix accepted (answers from
 * --answers), the plan written. Fails with the flag to pass when an answer is missing.
 */
export const headlessDecider: Decider = (state) => {
  switch (state.step) {
    case 'cluster': {
      const current = (state.contexts ?? []).find((c) => c.current);
      if (current === undefined)
        throw new UsageError('no kubeconfig context selected for a non-interactive run', 'pass --context NAME');
      return { type: 'pickContext', name: current.name };
    }
    case 'overview':
    case 'namespace':
      return { type: 'openPlan' };
    case 'plan':
      if (state.conflict !== null)
        throw new UserError(
          state.error ?? `${state.conflict.dir} is in the way`,
          `pass --out ${state.conflict.suggestion} (a new directory)${state.conflict.canOverwrite ? ', or --force to replace it' : ''}`,
        );
      if (state.error !== null) throw new UserError(state.error);
      return { type: 'writePlan' };
    case 'written':
      return { type: 'select' };
    case 'apply':
      // Headless sessions never open the Apply step (`podsec apply --yes` is the headless way).
      return state.question !== null ? { type: 'confirm', yes: false } : { type: 'quit' };
    case 'failed':
      throw new UserError(state.message, state.hint ?? undefined);
    case 'confirmQuit':
      return { type: 'confirm', yes: true };
    case 'scanning':
    case 'done':
      return null;
  }
};

/** Runs a whole session headless; prints the plan summary on stdout; returns the exit code. */
export async function runHeadless(
  start: WizardState,
  ports: WizardPorts,
  io: { out(t: string): void; err(t: string): void },
  signal: AbortSignal,
): Promise<number> {
  let written: string | null = null;
  let announced = false;
  const runner = new SessionRunner(start, ports, {
    onState: (s) => {
      if (s.step === 'written') written = s.result.report;
      if (s.step === 'overview' && !announced) {
        announced = true;
        io.err(
          `podsec: read ${s.session.inventory.workloads.length} workloads in ${new Set(s.session.inventory.workloads.map((w) => w.namespace)).size} namespaces\n`,
        );
      }
    },
  });
  const end = await driveSession(runner, headlessDecider, signal);
  if (written !== null) io.out(written);
  if (end.step === 'done') {
    if (end.exitCode === 130) throw new CancelledError();
    return end.exitCode;
  }
  throw new InternalError(`the headless session stopped at step ${end.step}`);
}
