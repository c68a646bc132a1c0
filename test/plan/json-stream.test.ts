// plan.json is written in pieces; the pieces must join to exactly JSON.stringify(value, null, 2).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../src/plan/json-stream.js';
import { planJsonFile } from '../../src/plan/render-files.js';
import type { Plan } from '../../src/plan/plan-schema.js';

describe('jsonChunks', () => {
  it('joins to JSON.stringify(value, null, 2) at any depth (property)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.integer({ min: 0, max: 5 }),
        (v, depth) => [...jsonChunks(v, depth)].join('') === JSON.stringify(v, null, 2),
      ),
      { numRuns: 300 },
    );
  });

  it('skips undefined members and writes null for undefined array items, as JSON.stringify does', () => {
    const v = { a: undefined, b: [undefined, 1], c: {}, d: [] };
    expect([...jsonChunks(v, 3)].join('')).toBe(JSON.stringify(v, null, 2));
  });

  it('gives members of the top-level object their own depth', () => {
    const v = { a: [{ x: [1, 2] }, { y: 'z' }], b: { c: { d: 1 } } };
    const pieces = [...jsonChunks(v, 4, '', { a: 1 })];
    expect(pieces.join('')).toBe(JSON.stringify(v, null, 2));
    // each element of `a` is one piece; `b` is still split down to its leaves
    expect(pieces).toContain(JSON.stringify({ x: [1, 2] }, null, 2).replace(/\n/g, '\n    '));
    expect(pieces).not.toContain(JSON.stringify({ c: { d: 1 } }, null, 2).replace(/\n/g, '\n  '));
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.dictionary(fc.string(), fc.integer({ min: 0, max: 4 })),
        fc.integer({ min: 0, max: 5 }),
        (v, depths, depth) => [...jsonChunks(v, depth, '', depths)].join('') === JSON.stringify(v, null, 2),
      ),
      { numRuns: 300 },
    );
  });

  it('never holds the whole text: each piece of a plan with many workloads is at most one workload', () => {
    const workloads = Array.from({ length: 2000 }, (_, i) => ({
      namespace: 'ns',
      kind: 'Deployment',
      name: `w${i}`,
      changes: [{ path: '/spec/x', value: 'y'.repeat(50) }],
    }));
    const file = planJsonFile({ kind: 'Plan', workloads } as unknown as Plan);
    let max = 0;
    let total = 0;
    for (const piece of file.chunks!()) {
      max = Math.max(max, piece.length);
      total += piece.length;
    }
    expect(total).toBeGreaterThan(200_000);
    expect(max).toBeLessThan(400);
    expect(file.contents).toBe(`${JSON.stringify({ kind: 'Plan', workloads }, null, 2)}\n`);
  });
});
