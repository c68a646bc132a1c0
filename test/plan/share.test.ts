import { describe, expect, it } from 'vitest';
import { JsonInterner } from '../../src/plan/share.js';

describe('JsonInterner', () => {
  it('returns the first value for every later value with the same JSON text', () => {
    const s = new JsonInterner();
    const a = { check: 'runAsNonRoot', path: '/spec/securityContext', value: { runAsNonRoot: true } };
    const b = structuredClone(a);
    expect(s.share(a)).toBe(a);
    expect(s.share(b)).toBe(a);
  });

  it('keeps values whose JSON differs apart (other value, other key order)', () => {
    const s = new JsonInterner();
    const a = { op: 'add', value: 1 };
    expect(s.share({ op: 'add', value: 2 })).not.toBe(a);
    const first = s.share(a);
    expect(s.share({ value: 1, op: 'add' })).not.toBe(first);
    expect(s.share([])).toEqual([]);
  });
});
