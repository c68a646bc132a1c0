import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NameAllocator, sanitizeSegment, shQuote, stableStringify } from '../../src/plan/names.js';

describe('sanitizeSegment', () => {
  it('keeps ordinary Kubernetes names as they are', () => {
    expect(sanitizeSegment('deployment-vote')).toBe('deployment-vote');
    expect(sanitizeSegment('web.v2')).toBe('web.v2');
  });

  it.each(['../x', '..', '.', '', 'a;rm -rf ~', 'a/b', 'Ünïcødé-名前', '-rf', 'a\nb', 'x'.repeat(300), 'A'])(
    'makes %j a plain, safe segment',
    (name) => {
      const s = sanitizeSegment(name);
      expect(s).toMatch(/^[a-z0-9][a-z0-9._-]*$/);
      expect(s).not.toBe('..');
      expect(s.length).toBeLessThanOrEqual(90);
    },
  );

  it('gives different segments to names that differ only in unsafe characters or case', () => {
    expect(sanitizeSegment('a;b')).not.toBe(sanitizeSegment('a:b'));
    expect(sanitizeSegment('Web')).not.toBe(sanitizeSegment('web'));
  });

  it('is safe for any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => /^[a-z0-9][a-z0-9._-]*$/.test(sanitizeSegment(name))),
    );
  });
});

describe('NameAllocator', () => {
  it('returns the same segment for the same name and unique ones for colliding names', () => {
    const a = new NameAllocator(['namespace']);
    const first = a.take('x');
    expect(a.take('x')).toBe(first);
    expect(a.fresh('x')).not.toBe(first);
    expect(a.take('namespace')).not.toBe('namespace');
  });

  it('never hands out the same segment twice (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 30 }), (names) => {
        const a = new NameAllocator();
        const out = names.map((n) => a.fresh(n));
        return new Set(out).size === out.length;
      }),
    );
  });
});

describe('shQuote', () => {
  it('survives bash unchanged for hostile text', () => {
    const words = [
      'a;rm -rf /',
      "it's",
      '$(touch /tmp/pwned)',
      '`id`',
      'a\nb',
      '"x"',
      '\\',
      'Ünï 名前',
      "''",
      '',
      'vote\u202Eevil',
      "a\u2066'b\\c\u0007",
      '\u0085x',
    ];
    const script = words.map((w) => `printf '%s\\0' ${shQuote(w)}`).join('\n');
    const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(words);
  });

  it('writes bidi and control characters as escapes, so the script shows what it runs', () => {
    expect(shQuote('vote\u202Eevil')).toBe("$'vote\\u202eevil'");
    expect(shQuote('a\nb')).toBe("$'a\\x0ab'");
    expect(shQuote("it's")).toBe("'it'\\''s'");
  });
});

describe('stableStringify', () => {
  it('sorts keys at every level', () => {
    expect(stableStringify({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
    );
  });
});
