/**
 * Pure check: procMount_restricted (restricted, v1.35+; replaces procMount). Same rule as procMount with no
 * user-namespace exception. Mirrors check_procMount_restricted.go.
 */
import type { Check } from '../check.js';
import { procMountRule } from './proc-mount.js';

export const procMountRestrictedCheck: Check = {
  id: 'procMount_restricted',
  level: 'restricted',
  versions: [{ minimumVersion: 35, checkPod: procMountRule, overrides: ['procMount'] }],
};
