/**
 * Pure check: hostPorts (baseline, v1.0+). HostPorts should be disallowed entirely.
 * Restricted fields: containers[*].ports[*].hostPort. Allowed values: 0 or unset.
 * Mirrors check_hostPorts.go (ports listed as sorted decimal strings, not quoted).
 */
import { joinQuote, list, obj, pluralize, sortedSet, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function hostPorts(pod: PodContext) {
  const bad: string[] = [];
  const ports: string[] = [];
  for (const c of pod.containers) {
    let found = false;
    for (const p of list(c['ports'])) {
      const hostPort = obj(p)?.['hostPort'];
      if (typeof hostPort === 'number' && hostPort !== 0) {
        found = true;
        ports.push(String(Math.trunc(hostPort)));
      }
    }
    if (found) bad.push(str(c['name']));
  }
  if (bad.length === 0) return undefined;
  const distinct = sortedSet(ports);
  return {
    reason: 'hostPort',
    detail:
      `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ` +
      `${pluralize('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}`,
  };
}

export const hostPortsCheck: Check = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: hostPorts }],
};
