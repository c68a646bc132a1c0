import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { same } from '../../src/fix/patches.js';

// Values built from few keys and scalars so that equal pairs come up often.
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, 0, 1, -0, NaN, 'a', 'b', true, false),
    tie('arr'),
    tie('obj'),
  ),
  arr: fc.array(tie('node'), { maxLength: 3 }),
  obj: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('node'), { maxKeys: 3 }),
})).node;

describe('same', () => {
  it('agrees with comparing JSON.stringify texts', () => {
    let equal = 0;
    fc.assert(
      fc.property(value, value, (a, b) => {
        const json = JSON.stringify(a) === JSON.stringify(b);
        if (json) equal++;
        expect(same(a, b)).toBe(json);
        expect(same(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(equal).toBeGreaterThan(100);
  });

  it('is sensitive to key order, as the JSON text is', () => {
    expect(same({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(same({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
});
