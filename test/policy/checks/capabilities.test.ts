// capabilities_baseline and capabilities_restricted (CHECKS.md 5.2, 5.14) and the v1.22 override.
import { describe, expect, it } from 'vitest';
import { app, failing, init, message, pod, sc } from './helpers.js';

describe('capabilities', () => {
  it('baseline: containers in order, capabilities sorted by byte value, exact case', () => {
    const p = pod((s) => {
      sc(init(s))['capabilities'] = { add: ['chown'] };
      sc(app(s))['capabilities'] = { add: ['SYS_ADMIN', 'CHOWN', 'NET_ADMIN'], drop: ['ALL'] };
    });
    expect(message(p, 'baseline')).toBe(
      'non-default capabilities (containers "init", "app" must not include "NET_ADMIN", "SYS_ADMIN", "chown" in securityContext.capabilities.add)',
    );
  });

  it('restricted runs capabilities_baseline before v1.22 and only capabilities_restricted from v1.22', () => {
    const p = pod((s) => (sc(app(s))['capabilities'] = { drop: ['ALL'], add: ['SYS_ADMIN'] }));
    expect(message(p, 'restricted', 'v1.21')).toBe(
      'non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
    );
    expect(message(p, 'restricted', 'v1.22')).toBe(
      'unrestricted capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
    );
    expect(failing(p, 'restricted', 'v1.22')).toEqual(['capabilities_restricted']);
  });

  it('restricted: missing drop ALL and bad adds joined by "; "', () => {
    const p = pod((s) => {
      sc(init(s))['capabilities'] = { drop: ['all'] };
      sc(app(s))['capabilities'] = { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'CAP_CHOWN'] };
    });
    expect(message(p, 'restricted')).toBe(
      'unrestricted capabilities (container "init" must set securityContext.capabilities.drop=["ALL"]; ' +
        'container "app" must not include "CAP_CHOWN" in securityContext.capabilities.add)',
    );
  });

  it('restricted: a securityContext without capabilities misses drop ALL; NET_BIND_SERVICE is allowed', () => {
    const p = pod((s) => {
      delete sc(init(s))['capabilities'];
      sc(app(s))['capabilities'] = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] };
    });
    expect(message(p, 'restricted')).toBe(
      'unrestricted capabilities (container "init" must set securityContext.capabilities.drop=["ALL"])',
    );
  });
});
