/**
 * Pure check: procMount (baseline, v1.0+; from v1.35 skipped for pods with spec.hostUsers=false; replaced at
 * restricted >= v1.35 by procMount_restricted). The default /proc masks must stay.
 * Restricted fields: containers[*].securityContext.procMount. Allowed values: unset, "Default".
 * Mirrors check_procMount_baseline.go and check_procMount_restricted.go.
 */
import { containerList, joinQuote, obj, sortedSet, str } from '../access.js';
import type { Check, Failure, PodContext } from '../check.js';

/** Shared by procMount and procMount_restricted. */
export function procMountRule(pod: PodContext): Failure | undefined {
  const bad: string[] = [];
  const values: string[] = [];
  for (const c of pod.containers) {
    const sc = obj(c['securityContext']);
    if (sc === undefined || !('procMount' in sc) || sc['procMount'] === null) continue;
    const value = str(sc['procMount']);
    if (value !== 'Default') {
      bad.push(str(c['name']));
      values.push(value);
    }
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'procMount',
    detail: `${containerList(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(values))}`,
  };
}

export const procMountCheck: Check = {
  id: 'procMount',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: procMountRule },
    { minimumVersion: 35, checkPod: (pod) => (pod.hostUsersFalse ? undefined : procMountRule(pod)) },
  ],
};
