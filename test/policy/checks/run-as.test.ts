// runAsNonRoot and runAsUser (CHECKS.md 5.16, 5.17): explicit vs implicit offenders, versions.
import { describe, expect, it } from 'vitest';
import { app, init, message, pod, podSC, sc } from './helpers.js';

describe('runAsNonRoot', () => {
  it('a container false under a pod true is an explicit offender', () => {
    const p = pod((s) => (sc(app(s))['runAsNonRoot'] = false));
    expect(message(p, 'restricted')).toBe(
      'runAsNonRoot != true (container "app" must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('pod false and container false are both named', () => {
    const p = pod((s) => {
      podSC(s)['runAsNonRoot'] = false;
      sc(init(s))['runAsNonRoot'] = false;
    });
    expect(message(p, 'restricted')).toBe(
      'runAsNonRoot != true (pod and container "init" must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('without a pod value, unset containers are implicit offenders', () => {
    const p = pod((s) => {
      delete podSC(s)['runAsNonRoot'];
      sc(init(s))['runAsNonRoot'] = true;
    });
    expect(message(p, 'restricted')).toBe(
      'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
    );
  });

  it('explicit offenders hide implicit ones', () => {
    const p = pod((s) => {
      delete podSC(s)['runAsNonRoot'];
      sc(init(s))['runAsNonRoot'] = false;
    });
    expect(message(p, 'restricted')).toBe(
      'runAsNonRoot != true (container "init" must not set securityContext.runAsNonRoot=false)',
    );
  });

  it('a non-zero runAsUser does not satisfy it, and Windows pods are not exempt', () => {
    const p = pod((s) => {
      delete podSC(s)['runAsNonRoot'];
      podSC(s)['runAsUser'] = 1000;
      s['os'] = { name: 'windows' };
    });
    expect(message(p, 'restricted', 'v1.30')).toBe(
      'runAsNonRoot != true (pod or containers "init", "app" must set securityContext.runAsNonRoot=true)',
    );
  });
});

describe('runAsUser', () => {
  it('names pod and containers that set 0, from v1.23 only', () => {
    const p = pod((s) => {
      podSC(s)['runAsUser'] = 0;
      sc(app(s))['runAsUser'] = 0;
      sc(init(s))['runAsUser'] = 1000;
    });
    expect(message(p, 'restricted', 'v1.23')).toBe('runAsUser=0 (pod and container "app" must not set runAsUser=0)');
    expect(message(p, 'restricted', 'v1.22')).toBe('');
  });

  it('relaxes for hostUsers: false from v1.35 but not for hostUsers unset or true', () => {
    const zero = (hostUsers: boolean | undefined) =>
      pod((s) => {
        if (hostUsers !== undefined) s['hostUsers'] = hostUsers;
        sc(app(s))['runAsUser'] = 0;
      });
    expect(message(zero(false), 'restricted', 'v1.35')).toBe('');
    expect(message(zero(true), 'restricted', 'v1.35')).toBe('runAsUser=0 (container "app" must not set runAsUser=0)');
    expect(message(zero(undefined), 'restricted', 'latest')).toBe(
      'runAsUser=0 (container "app" must not set runAsUser=0)',
    );
    expect(message(zero(false), 'restricted', 'v1.34')).toBe('runAsUser=0 (container "app" must not set runAsUser=0)');
  });
});
