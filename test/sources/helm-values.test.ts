// The pure parts of the Helm values search and the source edits: which keys are candidates, which
// template fields a fix changes, Helm's values merge, and the comment-spacing restoration.
import { describe, expect, it } from 'vitest';
import { mergeValues } from '../../src/files/helm.js';
import { changedFields, otherDifferences } from '../../src/sources/helm/compare.js';
import { candidateKeys } from '../../src/sources/helm/probe.js';
import { keepOriginalLines } from '../../src/sources/source-edits.js';

describe('candidateKeys', () => {
  it('finds security keys at any depth and adds conventional names at the root and under component keys only', () => {
    const keys = candidateKeys({
      image: { repository: 'nginx', tag: '1' },
      podAnnotations: {},
      podSecurityContext: {},
      vote: { image: 'v', containerSecurityContext: { enabled: false }, sidecar: { securityContext: {} } },
      db: { primary: { podSecurityContext: { enabled: true } } },
      securityContext: 'not-a-map',
    }).map((p) => p.join('.'));
    expect(keys).toEqual(
      expect.arrayContaining([
        'podSecurityContext',
        'vote.containerSecurityContext',
        'vote.sidecar.securityContext',
        'db.primary.podSecurityContext',
        'vote.extraVolumes',
        'extraVolumeMounts',
      ]),
    );
    // A key the chart uses for something else is no candidate; settings maps are no components.
    expect(keys).not.toContain('securityContext');
    expect(keys.filter((k) => k.startsWith('image.') || k.startsWith('podAnnotations.'))).toEqual([]);
  });
});

describe('changedFields / otherDifferences', () => {
  const before = {
    metadata: {},
    spec: {
      containers: [{ name: 'app', image: 'a', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
  it('names each security field a fix changes, with the added volumes and mounts', () => {
    const after = {
      metadata: {},
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [
          {
            name: 'app',
            image: 'a',
            securityContext: { allowPrivilegeEscalation: false },
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'tmp', mountPath: '/tmp' },
            ],
          },
        ],
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'tmp', emptyDir: {} },
        ],
      },
    };
    const fields = changedFields(before, after);
    expect(fields.map((f) => f.field)).toEqual([
      { kind: 'podSecurityContext' },
      { kind: 'containerSecurityContext', container: 'app', init: false },
      { kind: 'volumeMounts', container: 'app' },
      { kind: 'volumes' },
    ]);
    expect(fields.find((f) => f.field.kind === 'volumes')?.added).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(otherDifferences(before, after)).toEqual([]);
  });
  it('reports a change outside the security fields (an env var) as not realisable by values', () => {
    const after = structuredClone(before) as typeof before & { spec: { containers: { env?: unknown }[] } };
    after.spec.containers[0]!.env = [{ name: 'TMPDIR', value: '/tmp' }];
    expect(changedFields(before, after)).toEqual([]);
    expect(otherDifferences(before, after)).toHaveLength(1);
  });
});

describe('mergeValues (Helm semantics)', () => {
  it('merges maps deeply, replaces lists, deletes on null', () => {
    expect(mergeValues({ a: { x: 1, y: 2 }, l: [1, 2], k: 1 }, { a: { y: 3, z: 4 }, l: [9], k: null })).toEqual({
      a: { x: 1, y: 3, z: 4 },
      l: [9],
    });
  });
});

describe('keepOriginalLines', () => {
  it('puts back lines whose only change is the spacing before a comment, and nothing else', () => {
    const before = 'a: 1   # one\nb: 2\n';
    const after = 'a: 1 # one\nb: 3\nc: 4 # new\n';
    expect(keepOriginalLines(before, after)).toBe('a: 1   # one\nb: 3\nc: 4 # new\n');
  });
});
