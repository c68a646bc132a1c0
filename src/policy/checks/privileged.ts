/**
 * Pure check: privileged (baseline, v1.0+). Privileged pods disable most security mechanisms.
 * Restricted fields: containers[*].securityContext.privileged. Allowed values: false, unset.
 * Mirrors check_privileged.go.
 */
import { containerList, obj, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function privileged(pod: PodContext) {
  const bad: string[] = [];
  for (const c of pod.containers) {
    if (obj(c['securityContext'])?.['privileged'] === true) bad.push(str(c['name']));
  }
  if (bad.length === 0) return undefined;
  return { reason: 'privileged', detail: `${containerList(bad)} must not set securityContext.privileged=true` };
}

export const privilegedCheck: Check = {
  id: 'privileged',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: privileged }],
};
