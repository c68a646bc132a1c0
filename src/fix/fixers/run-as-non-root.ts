// Fixer for runAsNonRoot: pod-level runAsNonRoot=true, explicit false removed, and a numeric
// non-root UID for every container newly covered (src/fix/identity.ts). Pure.

import { ensureIdentity, runsAsNonRoot } from '../identity.js';
import { POD_SC, containerSc, containersOf, meta, podSc, q, scPath, type Fixer } from './shared.js';

export const fixRunAsNonRoot: Fixer = (ctx) => {
  const refs = containersOf(ctx);
  const uncovered = refs.filter((r) => !runsAsNonRoot(ctx, r));
  if (podSc(ctx)['runAsUser'] === 0) {
    ctx.draft.remove(
      [...POD_SC, 'runAsUser'],
      meta('runAsNonRoot', 'the pod must not default its containers to UID 0'),
    );
  }
  ctx.draft.set(
    [...POD_SC, 'runAsNonRoot'],
    true,
    meta('runAsNonRoot', 'the level requires every container to run as a non-root user'),
  );
  for (const ref of refs) {
    if (containerSc(ctx, ref)['runAsNonRoot'] === false) {
      ctx.draft.set(
        scPath(ref, 'runAsNonRoot'),
        true,
        meta('runAsNonRoot', `${q(ref)} must not opt out of runAsNonRoot`),
      );
    }
  }
  for (const ref of uncovered) ensureIdentity(ctx, ref, 'runAsNonRoot');
};
