/**
 * Pure check: hostPathVolumes (baseline, v1.0+; replaced at restricted by restrictedVolumes). HostPath
 * volumes are forbidden. Restricted fields: spec.volumes[*].hostPath. Allowed: absent.
 * Mirrors check_hostPathVolumes.go.
 */
import { joinQuote, list, obj, pluralize, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function hostPathVolumes(pod: PodContext) {
  const names: string[] = [];
  for (const v of list(pod.spec['volumes'])) {
    const vol = obj(v);
    if (vol !== undefined && obj(vol['hostPath']) !== undefined) names.push(str(vol['name']));
  }
  if (names.length === 0) return undefined;
  return { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}` };
}

export const hostPathVolumesCheck: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: hostPathVolumes }],
};
