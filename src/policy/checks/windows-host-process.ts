/**
 * Pure check: windowsHostProcess (baseline, v1.0+). Windows pods offer the ability to run HostProcess
 * containers, which enables privileged access to the host; this is forbidden.
 * Restricted fields: spec.securityContext.windowsOptions.hostProcess, containers[*].
 * securityContext.windowsOptions.hostProcess. Allowed: false, unset. Mirrors check_windowsHostProcess.go.
 */
import { containerList, obj, str } from '../access.js';
import type { Check, PodContext } from '../check.js';

function hostProcess(sc: unknown): boolean {
  return obj(obj(sc)?.['windowsOptions'])?.['hostProcess'] === true;
}

function windowsHostProcess(pod: PodContext) {
  const setters: string[] = [];
  if (hostProcess(pod.podSC)) setters.push('pod');
  const bad = pod.containers.filter((c) => hostProcess(c['securityContext'])).map((c) => str(c['name']));
  if (bad.length > 0) setters.push(containerList(bad));
  if (setters.length === 0) return undefined;
  return {
    reason: 'hostProcess',
    detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
  };
}

export const windowsHostProcessCheck: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: windowsHostProcess }],
};
