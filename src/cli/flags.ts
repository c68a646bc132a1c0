// The command-line flags, typed once: commander's option values (merged global and command
// options) are checked and normalised here, in the one place they enter, and every command reads
// the typed result instead of re-casting `Record<string, unknown>` values itself.

import { z } from 'zod';
import { UsageError } from '../errors.js';

const text = z.string().optional();
/** A repeatable flag: commander collects it into a list (a single value is accepted too). */
const list = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));
const on = z.boolean().optional().default(false);

export const flagsSchema = z.object({
  // source (scan, plan, wizard, demo; trial reads -f manifests again)
  file: list,
  kubeconfig: text,
  context: text,
  namespace: list,
  allNamespaces: on,
  // global
  nonInteractive: on,
  line: on,
  color: z.boolean().optional().default(true),
  // scan
  level: z.enum(['baseline', 'restricted']).optional(),
  version: text,
  output: z.enum(['table', 'json', 'yaml', 'markdown', 'sarif']).optional().default('table'),
  exitCode: on,
  verify: z.boolean().optional(),
  // plan, demo, wizard
  out: text,
  answers: text,
  force: on,
  target: z.enum(['baseline', 'restricted']).optional(),
  exempt: list,
  harden: on,
  evidence: on,
  probe: on,
  yes: on,
  trials: text,
  chart: text,
  values: list,
  release: text,
  editSources: on,
  dryRun: on,
  // apply, rollback, trial
  phase: text,
  timeout: text,
  wait: text,
  acceptModifiedPlanFiles: on,
  iterate: text,
  allow: list,
  workload: list,
});

export type Flags = z.infer<typeof flagsSchema>;

/** The typed flags; a value of the wrong type is a usage error naming the flag. */
export function parseFlags(raw: Record<string, unknown>): Flags {
  const res = flagsSchema.safeParse(raw);
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  const flag = `--${String(issue.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new UsageError(`${flag}: ${issue.message}`);
}
