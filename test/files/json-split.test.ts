// JsonArraySplitter: the elements of one top-level array member and the rest of the text, for any
// chunking of the bytes (strings with brackets, escapes, multi-byte characters across chunks).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonArraySplitter } from '../../src/files/json-split.js';

function split(text: string, cuts: number[]): { elements: unknown[]; rest: unknown; arrays: number } {
  const elements: unknown[] = [];
  const s = new JsonArraySplitter('items', (t) => elements.push(JSON.parse(t)));
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  for (const c of [...cuts.map((x) => x % (bytes.length + 1))].sort((a, b) => a - b)) {
    s.push(bytes.subarray(at, Math.max(at, c)));
    at = Math.max(at, c);
  }
  s.push(bytes.subarray(at));
  return { elements, rest: JSON.parse(s.rest()), arrays: s.arrays };
}

const json = fc.jsonValue({ maxDepth: 3 });

describe('JsonArraySplitter', () => {
  it('gives every element and the rest with an empty array, for any chunking and layout', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), json, { maxKeys: 4 }),
        fc.array(json, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (others, items, cuts, pretty) => {
          const value = { ...others, items };
          const text = pretty ? JSON.stringify(value, null, 2) : JSON.stringify(value);
          const got = split(text, cuts);
          expect(got.elements).toEqual(JSON.parse(JSON.stringify(items)));
          expect(got.rest).toEqual(JSON.parse(JSON.stringify({ ...value, items: [] })));
          expect(got.arrays).toBe(1);
        },
      ),
    );
  });

  it('leaves a nested member of the same name and strings that look like structure alone', () => {
    const text = '{"a": {"items": [1, 2]}, "b": "\\"items\\": [", "items": ["]\\\\", {"x": "é}"}]}';
    for (let cut = 0; cut < Buffer.byteLength(text); cut++) {
      const got = split(text, [cut]);
      expect(got.elements).toEqual([']\\', { x: 'é}' }]);
      expect(got.rest).toEqual({ a: { items: [1, 2] }, b: '"items": [', items: [] });
    }
  });
});
