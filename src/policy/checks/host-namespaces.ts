/**
 * Pure check: hostNamespaces (baseline, v1.0+). Sharing the host namespaces must be disallowed.
 * Restricted fields: spec.hostNetwork, spec.hostPID, spec.hostIPC. Allowed values: false, unset.
 * Mirrors check_hostNamespaces.go.
 */
import type { Check, PodContext } from '../check.js';

function hostNamespaces(pod: PodContext) {
  const set: string[] = [];
  if (pod.spec['hostNetwork'] === true) set.push('hostNetwork=true');
  if (pod.spec['hostPID'] === true) set.push('hostPID=true');
  if (pod.spec['hostIPC'] === true) set.push('hostIPC=true');
  return set.length === 0 ? undefined : { reason: 'host namespaces', detail: set.join(', ') };
}

export const hostNamespacesCheck: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: hostNamespaces }],
};
