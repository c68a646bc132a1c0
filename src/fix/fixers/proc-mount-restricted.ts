// Fixer for procMount_restricted: see proc-mount.ts. Pure.

import { removeProcMount } from './proc-mount.js';
import type { Fixer } from './shared.js';

export const fixProcMountRestricted: Fixer = (ctx) => removeProcMount(ctx, 'procMount_restricted');
