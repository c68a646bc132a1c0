// Fixer for seLinuxOptions: removes SELinux user, role and types the level forbids (the runtime
// then assigns container_t). Review: a custom type usually grants access the program uses. Pure.

import { isObj, type Segment } from '../draft.js';
import { effectiveMinor } from '../../policy/index.js';
import { POD_SC, containersOf, meta, q, scPath, type Fixer } from './shared.js';

export const fixSeLinuxOptions: Fixer = (ctx) => {
  const engineOk = effectiveMinor(ctx.version) >= 31;
  const allowed = [
    '',
    'container_t',
    'container_init_t',
    'container_kvm_t',
    ...(engineOk ? ['container_engine_t'] : []),
  ];
  const places: [Segment[], string][] = [
    [[...POD_SC, 'seLinuxOptions'], 'the pod'],
    ...containersOf(ctx).map((r): [Segment[], string] => [scPath(r, 'seLinuxOptions'), q(r)]),
  ];
  for (const [path, who] of places) {
    const opts = ctx.draft.get(path);
    if (!isObj(opts)) continue;
    for (const field of ['type', 'user', 'role']) {
      const value = opts[field];
      if (value === undefined || (field === 'type' ? allowed.includes(String(value)) : value === '')) continue;
      ctx.draft.remove(
        [...path, field],
        meta('seLinuxOptions', `${who} uses the runtime's default SELinux ${field} instead of ${String(value)}`, {
          confidence: 'medium',
          behavioural: true,
        }),
      );
    }
  }
};
