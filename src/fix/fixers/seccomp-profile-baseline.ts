// Fixer for seccompProfile_baseline: Unconfined profiles (fields, or the pre-1.19 annotations)
// become RuntimeDefault. Pure.

import { fixSeccompFields } from './seccomp-profile-restricted.js';
import { meta, type Fixer } from './shared.js';

const POD_KEY = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

export const fixSeccompProfileBaseline: Fixer = (ctx) => {
  fixSeccompFields(ctx, 'seccompProfile_baseline', false);
  const annotations = ctx.draft.template.metadata.annotations ?? {};
  for (const [key, value] of Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (key !== POD_KEY && !key.startsWith(CONTAINER_PREFIX)) continue;
    if (value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/')) continue;
    ctx.draft.set(
      ['metadata', 'annotations', key],
      'runtime/default',
      meta('seccompProfile_baseline', `annotation ${key} asks for the runtime's default seccomp filter`),
    );
  }
};
