// seccompProfile_baseline and seccompProfile_restricted (CHECKS.md 5.10, 5.18), including the
// annotation era (v1.0-v1.18) and the override at restricted from v1.19.
import { describe, expect, it } from 'vitest';
import { app, failing, init, message, pod, podSC, sc } from './helpers.js';

const POD = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';

describe('seccompProfile_baseline before v1.19 (annotations)', () => {
  it('rejects an empty pod annotation and accepts docker/default and localhost/*', () => {
    expect(
      message(
        pod((_s, m) => (m.annotations[POD] = '')),
        'baseline',
        'v1.18',
      ),
    ).toBe(`seccompProfile (forbidden annotation ${POD}="")`);
    const ok = pod((_s, m) => {
      m.annotations[POD] = 'docker/default';
      m.annotations[`${CONTAINER}app`] = 'localhost/profile.json';
    });
    expect(message(ok, 'baseline', 'v1.18')).toBe('');
  });

  it('checks container annotations of existing containers only, sorted', () => {
    const p = pod((_s, m) => {
      m.annotations[`${CONTAINER}app`] = 'unconfined';
      m.annotations[`${CONTAINER}init`] = 'unconfined';
      m.annotations[`${CONTAINER}ghost`] = 'unconfined';
    });
    expect(message(p, 'baseline', 'v1.18')).toBe(
      `seccompProfile (forbidden annotations ${CONTAINER}app="unconfined", ${CONTAINER}init="unconfined")`,
    );
  });

  it('ignores fields before v1.19 and annotations from v1.19', () => {
    expect(
      message(
        pod((s) => (sc(app(s))['seccompProfile'] = { type: 'Unconfined' })),
        'baseline',
        'v1.18',
      ),
    ).toBe('');
    expect(
      message(
        pod((_s, m) => (m.annotations[POD] = 'unconfined')),
        'baseline',
        'v1.19',
      ),
    ).toBe('');
  });

  it('is what restricted reports before v1.19', () => {
    const p = pod((_s, m) => (m.annotations[POD] = 'unconfined'));
    expect(message(p, 'restricted', 'v1.18')).toBe(`seccompProfile (forbidden annotation ${POD}="unconfined")`);
    expect(failing(p, 'restricted', 'v1.18')).toEqual(['seccompProfile_baseline']);
  });
});

describe('seccompProfile from v1.19 (fields)', () => {
  it('baseline names pod and containers with a bad type', () => {
    const p = pod((s) => {
      podSC(s)['seccompProfile'] = { type: 'Unconfined' };
      sc(app(s))['seccompProfile'] = { type: 'Unconfined' };
    });
    expect(message(p, 'baseline')).toBe(
      'seccompProfile (pod and container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });

  it('restricted replaces baseline: one violation, explicit offenders only', () => {
    const p = pod((s) => (podSC(s)['seccompProfile'] = { type: 'Unconfined' }));
    expect(message(p, 'restricted', 'v1.19')).toBe(
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
    expect(failing(p, 'restricted', 'v1.19')).toEqual(['seccompProfile_restricted']);
  });

  it('a good pod profile covers containers without their own, not containers with a bad one', () => {
    const p = pod((s) => (sc(app(s))['seccompProfile'] = { type: 'Unconfined' }));
    expect(message(p, 'restricted')).toBe(
      'seccompProfile (container "app" must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });

  it('without a pod profile, containers without one are implicit offenders', () => {
    const p = pod((s) => {
      delete podSC(s)['seccompProfile'];
      sc(init(s))['seccompProfile'] = { type: 'Localhost', localhostProfile: 'p.json' };
    });
    expect(message(p, 'restricted')).toBe(
      'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
  });

  it('Windows pods skip it at restricted from v1.25 while baseline still checks them', () => {
    const p = pod((s) => {
      s['os'] = { name: 'windows' };
      podSC(s)['seccompProfile'] = { type: 'Unconfined' };
    });
    expect(message(p, 'restricted', 'v1.25')).toBe('');
    expect(message(p, 'baseline', 'v1.25')).toBe(
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
    expect(message(p, 'restricted', 'v1.24')).toBe(
      'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    );
  });
});
