// Fixer for hostProbesAndHostLifecycle: removes `host` from probe and lifecycle handlers so
// they target the pod's own IP (review). Pure.

import { isObj } from '../draft.js';
import { containerObj } from '../context.js';
import { containersOf, meta, q, type Fixer } from './shared.js';

const HANDLERS: string[][] = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];

export const fixHostProbesAndHostLifecycle: Fixer = (ctx) => {
  for (const ref of containersOf(ctx)) {
    const c = containerObj(ctx, ref);
    for (const h of HANDLERS) {
      for (const kind of ['httpGet', 'tcpSocket']) {
        const path = [...ref.path, ...h, kind, 'host'];
        const host = ctx.draft.get(path);
        if (typeof host !== 'string' || host === '' || !isObj(c)) continue;
        ctx.draft.remove(
          path,
          meta('hostProbesAndHostLifecycle', `${q(ref)} ${h.join('.')} checks the pod itself instead of host ${host}`, {
            behavioural: true,
            confidence: 'medium',
          }),
        );
      }
    }
  }
};
