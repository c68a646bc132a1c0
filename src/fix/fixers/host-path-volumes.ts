// Fixer for hostPathVolumes (baseline): see restricted-volumes.ts. Pure.

import { fixHostPathVolumes } from './restricted-volumes.js';
import type { Fixer } from './shared.js';

export const fixHostPathVolumesBaseline: Fixer = (ctx) => fixHostPathVolumes(ctx, 'hostPathVolumes');
