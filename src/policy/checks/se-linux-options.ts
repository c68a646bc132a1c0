/**
 * Pure check: seLinuxOptions (baseline, v1.0+; container_engine_t allowed from v1.31). Setting a custom
 * SELinux user or role, or an unusual type, is forbidden.
 * Restricted fields: spec.securityContext.seLinuxOptions, containers[*].securityContext.
 * seLinuxOptions: .type, .user, .role. Allowed: type "", container_t, container_init_t,
 * container_kvm_t (+ container_engine_t); user and role empty. Mirrors check_seLinuxOptions.go.
 */
import { containerList, joinQuote, obj, pluralize, sortedSet, str } from '../access.js';
import type { Check, CheckFn } from '../check.js';

const TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_1_31 = [...TYPES_1_0, 'container_engine_t'];

/** Accumulates what is wrong across the pod's and the containers' seLinuxOptions. */
interface Found {
  types: string[];
  user: boolean;
  role: boolean;
}

/** Records the problems of one options object; true when it is acceptable (or absent). */
function valid(options: unknown, allowed: ReadonlySet<string>, found: Found): boolean {
  const o = obj(options);
  if (o === undefined) return true;
  let ok = true;
  const type = str(o['type']);
  if (!allowed.has(type)) {
    ok = false;
    found.types.push(type);
  }
  if (str(o['user']) !== '') {
    ok = false;
    found.user = true;
  }
  if (str(o['role']) !== '') {
    ok = false;
    found.role = true;
  }
  return ok;
}

function seLinuxOptions(allowedTypes: readonly string[]): CheckFn {
  const allowed: ReadonlySet<string> = new Set(allowedTypes);
  return (pod) => {
    const podOptions: unknown = pod.podSC?.['seLinuxOptions'];
    let any = obj(podOptions) !== undefined;
    for (let i = 0; !any && i < pod.containers.length; i++) {
      any = obj(obj(pod.containers[i]!['securityContext'])?.['seLinuxOptions']) !== undefined;
    }
    if (!any) return undefined;
    const found: Found = { types: [], user: false, role: false };
    const setters: string[] = [];
    if (!valid(podOptions, allowed, found)) setters.push('pod');
    const bad: string[] = [];
    for (const c of pod.containers) {
      if (!valid(obj(c['securityContext'])?.['seLinuxOptions'], allowed, found)) bad.push(str(c['name']));
    }
    if (bad.length > 0) setters.push(containerList(bad));
    if (setters.length === 0) return undefined;
    const data: string[] = [];
    const types = sortedSet(found.types);
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (found.user) data.push('user may not be set');
    if (found.role) data.push('role may not be set');
    return {
      reason: 'seLinuxOptions',
      detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
    };
  };
}

export const seLinuxOptionsCheck: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: seLinuxOptions(TYPES_1_0) },
    { minimumVersion: 31, checkPod: seLinuxOptions(TYPES_1_31) },
  ],
};
