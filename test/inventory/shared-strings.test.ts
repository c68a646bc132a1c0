// SharedStrings: the manifest reader and the planner keep repeated strings once, as copies of
// their own; the values themselves never change.
import { Composer, Parser } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decodeYamlDocument } from '../../src/inventory/go-yaml.js';
import { SharedStrings } from '../../src/inventory/shared-strings.js';

const TEXT = `
a: plain
b: "a long double-quoted value with escapes \\t \\u00e9 \\U0001F600 and a lone \\uD800 surrogate"
c: 'single ''quoted'' and long enough to be sliced'
d: [main, sidecar, main, registry.example/app-1:1.3, registry.example/app-1:1.3]
__proto__: kept as a key
e: |
  a literal block
  of two lines
n: 012
`;

function decode(strings?: SharedStrings): unknown {
  const docs = [...new Composer({ schema: 'failsafe' }).compose(new Parser().parse(TEXT))];
  return decodeYamlDocument(docs[0]!, strings);
}

describe('SharedStrings', () => {
  it('gives back the value it was given, for any string', () => {
    const s = new SharedStrings();
    for (const v of ['', 'x', 'a'.repeat(12), 'b'.repeat(13), 'é😀\uD800 tail long enough', `${'x'.repeat(20)}${1}`])
      expect(s.share(v)).toBe(v);
  });

  it('keeps working past its limit (the table starts over)', () => {
    const s = new SharedStrings(3);
    const values = Array.from({ length: 10 }, (_, i) => `value number ${i} of ten`);
    expect(values.map((v) => s.share(v))).toEqual(values);
    expect(values.map((v) => s.share(`${v}`))).toEqual(values);
  });

  it('decodes YAML to the same data with a table as without one', () => {
    const plain = decode();
    expect(decode(new SharedStrings())).toEqual(plain);
    expect(decode(new SharedStrings(2))).toEqual(plain);
    expect((plain as Record<string, unknown>)['b']).toContain('\uD800');
  });
});
