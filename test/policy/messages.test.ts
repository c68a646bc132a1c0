// Message wrappers (CHECKS.md 4) and policy version handling (CHECKS.md 2).
import { describe, expect, it } from 'vitest';
import {
  aggregateReasons,
  checkResults,
  evaluatePod,
  forbiddenPodMessage,
  NEWEST_MINOR,
  parsePolicyVersion,
  wouldViolateMessage,
} from '../../src/policy/index.js';
import { pod } from './pod.js';

describe('message wrappers', () => {
  it('words the enforce rejection and the warning as the API server does', () => {
    expect(forbiddenPodMessage('web', 'restricted', 'latest', 'x (y)')).toBe(
      'pods "web" is forbidden: violates PodSecurity "restricted:latest": x (y)',
    );
    expect(forbiddenPodMessage('', 'baseline', 'v1.25', 'x')).toBe(
      'pods is forbidden: violates PodSecurity "baseline:v1.25": x',
    );
    expect(wouldViolateMessage('restricted', 'v1.99', 'x')).toBe('would violate PodSecurity "restricted:v1.99": x');
  });

  it('aggregates reasons without details for namespace dry-run lines', () => {
    const p = pod((s) => {
      s['hostPID'] = true;
      (s['securityContext'] as Record<string, unknown>)['runAsNonRoot'] = false;
    });
    expect(aggregateReasons(evaluatePod(p, 'restricted', 'latest').violations)).toBe(
      'host namespaces, runAsNonRoot != true',
    );
  });
});

describe('policy versions', () => {
  it('parses latest and v1.N without leading zeros', () => {
    expect(parsePolicyVersion('latest')).toBe('latest');
    expect(parsePolicyVersion('v1.0')).toBe(0);
    expect(parsePolicyVersion('v1.37')).toBe(37);
    for (const bad of ['v1.01', 'v2.0', 'V1.2', ' v1.2', 'v1.', '1.2', 'Latest', ''])
      expect(parsePolicyVersion(bad)).toBeNull();
  });

  it('evaluates latest, too-new and invalid versions with the newest rules', () => {
    expect(NEWEST_MINOR).toBe(37);
    for (const v of ['latest', 'v1.99', 'v1.01']) expect(evaluatePod(pod(), 'restricted', v).effectiveMinor).toBe(37);
    expect(evaluatePod(pod(), 'restricted', 'v1.5').effectiveMinor).toBe(5);
  });

  it('allows anything at privileged', () => {
    const p = pod((s) => Object.assign(s, { hostPID: true, containers: 'x' }));
    expect(evaluatePod(p, 'privileged', 'latest')).toMatchObject({ allowed: true, violations: [], message: '' });
  });
});

describe('checkResults', () => {
  it('lists every active check with its outcome, in the same order as the violations', () => {
    const p = pod((s) => (s['hostPID'] = true));
    const results = checkResults(p, 'restricted', 'v1.22');
    // v1.22 restricted: 11 baseline checks (capabilities_baseline overridden, hostPathVolumes dropped,
    // no hostProbesAndHostLifecycle yet) then allowPrivilegeEscalation, capabilities_restricted,
    // restrictedVolumes, runAsNonRoot, seccompProfile_restricted.
    expect(results.map((r) => r.check)).toEqual([
      'appArmorProfile',
      'hostNamespaces',
      'hostPorts',
      'privileged',
      'procMount',
      'seLinuxOptions',
      'sysctls',
      'windowsHostProcess',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'restrictedVolumes',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
    expect(results.filter((r) => !r.allowed)).toEqual([
      { check: 'hostNamespaces', allowed: false, reason: 'host namespaces', detail: 'hostPID=true' },
    ]);
    expect(results.find((r) => r.check === 'privileged')).toEqual({
      check: 'privileged',
      allowed: true,
      reason: '',
      detail: '',
    });
    expect(checkResults(p, 'privileged', 'latest')).toEqual([]);
  });
});
