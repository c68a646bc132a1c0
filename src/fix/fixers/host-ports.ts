// Fixer for hostPorts: removes hostPort from container ports (reach the pod through a Service
// instead; review), or blocks a node agent. Pure.

import { isObj } from '../draft.js';
import { containerObj } from '../context.js';
import { containersOf, hostOr, meta, q, type Fixer } from './shared.js';

export const fixHostPorts: Fixer = (ctx) => {
  for (const ref of containersOf(ctx)) {
    const ports = containerObj(ctx, ref)['ports'];
    if (!Array.isArray(ports)) continue;
    ports.forEach((p: unknown, i) => {
      if (!isObj(p) || p['hostPort'] === undefined || p['hostPort'] === 0) return;
      hostOr(ctx, 'hostPorts', `${q(ref)} uses hostPort ${String(p['hostPort'])}`, () => {
        ctx.draft.remove(
          [...ref.path, 'ports', i, 'hostPort'],
          meta(
            'hostPorts',
            `${q(ref)} stops listening on node port ${String(p['hostPort'])}: expose it through a Service instead`,
            {
              behavioural: true,
              confidence: 'medium',
            },
          ),
        );
      });
    });
  }
};
