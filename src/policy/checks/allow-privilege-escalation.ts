/**
 * Pure check: allowPrivilegeEscalation (restricted, v1.8+; Windows pods exempt from v1.25). Privilege
 * escalation (such as via set-user-ID or set-group-ID file mode) should not be allowed.
 * Restricted fields: containers[*].securityContext.allowPrivilegeEscalation. Allowed: false
 * (explicitly). Mirrors check_allowPrivilegeEscalation.go.
 */
import { containerList, obj, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function allowPrivilegeEscalation(pod: PodContext) {
  const bad: string[] = [];
  for (const c of pod.containers) {
    if (obj(c['securityContext'])?.['allowPrivilegeEscalation'] !== false) bad.push(str(c['name']));
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containerList(bad)} must set securityContext.allowPrivilegeEscalation=false`,
  };
}

export const allowPrivilegeEscalationCheck: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumVersion: 8, checkPod: allowPrivilegeEscalation },
    { minimumVersion: 25, checkPod: (pod) => (pod.windows ? undefined : allowPrivilegeEscalation(pod)) },
  ],
};
