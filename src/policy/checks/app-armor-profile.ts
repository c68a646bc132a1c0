/**
 * Pure check: appArmorProfile (baseline, v1.0+). On supported hosts the RuntimeDefault AppArmor profile is
 * applied by default; overriding or disabling it is not allowed.
 * Restricted fields: spec.securityContext.appArmorProfile.type, containers[*].securityContext.
 * appArmorProfile.type, annotations container.apparmor.security.beta.kubernetes.io/*.
 * Allowed values: RuntimeDefault, Localhost (or no profile); annotations: empty, runtime/default,
 * localhost/*. Mirrors policy/check_appArmorProfile.go.
 */
import { containerList, joinQuote, obj, pluralize, sortedSet, str } from '../access.js';
import type { Check, PodContext } from '../check.js';
import { goQuote } from '../go-quote.js';
import { byteOrder } from '../access.js';

const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function badType(profile: unknown): string | undefined {
  const p = obj(profile);
  if (p === undefined) return undefined;
  const type = str(p['type']);
  return type === 'RuntimeDefault' || type === 'Localhost' ? undefined : type;
}

function badAnnotation(value: string): boolean {
  return !(value === '' || value === 'runtime/default' || value.startsWith('localhost/'));
}

function appArmorProfile(pod: PodContext) {
  const setters: string[] = [];
  const values: string[] = [];
  const podBad = badType(pod.podSC?.['appArmorProfile']);
  if (podBad !== undefined) {
    setters.push('pod');
    values.push(podBad);
  }
  const badContainers: string[] = [];
  for (const c of pod.containers) {
    const t = badType(obj(c['securityContext'])?.['appArmorProfile']);
    if (t !== undefined) {
      badContainers.push(str(c['name']));
      values.push(t);
    }
  }
  if (badContainers.length > 0) setters.push(containerList(badContainers));
  const annotations: string[] = [];
  for (const key in pod.annotations) {
    const value = pod.annotations[key];
    if (key.startsWith(ANNOTATION_PREFIX) && typeof value === 'string' && badAnnotation(value)) {
      annotations.push(`${key}=${goQuote(value)}`);
    }
  }
  const all = sortedSet(values);
  if (annotations.length > 0) {
    annotations.sort(byteOrder);
    all.push(...annotations);
    setters.push(pluralize('annotation', 'annotations', annotations.length));
  }
  if (setters.length === 0) return undefined;
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', all.length),
    detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(all)}`,
  };
}

export const appArmorProfileCheck: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: appArmorProfile }],
};
