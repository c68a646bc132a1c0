import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { emitFast, toYaml } from '../../src/plan/yaml-emit.js';

const library = (v: unknown) => stringify(v, { lineWidth: 0 });

// Strings that exercise the library's quoting: indicators, look-alikes of other types, spaces.
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    ' ',
    'true',
    'False',
    'null',
    '~',
    'yes',
    'no',
    'on',
    '0',
    '-1',
    '1.5',
    '0x1F',
    '1e3',
    '.inf',
    '-.nan',
    '0o17',
    '012',
    '- a',
    '? a',
    ': a',
    'a: b',
    'a #b',
    '#a',
    '&a',
    '*a',
    '!a',
    '|',
    '>',
    '%a',
    '@a',
    '`a',
    '"a"',
    "'a'",
    '{a}',
    '[a]',
    'a,b',
    'a\tb',
    ' a',
    'a ',
    '$setElementOrder/volumes',
    '$patch',
    'ALL',
    'RuntimeDefault',
    '/var/run',
    'registry.example/app:1.2',
    '2024-01-01',
    '12:30',
    'x'.repeat(150),
    'é',
    '\u2028',
    '\u0000',
    '\\',
    'a\\nb',
    '---',
    '...',
    '<<',
    '=',
    'a\nb',
    'multi\nline\n',
  ),
  fc.string({ unit: 'grapheme' }),
);
const key = fc.oneof(tricky, fc.constantFrom('name', 'spec', 'containers', 'securityContext', 'runAsUser'));
const scalar = fc.oneof(tricky, fc.integer(), fc.boolean(), fc.constant(null), fc.double(), fc.constant(-0));
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj')),
  arr: fc.array(tie('node'), { maxLength: 4 }),
  obj: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).node;

describe('toYaml', () => {
  it('writes exactly what the yaml library writes, for any JSON value', () => {
    let fast = 0;
    fc.assert(
      fc.property(value, (v) => {
        expect(toYaml(v)).toBe(library(v));
        if (emitFast(v) !== null) fast++;
      }),
      { numRuns: 3000 },
    );
    // The comparison must exercise the fast path, not only the fallback.
    expect(fast).toBeGreaterThan(500);
  });

  it('matches on a patch-shaped document, including the fast path (no fallback) for it', () => {
    const patch = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'db', namespace: 'voting' },
      spec: {
        template: {
          metadata: { annotations: {} },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 999, seccompProfile: { type: 'RuntimeDefault' } },
            '$setElementOrder/containers': [{ name: 'db' }],
            containers: [
              {
                name: 'db',
                securityContext: { capabilities: { drop: ['ALL'] }, allowPrivilegeEscalation: false },
                volumeMounts: [{ mountPath: '/tmp', name: 'tmp' }],
              },
            ],
            volumes: [
              { name: 'tmp', emptyDir: {} },
              { $patch: 'delete', name: 'old' },
            ],
            initContainers: [[], [[1, 'a'], {}], null],
          },
        },
      },
    };
    expect(emitFast(patch)).toBe(library(patch));
  });

  it('leaves shared objects (anchors and aliases) and non-plain values to the library', () => {
    const shared = { a: 1 };
    const doc = { x: shared, y: shared, when: new Date(0), n: 1.5, u: undefined };
    expect(toYaml(doc)).toBe(library(doc));
    expect(toYaml(doc)).toContain('&');
    expect(emitFast(doc)).toBeNull();
    expect(emitFast({ text: 'two\nlines' })).toBeNull();
  });
});
