// The Kubernetes name rules (k8s.io/apimachinery IsDNS1123Label / IsDNS1123Subdomain and the
// per-kind Validate*Name functions), as a table, and the URL guard built on them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import {
  isNamespaceName,
  isObjectName,
  nameRuleOf,
  namespaceNameProblem,
  objectNameProblem,
  pathSegment,
  quoteName,
  withoutInvalidNames,
} from '../../src/inventory/object-names.js';

const HOSTILE = [
  'kube-system/secrets/podsec-canary',
  '..',
  '.',
  'vote/status',
  '--server=https://127.0.0.1:6443',
  '-n',
  'a b',
  'a%2Fb',
  'a?watch=1',
  'a#b',
  'vote\u202Eevil',
  'a\nb',
  'a\0b',
  'Vote',
  'ünï',
  '',
];

describe('namespace names (DNS-1123 label)', () => {
  it.each([
    ['default', true],
    ['kube-system', true],
    ['a', true],
    ['0', true],
    ['123-abc', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['my.name', false], // a label has no dots
    ['-a', false],
    ['a-', false],
    ['A', false],
    ['a_b', false],
  ])('%j -> %s', (name, ok) => {
    expect(isNamespaceName(name)).toBe(ok);
  });

  it.each(HOSTILE)('refuses the hostile name %j', (name) => {
    expect(namespaceNameProblem(name)).not.toBeNull();
  });

  it('says what is wrong as the API server does', () => {
    expect(namespaceNameProblem('a'.repeat(64))).toBe('must be no more than 63 characters');
    expect(namespaceNameProblem('kube-system/secrets/x')).toMatch(/RFC 1123 label/);
    expect(namespaceNameProblem(7)).toBe('must be a string');
  });
});

describe('object names per kind', () => {
  it('uses the rule the API server uses for each workload kind', () => {
    expect(nameRuleOf('Namespace')).toBe('label');
    expect(nameRuleOf('StatefulSet')).toBe('label');
    for (const k of ['Deployment', 'ReplicaSet', 'DaemonSet', 'ReplicationController', 'Job', 'CronJob', 'Pod'])
      expect(nameRuleOf(k)).toBe('subdomain');
  });

  it.each([
    ['Deployment', 'web.v2', true],
    ['Deployment', 'a'.repeat(253), true],
    ['Deployment', 'a'.repeat(254), false],
    ['Deployment', 'web..v2', false],
    ['Deployment', '.web', false],
    ['StatefulSet', 'db.v2', false], // a label: no dots
    ['StatefulSet', 'a'.repeat(63), true],
    ['StatefulSet', 'a'.repeat(64), false],
    ['CronJob', 'a'.repeat(52), true],
    ['CronJob', 'a'.repeat(53), false],
    ['Pod', 'web-7d4b9c-x2x9z', true],
    ['Job', 'backup.2026-12-02', true],
  ])('%s %j -> %s', (kind, name, ok) => {
    expect(isObjectName(kind, name)).toBe(ok);
  });

  it.each(HOSTILE)('refuses the hostile Deployment name %j', (name) => {
    expect(objectNameProblem('Deployment', name)).not.toBeNull();
  });

  it('accepts a generateName prefix ending in "-" only as a prefix', () => {
    expect(objectNameProblem('Pod', 'web-', { prefix: true })).toBeNull();
    expect(objectNameProblem('Pod', 'web-')).not.toBeNull();
    expect(objectNameProblem('Pod', '-', { prefix: true })).not.toBeNull();
  });

  it('every accepted name is a plain URL path segment and never a command-line option (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'az09.-/%_A \u202e\n'.split('')), maxLength: 70 }),
        fc.constantFrom('Namespace', 'Deployment', 'StatefulSet', 'CronJob', 'Pod'),
        (name, kind) => {
          if (!isObjectName(kind, name)) return true;
          return (
            /^[a-z0-9][a-z0-9.-]*$/.test(name) &&
            name !== '.' &&
            name !== '..' &&
            encodeURIComponent(name) === name &&
            !name.startsWith('-')
          );
        },
      ),
    );
  });
});

describe('pathSegment (the URL guard)', () => {
  it('passes a valid name through', () => {
    expect(pathSegment('Namespace', 'shop')).toBe('shop');
    expect(pathSegment('Deployment', 'web.v2')).toBe('web.v2');
  });

  it.each(HOSTILE)('throws an input error, never builds a path, for %j', (name) => {
    expect(() => pathSegment('Deployment', name)).toThrow(UserError);
    expect(() => pathSegment('Namespace', name)).toThrow(/not a valid Kubernetes name/);
  });

  it('shows bidi and control characters as escapes in the message', () => {
    expect(quoteName('vote\u202Eevil\u0007')).toBe('"vote\\u202eevil\\u0007"');
  });
});

describe('manifests with hostile names (withoutInvalidNames, where planning starts)', () => {
  const doc = (ns: string, name: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${JSON.stringify(name)}\n  namespace: ${JSON.stringify(ns)}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n`;
  const planned = (file: string, text: string) => withoutInvalidNames(inventoryFromTexts([{ file, text }]));

  it.each([
    ['kube-system/secrets/podsec-canary', 'vote'],
    ['..', 'vote'],
    ['shop', 'vote/status'],
    ['shop', '--server=https://127.0.0.1:6443'],
    ['shop', 'vote\u202Eevil'],
  ])('namespace %j, name %j is an input error naming the file, not a workload', (ns, name) => {
    const inv = planned('k8s/bad.yaml', doc(ns, name));
    expect(inv.workloads).toEqual([]);
    expect(inv.namespaces.map((n) => n.name)).not.toContain(ns === 'shop' ? '-' : ns);
    expect(inv.errors).toHaveLength(1);
    expect(inv.errors[0]).toMatchObject({ file: 'k8s/bad.yaml', document: 0 });
    expect(inv.errors[0]!.message).toMatch(/is not a valid (namespace|Deployment) name/);
    expect(inv.errors[0]!.message).not.toMatch(/[\u202E\u0000-\u001f]/);
  });

  it('keeps the valid documents of the same file', () => {
    const inv = planned('k8s/mixed.yaml', `${doc('..', 'a')}---\n${doc('shop', 'vote')}`);
    expect(inv.workloads.map((w) => `${w.namespace}/${w.name}`)).toEqual(['shop/vote']);
    expect(inv.namespaces.map((n) => n.name)).toEqual(['shop']);
    expect(inv.errors).toHaveLength(1);
  });

  it('refuses a Namespace object with a bad name', () => {
    const inv = planned('ns.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "a/b"\n');
    expect(inv.namespaces).toEqual([]);
    expect(inv.errors[0]!.message).toMatch(/not a valid namespace name/);
  });

  it('leaves an inventory of valid names as it is', () => {
    const inv = inventoryFromTexts([{ file: 'ok.yaml', text: doc('shop', 'vote') }]);
    expect(withoutInvalidNames(inv)).toBe(inv);
  });
});
