/**
 * Pure check: sysctls (baseline, v1.0+; the allowed list grows at v1.27, v1.29, v1.32, v1.37). Sysctls can
 * disable security mechanisms or affect all containers on a host; only a safe subset is allowed.
 * Restricted fields: spec.securityContext.sysctls[*].name. Allowed values: the list below (exact).
 * Mirrors check_sysctls.go.
 */
import { list, obj, str } from '../access.js';
import type { Check, CheckFn } from '../check.js';

const V1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
];
const V1_27 = [...V1_0, 'net.ipv4.ip_local_reserved_ports'];
const V1_29 = [
  ...V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const V1_32 = [...V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const V1_37 = [...V1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

/** The sysctl names allowed at a policy minor (used by the fix engine too). */
export function allowedSysctls(minor: number): readonly string[] {
  if (minor >= 37) return V1_37;
  if (minor >= 32) return V1_32;
  if (minor >= 29) return V1_29;
  if (minor >= 27) return V1_27;
  return V1_0;
}

function sysctls(names: readonly string[]): CheckFn {
  const allowed = new Set(names);
  return (pod) => {
    const bad: string[] = [];
    for (const s of list(pod.podSC?.['sysctls'])) {
      const name = str(obj(s)?.['name']);
      if (!allowed.has(name)) bad.push(name);
    }
    return bad.length === 0 ? undefined : { reason: 'forbidden sysctls', detail: bad.join(', ') };
  };
}

export const sysctlsCheck: Check = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: sysctls(V1_0) },
    { minimumVersion: 27, checkPod: sysctls(V1_27) },
    { minimumVersion: 29, checkPod: sysctls(V1_29) },
    { minimumVersion: 32, checkPod: sysctls(V1_32) },
    { minimumVersion: 37, checkPod: sysctls(V1_37) },
  ],
};
