// Fixer for procMount (baseline) and procMount_restricted: removes a non-default procMount so
// the container gets the masked /proc (review: nested container builds need Unmasked). Pure.

import type { FixContext } from '../context.js';
import { containerSc, containersOf, meta, q, scPath, type Fixer } from './shared.js';
import type { CheckId } from '../../policy/types.js';

/** Removes procMount values other than Default. */
export function removeProcMount(ctx: FixContext, check: CheckId): void {
  for (const ref of containersOf(ctx)) {
    const pm = containerSc(ctx, ref)['procMount'];
    if (pm === undefined || pm === 'Default') continue;
    ctx.draft.remove(
      scPath(ref, 'procMount'),
      meta(check, `${q(ref)} gets the default masked /proc instead of ${String(pm)}`, {
        behavioural: true,
        confidence: 'medium',
      }),
    );
  }
}

export const fixProcMount: Fixer = (ctx) => removeProcMount(ctx, 'procMount');
