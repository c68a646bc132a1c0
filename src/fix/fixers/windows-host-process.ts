// Fixer for windowsHostProcess: always blocked; HostProcess containers run on the host by design.

import type { Fixer } from './shared.js';

export const fixWindowsHostProcess: Fixer = (ctx) => {
  ctx.draft.block(
    'windowsHostProcess',
    'Windows HostProcess containers run on the node by design; exempt the namespace or keep it privileged',
  );
};
