/**
 * seLinuxOptions (baseline, v1.0+; container_engine_t allowed from v1.31). Setting a custom
 * SELinux user or role, or an unusual type, is forbidden.
 * Restricted fields: spec.securityContext.seLinuxOptions, containers[*].securityContext.
 * seLinuxOptions: .type, .user, .role. Allowed: type "", container_t, container_init_t,
 * container_kvm_t (+ container_engine_t); user and role empty. Mirrors check_seLinuxOptions.go.
 */
import { containerList, joinQuote, obj, pluralize, sortedSet, str } from '../access.js';
import type { Check, CheckFn } from '../check.js';

const TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_1_31 = [...TYPES_1_0, 'container_engine_t'];

function seLinuxOptions(allowedTypes: readonly string[]): CheckFn {
  const allowed = new Set(allowedTypes);
  return (pod) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (options: unknown): boolean => {
      const o = obj(options);
      if (o === undefined) return true;
      let ok = true;
      const type = str(o['type']);
      if (!allowed.has(type)) {
        ok = false;
        badTypes.push(type);
      }
      if (str(o['user']) !== '') {
        ok = false;
        setUser = true;
      }
      if (str(o['role']) !== '') {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const setters: string[] = [];
    if (!valid(pod.podSC?.['seLinuxOptions'])) setters.push('pod');
    const bad: string[] = [];
    for (const c of pod.containers) {
      if (!valid(obj(c['securityContext'])?.['seLinuxOptions'])) bad.push(str(c['name']));
    }
    if (bad.length > 0) setters.push(containerList(bad));
    if (setters.length === 0) return undefined;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
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
