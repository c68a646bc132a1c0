// Fixer for appArmorProfile: removes `unconfined` AppArmor annotations and profile fields (the
// runtime default profile applies). Review: an explicit unconfined was probably set for a reason.
// Pure.

import { isObj, type Segment } from '../draft.js';
import { POD_SC, containersOf, meta, q, scPath, type Fixer } from './shared.js';

const PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export const fixAppArmorProfile: Fixer = (ctx) => {
  const annotations = ctx.draft.template.metadata.annotations ?? {};
  for (const [key, value] of Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!key.startsWith(PREFIX) || value === '' || value === 'runtime/default' || value.startsWith('localhost/'))
      continue;
    ctx.draft.remove(
      ['metadata', 'annotations', key],
      meta(
        'appArmorProfile',
        `container "${key.slice(PREFIX.length)}" gets the runtime's default AppArmor profile instead of ${value}`,
        { confidence: 'medium', behavioural: true },
      ),
    );
  }
  const places: [Segment[], string][] = [
    [[...POD_SC, 'appArmorProfile'], 'the pod'],
    ...containersOf(ctx).map((r): [Segment[], string] => [scPath(r, 'appArmorProfile'), q(r)]),
  ];
  for (const [path, who] of places) {
    const p = ctx.draft.get(path);
    if (!isObj(p) || p['type'] === 'RuntimeDefault' || p['type'] === 'Localhost') continue;
    ctx.draft.remove(
      path,
      meta('appArmorProfile', `${who} gets the runtime's default AppArmor profile instead of ${String(p['type'])}`, {
        confidence: 'medium',
        behavioural: true,
      }),
    );
  }
};
