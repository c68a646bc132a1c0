// Reading manifests as kubectl does (sigs.k8s.io/yaml: go-yaml v2 then JSON, then the server's Go
// types): the edge-case table in test/fixtures/yaml-edge, go-yaml's scalar resolution, aliases,
// and reading a file in pieces.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolvePlainScalar } from '../../src/inventory/go-yaml.js';
import { ManifestParser, parseManifests, type ParsedManifests } from '../../src/inventory/manifests.js';
import { evaluatePod, type Level } from '../../src/policy/index.js';

const DIR = new URL('../fixtures/yaml-edge/', import.meta.url);
type Case = { decode: 'ok'; results: Record<string, string> } | { decode: 'error'; line: number };
const table = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as { cases: Record<string, Case> };

describe('the YAML edge-case table', () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  it('covers every fixture file and nothing else', () => {
    expect(Object.keys(table.cases).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(40);
  });
  it.each(files)('%s', (file) => {
    const want = table.cases[file]!;
    const p = parseManifests(file, readFileSync(new URL(file, DIR), 'utf8'));
    if (want.decode === 'error') {
      expect(p.workloads).toEqual([]);
      expect(p.errors).toHaveLength(1);
      expect(p.errors[0]).toMatchObject({ file, document: 0, line: want.line });
      return;
    }
    expect(p.errors).toEqual([]);
    const w = p.workloads[0]!;
    for (const [key, message] of Object.entries(want.results)) {
      const [level, version] = key.split('@') as [Level, string];
      const r = evaluatePod(w.template, level, version, { isPod: w.kind === 'Pod' });
      expect(r.allowed ? 'allowed' : r.message, key).toBe(message);
    }
  });
});

describe('go-yaml v2 scalar resolution', () => {
  it.each([
    ['yes', true],
    ['Yes', true],
    ['YES', true],
    ['y', true],
    ['Y', true],
    ['on', true],
    ['ON', true],
    ['True', true],
    ['no', false],
    ['N', false],
    ['off', false],
    ['Off', false],
    ['FALSE', false],
    ['', null],
    ['~', null],
    ['null', null],
    ['Null', null],
    ['NULL', null],
    ['yEs', 'yEs'],
    ['nULL', 'nULL'],
    ['tRUE', 'tRUE'],
    ['0', 0],
    ['-0', -0],
    ['+12', 12],
    ['1_000', 1000],
    ['0b101', 5],
    ['-0b11', -3],
    ['0B11', 3],
    ['0o17', 15],
    ['017', 15],
    ['00', 0],
    ['0x1F', 31],
    ['0X_1f', 31],
    ['09', 9],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['1.', 1],
    ['-1_0.5', -10.5],
    ['1:30', '1:30'],
    ['190:20:30', '190:20:30'],
    ['2001-12-14', '2001-12-14'],
    ['0x', '0x'],
    ['1e400', '1e400'],
    ['.', '.'],
    ['0x1p3', '0x1p3'],
    ['_1', '_1'],
    ['<<', '<<'],
    ['=', '='],
    ['9223372036854775807', 9223372036854774784],
    ['9223372036854775808', 9223372036854775808],
    ['-9223372036854775808', -9223372036854775808],
    ['18446744073709551615', 2 ** 64], // 18446744073709551615 as a double
    ['+9223372036854775808', 9223372036854775808],
  ] as [string, unknown][])('%j', (text, want) => {
    const got = resolvePlainScalar(text);
    if (typeof want === 'number' && Number.isNaN(want)) expect(got).toBeNaN();
    else expect(got).toBe(want);
  });
  it('special floats', () => {
    expect(resolvePlainScalar('.nan')).toBeNaN();
    expect(resolvePlainScalar('.Inf')).toBe(Infinity);
    expect(resolvePlainScalar('-.INF')).toBe(-Infinity);
    expect(resolvePlainScalar('.iNf')).toBe('.iNf');
  });
});

