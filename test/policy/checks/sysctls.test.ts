// sysctls (CHECKS.md 5.11): each name is forbidden one version before it is added, allowed from it.
import { describe, expect, it } from 'vitest';
import { message, pod, podSC } from './helpers.js';

const withSysctls = (...names: string[]) =>
  pod((s) => (podSC(s)['sysctls'] = names.map((name) => ({ name, value: '1' }))));

const ADDED: [string, number][] = [
  ['net.ipv4.ip_local_reserved_ports', 27],
  ['net.ipv4.tcp_keepalive_time', 29],
  ['net.ipv4.tcp_fin_timeout', 29],
  ['net.ipv4.tcp_keepalive_intvl', 29],
  ['net.ipv4.tcp_keepalive_probes', 29],
  ['net.ipv4.tcp_rmem', 32],
  ['net.ipv4.tcp_wmem', 32],
  ['net.ipv4.tcp_slow_start_after_idle', 37],
  ['net.ipv4.tcp_notsent_lowat', 37],
];

describe('sysctls', () => {
  it('allows the v1.0 names at v1.0', () => {
    const p = withSysctls(
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.ip_unprivileged_port_start',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
    );
    expect(message(p, 'baseline', 'v1.0')).toBe('');
  });

  for (const [name, minor] of ADDED) {
    it(`${name} is allowed from v1.${minor}`, () => {
      expect(message(withSysctls(name), 'baseline', `v1.${minor - 1}`)).toBe(`forbidden sysctls (${name})`);
      expect(message(withSysctls(name), 'baseline', `v1.${minor}`)).toBe('');
      expect(message(withSysctls(name), 'restricted', 'latest')).toBe('');
    });
  }

  it('lists only the forbidden names, unquoted, in spec order', () => {
    const p = withSysctls('kernel.msgmax', 'net.ipv4.tcp_syncookies', 'kernel.domainname', 'NET.IPV4.TCP_SYNCOOKIES');
    expect(message(p, 'baseline')).toBe(
      'forbidden sysctls (kernel.msgmax, kernel.domainname, NET.IPV4.TCP_SYNCOOKIES)',
    );
  });
});
