// Fixer for allowPrivilegeEscalation: sets it to false on every container. Pure.

import { containerSc, containersOf, meta, q, scPath, type Fixer } from './shared.js';

export const fixAllowPrivilegeEscalation: Fixer = (ctx) => {
  for (const ref of containersOf(ctx)) {
    if (containerSc(ctx, ref)['allowPrivilegeEscalation'] === false) continue;
    ctx.draft.set(
      scPath(ref, 'allowPrivilegeEscalation'),
      false,
      meta('allowPrivilegeEscalation', `${q(ref)} cannot gain privileges through setuid binaries (no_new_privs)`),
    );
  }
};
