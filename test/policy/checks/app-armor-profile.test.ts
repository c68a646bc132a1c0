// appArmorProfile (CHECKS.md 5.1): fields and annotations, which the fixtures barely cover.
import { describe, expect, it } from 'vitest';
import { app, message, pod, podSC, sc } from './helpers.js';

const KEY = 'container.apparmor.security.beta.kubernetes.io/';

describe('appArmorProfile', () => {
  it('accepts empty, runtime/default and localhost/ annotation values', () => {
    const p = pod((_s, m) => {
      m.annotations[`${KEY}init`] = '';
      m.annotations[`${KEY}app`] = 'runtime/default';
      m.annotations[`${KEY}other`] = 'localhost/';
    });
    expect(message(p, 'baseline')).toBe('');
  });

  it('checks annotations with any suffix, sorted, doubly quoted, plural reason', () => {
    const p = pod((_s, m) => {
      m.annotations[`${KEY}ghost`] = 'Localhost/x';
      m.annotations[KEY] = 'unconfined';
    });
    expect(message(p, 'baseline')).toBe(
      `forbidden AppArmor profiles (annotations must not set AppArmor profile type to "${KEY}="unconfined"", "${KEY}ghost="Localhost/x"")`,
    );
  });

  it('Go-quotes annotation values', () => {
    const p = pod((_s, m) => {
      m.annotations[`${KEY}app`] = 'a\tb"c';
    });
    expect(message(p, 'baseline')).toBe(
      `forbidden AppArmor profile (annotation must not set AppArmor profile type to "${KEY}app="a\\tb\\"c"")`,
    );
  });

  it('lists pod, containers and annotations as setters; field values sorted before annotations', () => {
    const p = pod((s, m) => {
      podSC(s)['appArmorProfile'] = { type: 'Unconfined' };
      sc(app(s))['appArmorProfile'] = { type: 'Foo' };
      m.annotations[`${KEY}app`] = 'unconfined';
    });
    expect(message(p, 'baseline')).toBe(
      `forbidden AppArmor profiles (pod and container "app" and annotation must not set AppArmor profile type to "Foo", "Unconfined", "${KEY}app="unconfined"")`,
    );
  });

  it('accepts RuntimeDefault and Localhost fields', () => {
    const p = pod((s) => {
      podSC(s)['appArmorProfile'] = { type: 'RuntimeDefault' };
      sc(app(s))['appArmorProfile'] = { type: 'Localhost', localhostProfile: 'k8s-nginx' };
    });
    expect(message(p, 'restricted')).toBe('');
  });
});
