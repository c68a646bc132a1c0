// procMount, procMount_restricted (CHECKS.md 5.8) and windowsHostProcess (5.12).
import { describe, expect, it } from 'vitest';
import { app, failing, init, message, pod, podSC, sc } from './helpers.js';

describe('procMount', () => {
  const unmasked = (hostUsers?: boolean) =>
    pod((s) => {
      if (hostUsers !== undefined) s['hostUsers'] = hostUsers;
      sc(app(s))['procMount'] = 'Unmasked';
    });

  it('baseline skips pods with hostUsers: false from v1.35 only', () => {
    const denied = 'procMount (container "app" must not set securityContext.procMount to "Unmasked")';
    expect(message(unmasked(false), 'baseline', 'v1.35')).toBe('');
    expect(message(unmasked(false), 'baseline', 'v1.34')).toBe(denied);
    expect(message(unmasked(true), 'baseline', 'v1.35')).toBe(denied);
  });

  it('restricted uses procMount before v1.35 and procMount_restricted from v1.35', () => {
    expect(failing(unmasked(false), 'restricted', 'v1.34')).toEqual(['procMount']);
    expect(failing(unmasked(false), 'restricted', 'v1.35')).toEqual(['procMount_restricted']);
  });

  it('names containers in order and sorts the values; Default is allowed', () => {
    const p = pod((s) => {
      sc(init(s))['procMount'] = 'Unmasked';
      sc(app(s))['procMount'] = 'Foo';
      s['ephemeralContainers'] = [{ name: 'debug', image: 'x', securityContext: { procMount: 'Default' } }];
    });
    expect(message(p, 'baseline')).toBe(
      'procMount (containers "init", "app" must not set securityContext.procMount to "Foo", "Unmasked")',
    );
  });
});

describe('windowsHostProcess', () => {
  it('names the pod and the containers', () => {
    const p = pod((s) => {
      podSC(s)['windowsOptions'] = { hostProcess: true };
      sc(app(s))['windowsOptions'] = { hostProcess: true };
      sc(init(s))['windowsOptions'] = { hostProcess: false };
    });
    expect(message(p, 'baseline')).toBe(
      'hostProcess (pod and container "app" must not set securityContext.windowsOptions.hostProcess=true)',
    );
  });
});
