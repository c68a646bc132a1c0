// Fixer for capabilities_baseline: removes added capabilities outside the baseline set (review),
// or blocks a node agent. Pure.

import { BASELINE_CAPABILITIES } from '../../policy/checks/capabilities-baseline.js';
import { removeAddedCapabilities } from './capabilities-restricted.js';
import type { Fixer } from './shared.js';

export const fixCapabilitiesBaseline: Fixer = (ctx) => {
  removeAddedCapabilities(ctx, 'capabilities_baseline', (c) => !BASELINE_CAPABILITIES.has(c));
};
