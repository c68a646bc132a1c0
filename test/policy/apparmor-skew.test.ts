// A Pod create copies a deprecated AppArmor annotation to the container's field before admission
// (the Pod registry's PrepareForCreate), so PodSecurity names the container as well as the
// annotation. Expected messages are the API server's (from the oracle, test/kube/oracle).
import { describe, expect, it } from 'vitest';
import { evaluatePod } from '../../src/policy/index.js';

const KEY = 'container.apparmor.security.beta.kubernetes.io/c';
const annotated = (spec: Record<string, unknown>, value = 'unconfined') => ({
  metadata: { annotations: { [KEY]: value } },
  spec,
});
const plain = { containers: [{ name: 'c', image: 'x' }] };
const ANNOTATION_ONLY = `forbidden AppArmor profile (annotation must not set AppArmor profile type to "${KEY}="unconfined"")`;

describe('AppArmor annotation copied to the field on Pod create', () => {
  it('a Pod: the container gets the Unconfined field, so the message names both', () => {
    expect(evaluatePod(annotated(plain), 'baseline', 'latest', { isPod: true }).message).toBe(
      `forbidden AppArmor profiles (container "c" and annotation must not set AppArmor profile type to "Unconfined", "${KEY}="unconfined"")`,
    );
  });

  it('a pod template inside a controller is not prepared: the annotation alone', () => {
    expect(evaluatePod(annotated(plain), 'baseline', 'latest', { isPod: false }).message).toBe(ANNOTATION_ONLY);
  });

  it('a Windows pod is not synced', () => {
    expect(
      evaluatePod(annotated({ ...plain, os: { name: 'windows' } }), 'baseline', 'latest', { isPod: true }).message,
    ).toBe(ANNOTATION_ONLY);
  });

  it('a container that has its own profile field keeps it', () => {
    const spec = {
      containers: [{ name: 'c', image: 'x', securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }],
    };
    expect(evaluatePod(annotated(spec), 'baseline', 'latest', { isPod: true }).message).toBe(ANNOTATION_ONLY);
  });

  it('a field equal to the pod-level profile is not copied', () => {
    const spec = { ...plain, securityContext: { appArmorProfile: { type: 'Unconfined' } } };
    expect(evaluatePod(annotated(spec), 'baseline', 'latest', { isPod: true }).message).toBe(
      `forbidden AppArmor profiles (pod and annotation must not set AppArmor profile type to "Unconfined", "${KEY}="unconfined"")`,
    );
  });

  it('allowed annotations stay allowed (runtime/default, localhost/<name>, padded localhost is not copied)', () => {
    for (const value of ['runtime/default', 'localhost/prof', 'localhost/ padded ']) {
      expect(
        evaluatePod(annotated(plain, value), 'restricted', 'latest', { isPod: true }).violations.map((v) => v.check),
      ).not.toContain('appArmorProfile');
    }
  });
});
