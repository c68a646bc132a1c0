import { describe, expect, it } from 'vitest';
import {
  enforceGate,
  labelDifferences,
  podSecurityWarnings,
  psaMergePatch,
  sameLabels,
} from '../../src/apply/checks.js';

const P = 'pod-security.kubernetes.io/';

describe('label checks', () => {
  it('compares only Pod Security labels', () => {
    expect(sameLabels({ [`${P}warn`]: 'restricted', team: 'a' }, { [`${P}warn`]: 'restricted', team: 'b' })).toBe(true);
    expect(
      labelDifferences({ [`${P}warn`]: 'restricted' }, { [`${P}warn`]: 'baseline', [`${P}audit`]: 'baseline' }),
    ).toEqual([
      { key: `${P}audit`, expected: null, live: 'baseline' },
      { key: `${P}warn`, expected: 'restricted', live: 'baseline' },
    ]);
  });
  it('builds a merge patch that removes keys absent from the target and keeps other labels', () => {
    expect(
      psaMergePatch(
        { [`${P}enforce`]: 'baseline', [`${P}warn`]: 'restricted', team: 'x' },
        { [`${P}warn`]: 'restricted' },
      ),
    ).toEqual({ [`${P}enforce`]: null });
  });
});

describe('enforceGate', () => {
  it('is clean without warnings', () => {
    expect(enforceGate([]).clean).toBe(true);
  });
  it('maps folded pod lines to workloads', () => {
    const g = enforceGate(
      [
        'existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:v1.35"',
        'vote-6d9f-abcde (and 2 other pods): allowPrivilegeEscalation != false, runAsNonRoot != true',
        'db-0: seccompProfile',
      ],
      (pod) => (pod.startsWith('vote') ? 'shop/Deployment/vote' : null),
    );
    expect(g.clean).toBe(false);
    expect(g.violators.map((v) => [v.pod, v.others, v.workload])).toEqual([
      ['vote-6d9f-abcde', 2, 'shop/Deployment/vote'],
      ['db-0', 0, null],
    ]);
    expect(g.summary[0]).toBe(
      'pod vote-6d9f-abcde and 2 other pods (shop/Deployment/vote): allowPrivilegeEscalation != false, runAsNonRoot != true',
    );
  });
  it('treats "only checked the first N of M pods" as not clean even without violators', () => {
    const g = enforceGate(['new PodSecurity enforce level only checked against the first 3000 of 3500 existing pods']);
    expect(g.clean).toBe(false);
    expect(g.incomplete).toEqual({ first: 3000, of: 3500 });
  });
  it('treats a failed pod list and truncated warnings as not clean', () => {
    expect(enforceGate(['failed to list pods while checking new PodSecurity enforce level']).clean).toBe(false);
    const long = Array.from({ length: 40 }, (_, i) => `pod-${i}: ${'x'.repeat(200)}`);
    expect(enforceGate(long).truncated).toBe(true);
  });
});

describe('podSecurityWarnings', () => {
  it('keeps PodSecurity warnings only', () => {
    expect(
      podSecurityWarnings([
        'would violate PodSecurity "restricted:v1.35": seccompProfile',
        'spec.template: deprecated',
      ]),
    ).toEqual(['would violate PodSecurity "restricted:v1.35": seccompProfile']);
  });
});
