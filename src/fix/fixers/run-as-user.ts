// Fixer for runAsUser: removes runAsUser=0 (pod or container) and gives the affected containers
// a known non-root UID instead. Pure.

import { ensureIdentity } from '../identity.js';
import { POD_SC, containerSc, containersOf, meta, podSc, type Fixer } from './shared.js';

export const fixRunAsUser: Fixer = (ctx) => {
  const podZero = podSc(ctx)['runAsUser'] === 0;
  if (podZero)
    ctx.draft.remove([...POD_SC, 'runAsUser'], meta('runAsUser', 'the pod must not default its containers to UID 0'));
  for (const ref of containersOf(ctx)) {
    const own = containerSc(ctx, ref)['runAsUser'];
    if (own === 0 || (podZero && own === undefined)) ensureIdentity(ctx, ref, 'runAsUser');
  }
};
