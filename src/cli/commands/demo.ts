// `podsec demo`: the guided session on the bundled demo estate (templates/demo), no cluster
// needed; writes its plan to ./plans/demo (or --out). Shell.

import { join } from 'node:path';
import type { CommandContext } from '../context.js';
import { initialState } from '../../wizard/state.js';
import { runSession, sessionMode } from '../session.js';
import { demoSource, offlinePorts } from '../wizard-ports.js';
import type { Flags } from '../flags.js';

/** The demo's bundled decisions, inside templatesDir. */
export const DEMO_ANSWERS_FILE = 'demo/answers.yaml';

/** Runs the demo session; returns the exit code. */
export async function run(flags: Flags, _args: string[], ctx: CommandContext): Promise<number> {
  const load = async (file: string) => (await import('../../files/answers-file.js')).loadAnswersFile(file, ctx.cwd);
  const given = flags.answers;
  // A given --answers file is checked before the session starts (a bad file is a one-line error);
  // without it the demo's bundled decisions (templates/demo/answers.yaml) are read during the scan,
  // after the first frame (yaml and zod take about 80 ms to load).
  const answers = given !== undefined ? await load(given) : () => load(join(ctx.templatesDir, DEMO_ANSWERS_FILE));
  const outDir = flags.out ?? 'plans/demo';
  const ports = offlinePorts(ctx, demoSource(ctx), { answers, force: flags.force });
  const start = initialState({ live: false, context: 'demo', outDir });
  return runSession(sessionMode(ctx), start, ports, ctx, 'podsec demo: the bundled demo estate (no cluster)');
}
