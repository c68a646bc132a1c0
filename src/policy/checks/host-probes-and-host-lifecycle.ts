/**
 * Pure check: hostProbesAndHostLifecycle (baseline, v1.34+). Probes and lifecycle handlers must not target
 * another host. Restricted fields: containers[*].{liveness,readiness,startup}Probe and
 * lifecycle.{postStart,preStop}: .httpGet.host and .tcpSocket.host. Allowed: empty or unset.
 * The only check whose container list is sorted. Mirrors check_hostProbesAndhostLifecycle.go.
 */
import { joinQuote, obj, pluralize, sortedSet, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function hostsOf(handler: unknown, into: string[]): boolean {
  const h = obj(handler);
  if (h === undefined) return false;
  const httpHost = str(obj(h['httpGet'])?.['host']);
  const tcpHost = str(obj(h['tcpSocket'])?.['host']);
  if (httpHost !== '') into.push(httpHost);
  if (tcpHost !== '') into.push(tcpHost);
  return httpHost !== '' || tcpHost !== '';
}

function hostProbes(pod: PodContext) {
  const bad: string[] = [];
  const hosts: string[] = [];
  for (const c of pod.containers) {
    const lifecycle = obj(c['lifecycle']);
    let found = hostsOf(c['livenessProbe'], hosts);
    found = hostsOf(c['readinessProbe'], hosts) || found;
    found = hostsOf(c['startupProbe'], hosts) || found;
    found = hostsOf(lifecycle?.['postStart'], hosts) || found;
    found = hostsOf(lifecycle?.['preStop'], hosts) || found;
    if (found) bad.push(str(c['name']));
  }
  if (bad.length === 0) return undefined;
  const names = sortedSet(bad);
  const distinct = sortedSet(hosts);
  return {
    reason: 'probe or lifecycle host',
    detail:
      `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ` +
      `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', distinct.length)} ${joinQuote(distinct)}`,
  };
}

export const hostProbesAndHostLifecycleCheck: Check = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minimumVersion: 34, checkPod: hostProbes }],
};
