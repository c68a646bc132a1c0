// Fixer for capabilities_restricted: drop ALL on every container; added capabilities other than
// NET_BIND_SERVICE are removed (review) or block a node agent. Pure.

import { isObj } from '../draft.js';
import type { FixContext } from '../context.js';
import { containerSc, containersOf, hostOr, meta, q, scPath, type Fixer } from './shared.js';
import type { CheckId } from '../../policy/types.js';

/** Removes the capabilities `bad` rejects from every container's add list (or blocks). */
export function removeAddedCapabilities(ctx: FixContext, check: CheckId, bad: (cap: string) => boolean): void {
  for (const ref of containersOf(ctx)) {
    const caps = containerSc(ctx, ref)['capabilities'];
    const add = isObj(caps) && Array.isArray(caps['add']) ? caps['add'].map(String) : [];
    const removed = add.filter(bad);
    if (removed.length === 0) continue;
    hostOr(ctx, check, `${q(ref)} adds ${removed.join(', ')}`, () => {
      const keep = add.filter((c) => !bad(c));
      const m = meta(
        check,
        `${q(ref)} loses ${removed.join(', ')}: check the program does not need ${removed.length > 1 ? 'them' : 'it'}`,
        {
          behavioural: true,
          confidence: 'medium',
        },
      );
      if (keep.length === 0) ctx.draft.remove(scPath(ref, 'capabilities', 'add'), m);
      else ctx.draft.set(scPath(ref, 'capabilities', 'add'), keep, m);
    });
  }
}

export const fixCapabilitiesRestricted: Fixer = (ctx) => {
  for (const ref of containersOf(ctx)) {
    const caps = containerSc(ctx, ref)['capabilities'];
    const drop = isObj(caps) && Array.isArray(caps['drop']) ? caps['drop'] : [];
    if (drop.includes('ALL')) continue;
    ctx.draft.set(
      scPath(ref, 'capabilities', 'drop'),
      ['ALL'],
      meta('capabilities_restricted', `${q(ref)} drops every Linux capability it does not explicitly add back`),
    );
  }
  removeAddedCapabilities(ctx, 'capabilities_restricted', (c) => c !== 'NET_BIND_SERVICE');
};
