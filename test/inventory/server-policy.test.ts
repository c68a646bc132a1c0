import { describe, expect, it } from 'vitest';
import { releaseMinor, resolveLiveVersion, serverPolicyMinor } from '../../src/inventory/server-policy.js';

describe('serverPolicyMinor', () => {
  // CHECKS.md §9: v1.22 on 1.22, v1.23 on 1.23-1.24, v1.25 on 1.25-1.26, v1.27 on 1.27-1.28,
  // v1.29 on 1.29-1.30, v1.31 on 1.31, v1.32 on 1.32-1.33, v1.34 on 1.34, v1.35 on 1.35-1.36.
  it.each([
    [22, 22],
    [23, 23],
    [24, 23],
    [25, 25],
    [26, 25],
    [27, 27],
    [28, 27],
    [29, 29],
    [30, 29],
    [31, 31],
    [32, 32],
    [33, 32],
    [34, 34],
    [35, 35],
    [36, 35],
    [37, 37],
  ])('release 1.%i applies policy v1.%i to latest', (release, policy) => {
    expect(serverPolicyMinor(release, 37)).toBe(policy);
  });

  it('clamps releases newer than the engine knows', () => {
    expect(serverPolicyMinor(40, 37)).toBe(37);
  });
});

describe('releaseMinor / resolveLiveVersion', () => {
  it('parses git versions', () => {
    expect(releaseMinor('v1.36.2')).toBe(36);
    expect(releaseMinor('v1.34.0-rc.1+abc')).toBe(34);
    expect(releaseMinor('v0.0.0-master+$Format:%H$')).toBeNull();
  });

  it('resolves latest and too-new pins to the server policy, keeps older pins', () => {
    expect(resolveLiveVersion('latest', 35)).toBe('v1.35');
    expect(resolveLiveVersion('v1.36', 35)).toBe('v1.35');
    expect(resolveLiveVersion('v1.22', 35)).toBe('v1.22');
  });
});
