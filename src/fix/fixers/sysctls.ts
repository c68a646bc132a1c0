// Fixer for sysctls: removes the sysctls the level forbids (names taken from the engine's
// violation detail, so the version's allowed list is the engine's). Review: kernel tuning. Pure.

import { isObj } from '../draft.js';
import { POD_SC, meta, podSc, type Fixer } from './shared.js';

export const fixSysctls: Fixer = (ctx, violation) => {
  const bad = new Set(violation.detail.split(', '));
  const list = podSc(ctx)['sysctls'];
  if (!Array.isArray(list)) return;
  const keep = list.filter((s: unknown) => !(isObj(s) && bad.has(String(s['name']))));
  const m = meta(
    'sysctls',
    `remove kernel settings the level forbids (${[...bad].join(', ')}): confirm the program works without them`,
    {
      behavioural: true,
      confidence: 'medium',
    },
  );
  if (keep.length === 0) ctx.draft.remove([...POD_SC, 'sysctls'], m);
  else ctx.draft.set([...POD_SC, 'sysctls'], keep, m);
};
