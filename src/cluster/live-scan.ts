// Shell: the live branch of `podsec scan`: read the cluster, then (unless --no-verify) confirm the
// engine's verdicts with server-side dry-runs. Progress goes to stderr; nothing is ever changed.

import type { CommandContext, SourceFlags } from '../cli/context.js';
import type { Level } from '../policy/types.js';
import type { Inventory } from '../inventory/types.js';
import type { NamespaceVerification } from '../inventory/verification.js';
import { readLive, type ClusterReadOptions } from './inventory.js';
import { verifyNamespaces } from './verify.js';

export interface LiveScanOptions extends SourceFlags {
  /** true: --verify, false: --no-verify, undefined: verify when the user may patch namespaces. */
  verify?: boolean | undefined;
  /** --level (the target of verification; default restricted). */
  level?: Level | undefined;
  /** --version (overrides namespace pins). */
  version?: string | undefined;
  /** -o format: json/yaml/sarif output keeps stderr quiet unless it is a terminal. */
  output?: string | undefined;
  client?: NonNullable<ClusterReadOptions['client']>;
  /** Structured progress of the read (the wizard's scan screen). */
  onRead?: NonNullable<ClusterReadOptions['onRead']>;
}

export interface LiveScan {
  inventory: Inventory;
  /** Server policy minor that `latest` means on this cluster (evaluate with `v1.<policyMinor>`). */
  policyMinor: number;
  /** Per namespace; empty when verification was off or not permitted. */
  verification: Map<string, NamespaceVerification>;
  /** One-line notes for the user (e.g. why verification was skipped). */
  notes: string[];
}

/** Whether progress lines should be written: always on a terminal, never for machine output piped elsewhere. */
export function progressEnabled(ctx: Pick<CommandContext, 'io'>, output: string | undefined): boolean {
  if (ctx.io.stderrIsTTY) return true;
  return output === undefined || output === 'table' || output === 'markdown';
}

/** Reads and verifies a live cluster for `podsec scan`. */
export async function scanLive(opts: LiveScanOptions, ctx: CommandContext): Promise<LiveScan> {
  const started = ctx.now().getTime();
  const show = progressEnabled(ctx, opts.output);
  const progress = show ? (line: string) => ctx.io.err(`podsec: ${line}\n`) : undefined;
  const readOpts: ClusterReadOptions = { ...opts };
  if (progress) readOpts.progress = progress;
  const live = await readLive(readOpts, ctx);
  const notes: string[] = [];
  let verification = new Map<string, NamespaceVerification>();
  try {
    if (opts.verify === false) {
      notes.push('verification skipped (--no-verify)');
    } else {
      const res = await verifyNamespaces(live.session, live.inventory, live.pods, {
        target: opts.level ?? 'restricted',
        version: opts.version,
        ...(progress ? { progress } : {}),
      });
      verification = res.namespaces;
      if (res.note) notes.push(res.note);
    }
  } finally {
    live.session.client.close();
  }
  if (progress) {
    const secs = ((ctx.now().getTime() - started) / 1000).toFixed(1);
    progress(
      `scan finished in ${secs}s${verification.size ? `, ${verification.size} namespace(s) verified by dry-run` : ''}`,
    );
  }
  return { inventory: live.inventory, policyMinor: live.session.policyMinor, verification, notes };
}
