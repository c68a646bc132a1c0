// `podsec` with no command: the guided session on a live cluster (context picker first) or on
// manifest files (-f). Headless runs need --out (where the plan goes). Shell.

import { UsageError } from '../../errors.js';
import { initialState } from '../../wizard/state.js';
import type { CommandContext } from '../context.js';
import { runSession, sessionMode } from '../session.js';
import { fileSource, livePorts, offlinePorts } from '../wizard-ports.js';
import type { Flags } from '../flags.js';

/** Runs the guided session; returns the exit code. */
export async function run(flags: Flags, _args: string[], ctx: CommandContext): Promise<number> {
  const mode = sessionMode(ctx);
  const out = flags.out;
  if (mode === 'headless' && out === undefined) {
    throw new UsageError(
      'a non-interactive session needs to know where to write the plan: pass --out DIR',
      'or run `podsec plan --out DIR` for a plan without the session',
    );
  }
  const { loadAnswersFile } = await import('../../files/answers-file.js');
  const answers = await loadAnswersFile(flags.answers, ctx.cwd);
  const force = flags.force;
  const files = flags.file;
  const context = flags.context;
  const kubeconfig = flags.kubeconfig;
  if (files.length > 0) {
    const ports = offlinePorts(ctx, fileSource(ctx, files), { answers, force });
    return runSession(
      mode,
      initialState({ live: false, context: null, outDir: out ?? 'plans/podsec' }),
      ports,
      ctx,
      `podsec: manifests ${files.join(', ')}`,
    );
  }
  const source = {
    file: [],
    namespace: flags.namespace,
    allNamespaces: flags.allNamespaces,
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    ...(context !== undefined ? { context } : {}),
  };
  const ports = livePorts(ctx, { answers, force, source });
  const start = initialState({ live: true, context: context ?? null, outDir: out ?? `plans/${context ?? 'podsec'}` });
  return runSession(mode, start, ports, ctx, 'podsec: guided migration to the restricted Pod Security Standard');
}
