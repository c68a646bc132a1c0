// `podsec demo`: the guided session on the bundled demo estate (templates/demo), no cluster
// needed; writes its plan to ./plans/demo (or --out). Shell.

import { join } from 'node:path';
import type { CommandContext } from '../context.js';
import { initialState } from '../../wizard/state.js';
import { runSession, sessionMode } from '../session.js';
import { demoSource, offlinePorts } from '../wizard-ports.js';

/** The demo's bundled decisions, inside templatesDir. */
export const DEMO_ANSWERS_FILE = 'demo/answers.yaml';

const optString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Runs the demo session; returns the exit code. */
export async function run(flags: Record<string, unknown>, _args: string[], ctx: CommandContext): Promise<number> {
  const { loadAnswersFile } = await import('../../files/answers-file.js');
  const given = optString(flags['answers']);
  // Without --answers the demo starts from its bundled decisions (templates/demo/answers.yaml).
  const answers = await loadAnswersFile(given ?? join(ctx.templatesDir, DEMO_ANSWERS_FILE), ctx.cwd);
  const outDir = optString(flags['out']) ?? 'plans/demo';
  const ports = offlinePorts(ctx, demoSource(ctx), { answers, force: flags['force'] === true });
  const start = initialState({ live: false, context: 'demo', outDir });
  return runSession(sessionMode(ctx), start, ports, ctx, 'podsec demo: the bundled demo estate (no cluster)');
}
