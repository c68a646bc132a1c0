// Fixer for hostNamespaces: removes hostNetwork/hostPID/hostIPC (review), or blocks a node
// agent. Pure.

import { hostOr, meta, type Fixer } from './shared.js';

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export const fixHostNamespaces: Fixer = (ctx) => {
  const used = FIELDS.filter((f) => ctx.draft.spec[f] === true);
  if (used.length === 0) return;
  hostOr(ctx, 'hostNamespaces', `uses ${used.join(', ')}`, () => {
    for (const f of used) {
      ctx.draft.remove(
        ['spec', f],
        meta(
          'hostNamespaces',
          `the pod gets its own ${f.slice(4).toLowerCase()} namespace instead of the node's: confirm it does not need the host's`,
          {
            behavioural: true,
            confidence: 'medium',
          },
        ),
      );
    }
  });
};
