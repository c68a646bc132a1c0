/**
 * Pure check: runAsNonRoot (restricted, v1.0+; from v1.35 skipped for pods with spec.hostUsers=false).
 * Containers must be required to run as non-root users.
 * Restricted fields: spec.securityContext.runAsNonRoot, containers[*].securityContext.runAsNonRoot.
 * Allowed: true at pod level (containers unset or true), or true on every container; never false.
 * Mirrors check_runAsNonRoot.go.
 */
import { containerList, obj, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function runAsNonRoot(pod: PodContext) {
  const setters: string[] = [];
  const podValue = pod.podSC?.['runAsNonRoot'];
  if (podValue === false) setters.push('pod');
  const podTrue = podValue === true;
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of pod.containers) {
    const value = obj(c['securityContext'])?.['runAsNonRoot'];
    if (typeof value === 'boolean') {
      if (!value) explicit.push(str(c['name']));
    } else if (!podTrue) {
      implicit.push(str(c['name']));
    }
  }
  if (explicit.length > 0) setters.push(containerList(explicit));
  if (setters.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
    };
  }
  if (implicit.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containerList(implicit)} must set securityContext.runAsNonRoot=true`,
    };
  }
  return undefined;
}

export const runAsNonRootCheck: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [
    { minimumVersion: 0, checkPod: runAsNonRoot },
    { minimumVersion: 35, checkPod: (pod) => (pod.hostUsersFalse ? undefined : runAsNonRoot(pod)) },
  ],
};
