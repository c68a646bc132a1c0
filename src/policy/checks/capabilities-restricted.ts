/**
 * Pure check: capabilities_restricted (restricted, v1.22+; Windows pods exempt from v1.25; replaces
 * capabilities_baseline). Containers must drop ALL capabilities and may only add back
 * NET_BIND_SERVICE. Restricted fields: containers[*].securityContext.capabilities.drop/.add.
 * Mirrors check_capabilities_restricted.go.
 */
import { containerList, joinQuote, list, obj, sortedSet, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function capabilitiesRestricted(pod: PodContext) {
  const missingDrop: string[] = [];
  const badAdd: string[] = [];
  const caps: string[] = [];
  for (const c of pod.containers) {
    const name = str(c['name']);
    const capabilities = obj(obj(c['securityContext'])?.['capabilities']);
    if (capabilities === undefined) {
      missingDrop.push(name);
      continue;
    }
    if (!list(capabilities['drop']).includes('ALL')) missingDrop.push(name);
    let added = false;
    for (const cap of list(capabilities['add'])) {
      if (typeof cap === 'string' && cap !== 'NET_BIND_SERVICE') {
        added = true;
        caps.push(cap);
      }
    }
    if (added) badAdd.push(name);
  }
  const parts: string[] = [];
  if (missingDrop.length > 0)
    parts.push(`${containerList(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (badAdd.length > 0) {
    parts.push(
      `${containerList(badAdd)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
    );
  }
  return parts.length === 0 ? undefined : { reason: 'unrestricted capabilities', detail: parts.join('; ') };
}

export const capabilitiesRestrictedCheck: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumVersion: 22, checkPod: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
    {
      minimumVersion: 25,
      checkPod: (pod) => (pod.windows ? undefined : capabilitiesRestricted(pod)),
      overrides: ['capabilities_baseline'],
    },
  ],
};
