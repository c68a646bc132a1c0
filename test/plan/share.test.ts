import { describe, expect, it } from 'vitest';
import { JsonInterner } from '../../src/plan/share.js';

describe('JsonInterner', () => {
  it('returns one copy of the first value for every later value with the same JSON text', () => {
    const s = new JsonInterner();
    const a = { check: 'runAsNonRoot', path: '/spec/securityContext', value: { runAsNonRoot: true } };
    const b = structuredClone(a);
    const kept = s.share(a);
    expect(kept).toEqual(a);
    expect(kept).not.toBe(a);
    expect(s.share(b)).toBe(kept);
    expect(s.share(a)).toBe(kept);
  });

  it('keeps values whose JSON differs apart (other value, other key order)', () => {
    const s = new JsonInterner();
    const a = { op: 'add', value: 1 };
    expect(s.share({ op: 'add', value: 2 })).not.toBe(a);
    const first = s.share(a);
    expect(s.share({ value: 1, op: 'add' })).not.toBe(first);
    expect(Object.keys(s.share({ value: 1, op: 'add' }))).toEqual(['value', 'op']);
    expect(s.share([])).toEqual([]);
  });
});
