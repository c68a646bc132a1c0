/**
 * Pure check: seccompProfile_baseline (baseline; replaced at restricted >= v1.19). The seccomp profile must
 * not be explicitly set to Unconfined.
 * v1.0-v1.18: annotations seccomp.security.alpha.kubernetes.io/pod and
 * container.seccomp.security.alpha.kubernetes.io/<name>: runtime/default, docker/default,
 * localhost/* or absent. v1.19+: spec.securityContext.seccompProfile.type and containers[*]
 * .securityContext.seccompProfile.type: RuntimeDefault, Localhost or no profile.
 * Mirrors check_seccompProfile_baseline.go.
 */
import { containerList, joinQuote, obj, pluralize, sortedSet, str } from '../access.js';
import type { Check, Failure, PodContext } from '../check.js';
import { goQuote } from '../go-quote.js';

const POD_KEY = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

export function validSeccompType(type: string): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function validAnnotation(v: string): boolean {
  return v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
}

function annotations1_0(pod: PodContext): Failure | undefined {
  const forbidden: string[] = [];
  const check = (key: string) => {
    if (!Object.prototype.hasOwnProperty.call(pod.annotations, key)) return;
    const value = pod.annotations[key];
    const v = typeof value === 'string' ? value : '';
    if (!validAnnotation(v)) forbidden.push(`${key}=${goQuote(v)}`);
  };
  check(POD_KEY);
  for (const c of pod.containers) check(CONTAINER_PREFIX + str(c['name']));
  const entries = sortedSet(forbidden);
  if (entries.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${pluralize('annotation', 'annotations', entries.length)} ${entries.join(', ')}`,
  };
}

function profileType(profile: unknown): string | undefined {
  const p = obj(profile);
  return p === undefined ? undefined : str(p['type']);
}

function fields1_19(pod: PodContext): Failure | undefined {
  const setters: string[] = [];
  const values: string[] = [];
  const podType = profileType(pod.podSC?.['seccompProfile']);
  if (podType !== undefined && !validSeccompType(podType)) {
    setters.push('pod');
    values.push(podType);
  }
  const bad: string[] = [];
  for (const c of pod.containers) {
    const t = profileType(obj(c['securityContext'])?.['seccompProfile']);
    if (t !== undefined && !validSeccompType(t)) {
      bad.push(str(c['name']));
      values.push(t);
    }
  }
  if (bad.length > 0) setters.push(containerList(bad));
  if (setters.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`,
  };
}

export const seccompProfileBaselineCheck: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: annotations1_0 },
    { minimumVersion: 19, checkPod: fields1_19 },
  ],
};