const pod = (name: string, sc: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n  - name: c\n    image: i\n    securityContext: ${sc}\n`;

describe('decoding documents', () => {
  it('map keys become strings as sigs.k8s.io/yaml makes them', () => {
    const p = parseManifests(
      'k.yaml',
      'kind: Pod\nmetadata:\n  name: k\n  labels: {yes: a, 1: b, 0x10: c, 1.5: d, 1e10: e, ~x: f, "<<": g}\nspec: {containers: [{name: c}]}\n',
    );
    expect(p.errors).toEqual([]);
    expect(p.workloads[0]!.object['metadata']).toMatchObject({
      labels: { true: 'a', 1: 'b', 16: 'c', '1.5': 'd', '1e+10': 'e', '~x': 'f', '<<': 'g' },
    });
  });
  it('a null, list or uint64 key is a decode error', () => {
    for (const key of ['~', '[a]', '18446744073709551615']) {
      const p = parseManifests(
        'k.yaml',
        `kind: Pod\nmetadata: {name: k}\nspec: {containers: [{name: c}]}\nx: {${key}: 1}\n`,
      );
      expect(p.errors.map((e) => e.message)).toEqual([
        expect.stringMatching(/^invalid YAML: (unsupported|invalid) map key/),
      ]);
    }
  });
  it('aliases are copies: changing one container leaves the other alone', () => {
    const p = parseManifests(
      'a.yaml',
      'kind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - {name: a, securityContext: &sc {privileged: false}}\n  - {name: b, securityContext: *sc}\n',
    );
    const [a, b] = p.workloads[0]!.template.spec.containers as { securityContext: { privileged: boolean } }[];
    a!.securityContext.privileged = true;
    expect(b!.securityContext.privileged).toBe(false);
  });
  it('an alias bomb, an unknown alias and a self-referencing anchor are errors for their document only, quickly', () => {
    const bomb = readFileSync(new URL('alias-bomb.yaml', DIR), 'utf8');
    const text = [
      pod('first', '{}'),
      bomb,
      pod('mid', '*nope'),
      pod('self', '&x {seLinuxOptions: *x}'),
      pod('last', '{privileged: yes}'),
    ].join('---\n');
    const t0 = performance.now();
    const p = parseManifests('mixed.yaml', text);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(p.workloads.map((w) => w.name)).toEqual(['first', 'last']);
    expect(p.errors.map((e) => [e.document, e.message])).toEqual([
      [1, 'invalid YAML: document contains excessive aliasing'],
      [2, "invalid YAML: unknown anchor 'nope' referenced"],
      [3, "invalid YAML: anchor 'x' value contains itself"],
    ]);
    expect(p.errors[1]!.line).toBe(text.split('\n').findIndex((l) => l.includes('*nope')) + 1);
  });
  it('a merge of something that is not a mapping is an error', () => {
    const p = parseManifests('m.yaml', pod('m', '{<<: [a]}'));
    expect(p.errors.map((e) => e.message)).toEqual([
      'invalid YAML: map merge requires map or sequence of maps as the value',
    ]);
  });
  it('explicit tags: !!str keeps text, !!int reads a number, a mismatch is an error', () => {
    const p = parseManifests(
      't.yaml',
      `${pod('t', '{privileged: !!bool "yes"}')}---\n${pod('u', '{privileged: !!str yes}')}---\n${pod('v', '{runAsUser: !!int 1.5}')}`,
    );
    expect(
      p.workloads.map((w) => (w.template.spec.containers as { securityContext: unknown }[])[0]!.securityContext),
    ).toEqual([{ privileged: true }]);
    expect(p.errors.map((e) => e.message)).toEqual([
      'Pod u: spec.containers[0].securityContext.privileged: expected a boolean, got string',
      'invalid YAML: cannot decode !!float `1.5` as a !!int',
    ]);
  });
  it('a __proto__ key is an ordinary key', () => {
    const p = parseManifests(
      'p.yaml',
      'kind: Pod\nmetadata: {name: p, labels: {__proto__: x}}\nspec: {containers: [{name: c}]}\n',
    );
    const labels = (p.workloads[0]!.object['metadata'] as { labels: Record<string, unknown> }).labels;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.keys(labels)).toEqual(['__proto__']);
  });
});

function merged(parts: ParsedManifests[]): ParsedManifests {
  const out: ParsedManifests = { workloads: [], namespaces: new Map(), errors: [], skipped: 0 };
  for (const p of parts) {
    out.workloads.push(...p.workloads);
    for (const [k, v] of p.namespaces) out.namespaces.set(k, v);
    out.errors.push(...p.errors);
    out.skipped += p.skipped;
  }
  return out;
}

describe('ManifestParser (a file read in pieces)', () => {
  const text = [
    '# leading comment\n',
    'kind: Namespace\nmetadata: {name: ns, labels: {pod-security.kubernetes.io/enforce: baseline}}\n',
    '---\n',
    pod('one', '{privileged: true}'),
    '--- \n',
    'kind: Pod\nmetadata: {name: broken\nspec: {}\n',
    '---\n',
    '...\n',
    '--- # a comment on the document start\n',
    pod('two', '|\n      not: a mapping'),
    '---\r\n',
    pod('three', '{}'),
    '---\n',
  ].join('');
  const whole = parseManifests('f.yaml', text);

  it('gives the same workloads, errors, documents and lines whatever the piece sizes', () => {
    expect(whole.workloads.map((w) => [w.name, w.source])).toEqual([
      ['one', { file: 'f.yaml', document: 1, line: 5 }],
      ['three', { file: 'f.yaml', document: 5, line: 30 }],
    ]);
    expect(whole.errors.map((e) => [e.document, e.line])).toEqual([
      [2, 16],
      [4, 20],
    ]);
    for (const size of [1, 2, 3, 7, 64, 1000]) {
      const p = new ManifestParser('f.yaml');
      const parts: ParsedManifests[] = [];
      for (let i = 0; i < text.length; i += size) parts.push(p.push(text.slice(i, i + size)));
      parts.push(p.end());
      const got = merged(parts);
      expect(
        got.workloads.map((w) => [w.name, w.source]),
        `pieces of ${size}`,
      ).toEqual(whole.workloads.map((w) => [w.name, w.source]));
      expect(got.errors, `pieces of ${size}`).toEqual(whole.errors);
      expect(got.namespaces).toEqual(whole.namespaces);
    }
  });

  it('hands back each document soon after the next ones start, the rest at the end', () => {
    const p = new ManifestParser('g.yaml');
    const got = [pod('a', '{}'), `---\n${pod('b', '{}')}`, '---\n', pod('c', '{}'), '---\n'].map((t) =>
      p.push(t).workloads.map((w) => w.name),
    );
    // The parser closes a document when the next starts; the composer hands it back at the one after.
    expect(got).toEqual([[], [], [], [], ['a']]);
    expect(p.end().workloads.map((w) => w.name)).toEqual(['b', 'c']);
  });
});
