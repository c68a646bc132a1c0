// `podsec scan` (placeholder until its issue lands; replaced by the owning work).

import { UserError } from '../../errors.js';
import type { CommandContext } from '../context.js';

export async function run(_flags: Record<string, unknown>, _args: string[], _ctx: CommandContext): Promise<number> {
  throw new UserError('podsec scan is not available in this build yet');
}
