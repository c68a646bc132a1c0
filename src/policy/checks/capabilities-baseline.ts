/**
 * Pure check: capabilities_baseline (baseline, v1.0+; replaced at restricted >= v1.22). Adding capabilities
 * beyond the default set is not allowed.
 * Restricted fields: containers[*].securityContext.capabilities.add.
 * Allowed values: AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE SETFCAP
 * SETGID SETPCAP SETUID SYS_CHROOT (exact, case-sensitive). Mirrors check_capabilities_baseline.go.
 */
import { containerList, joinQuote, obj, sortedSet, str, strings } from '../access.js';
import type { Check, PodContext } from '../check.js';

/** The capabilities a container may add at baseline (also what the fixer keeps). */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function capabilitiesBaseline(pod: PodContext) {
  const bad: string[] = [];
  const caps: string[] = [];
  for (const c of pod.containers) {
    const add = strings(obj(obj(c['securityContext'])?.['capabilities'])?.['add']);
    let found = false;
    for (const cap of add) {
      if (!BASELINE_CAPABILITIES.has(cap)) {
        found = true;
        caps.push(cap);
      }
    }
    if (found) bad.push(str(c['name']));
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${containerList(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
  };
}

export const capabilitiesBaselineCheck: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: capabilitiesBaseline }],
};
