/**
 * Pure check: runAsUser (restricted, v1.23+; from v1.35 skipped for pods with spec.hostUsers=false).
 * Containers must not set runAsUser to 0. Restricted fields: spec.securityContext.runAsUser,
 * containers[*].securityContext.runAsUser. Allowed: non-zero or unset. Mirrors check_runAsUser.go.
 */
import { containerList, obj, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function runAsUser(pod: PodContext) {
  const setters: string[] = [];
  if (pod.podSC?.['runAsUser'] === 0) setters.push('pod');
  const bad = pod.containers.filter((c) => obj(c['securityContext'])?.['runAsUser'] === 0).map((c) => str(c['name']));
  if (bad.length > 0) setters.push(containerList(bad));
  if (setters.length === 0) return undefined;
  return { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0` };
}

export const runAsUserCheck: Check = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [
    { minimumVersion: 23, checkPod: runAsUser },
    { minimumVersion: 35, checkPod: (pod) => (pod.hostUsersFalse ? undefined : runAsUser(pod)) },
  ],
};
