// Shell: reads a live cluster into an Inventory (issue 4 replaces this placeholder).

import { UserError } from '../errors.js';
import type { CommandContext, SourceFlags } from '../cli/context.js';
import type { Inventory } from '../inventory/types.js';

export interface ClusterReadOptions extends SourceFlags {
  /** Report progress lines (stderr) while listing. */
  progress?: (line: string) => void;
}

/** Lists namespaces and workloads of the selected context into an Inventory. */
export async function readClusterInventory(_opts: ClusterReadOptions, _ctx: CommandContext): Promise<Inventory> {
  throw new UserError('live cluster scans are not available in this build yet', 'scan manifests with -f PATH');
}
