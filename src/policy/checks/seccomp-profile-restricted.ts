/**
 * Pure check: seccompProfile_restricted (restricted, v1.19+; Windows pods exempt from v1.25; replaces
 * seccompProfile_baseline). Seccomp must be explicitly set to RuntimeDefault or Localhost.
 * Restricted fields: spec.securityContext.seccompProfile.type, containers[*].securityContext.
 * seccompProfile.type. Mirrors check_seccompProfile_restricted.go.
 */
import { containerList, joinQuote, obj, sortedSet, str } from '../access.js';
import type { Check, PodContext } from '../check.js';
import { validSeccompType } from './seccomp-profile-baseline.js';

function seccompRestricted(pod: PodContext) {
  const setters: string[] = [];
  const values: string[] = [];
  let podSet = false;
  const podProfile = obj(pod.podSC?.['seccompProfile']);
  if (podProfile !== undefined) {
    const t = str(podProfile['type']);
    if (validSeccompType(t)) podSet = true;
    else {
      setters.push('pod');
      values.push(t);
    }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of pod.containers) {
    const profile = obj(obj(c['securityContext'])?.['seccompProfile']);
    if (profile !== undefined) {
      const t = str(profile['type']);
      if (!validSeccompType(t)) {
        explicit.push(str(c['name']));
        values.push(t);
      }
    } else if (!podSet) {
      implicit.push(str(c['name']));
    }
  }
  if (explicit.length > 0) setters.push(containerList(explicit));
  if (setters.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`,
    };
  }
  if (implicit.length > 0) {
    return {
      reason: 'seccompProfile',
      detail: `pod or ${containerList(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    };
  }
  return undefined;
}

export const seccompProfileRestrictedCheck: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: 19, checkPod: seccompRestricted, overrides: ['seccompProfile_baseline'] },
    {
      minimumVersion: 25,
      checkPod: (pod) => (pod.windows ? undefined : seccompRestricted(pod)),
      overrides: ['seccompProfile_baseline'],
    },
  ],
};
