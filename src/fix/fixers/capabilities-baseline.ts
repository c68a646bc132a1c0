// Fixer for capabilities_baseline: removes added capabilities outside the baseline set (review),
// or blocks a node agent. Pure.

import { removeAddedCapabilities } from './capabilities-restricted.js';
import type { Fixer } from './shared.js';

const BASELINE_CAPS = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

export const fixCapabilitiesBaseline: Fixer = (ctx) => {
  removeAddedCapabilities(ctx, 'capabilities_baseline', (c) => !BASELINE_CAPS.has(c));
};
