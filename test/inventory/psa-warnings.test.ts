import { describe, expect, it } from 'vitest';
import {
  looksTruncated,
  parsePsaWarnings,
  parseWarningHeader,
  predictPsaWarnings,
  simulateWarningTruncation,
} from '../../src/inventory/psa-warnings.js';

describe('parseWarningHeader', () => {
  it('splits joined headers on quoted strings, never on commas inside a text', () => {
    const joined =
      '299 - "existing pods in namespace \\"shop\\" violate the new PodSecurity enforce level \\"restricted:latest\\"", ' +
      '299 - "vote-1 (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile"';
    expect(parseWarningHeader(joined)).toEqual([
      'existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:latest"',
      'vote-1 (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile',
    ]);
  });

  it('accepts an array of header values and an absent header', () => {
    expect(parseWarningHeader(['299 - "a, b"', '299 - "c"'])).toEqual(['a, b', 'c']);
    expect(parseWarningHeader(undefined)).toEqual([]);
  });
});

describe('parsePsaWarnings', () => {
  it('reads the head line, pod lines with their counts and the incomplete-check line', () => {
    const p = parsePsaWarnings([
      'new PodSecurity enforce level only checked against the first 3000 of 3500 existing pods',
      'existing pods in namespace "web" violate the new PodSecurity enforce level "baseline:v1.30"',
      'api-7d9 (and 1 other pod): host namespaces',
      'nginx: privileged',
      'web-0 (and 4 other pods): hostPath volumes',
      'some other admission warning',
    ]);
    expect(p.namespace).toBe('web');
    expect(p.policy).toBe('baseline:v1.30');
    expect(p.checked).toEqual({ first: 3000, of: 3500 });
    expect(p.lines.map((l) => [l.pod, l.others, l.reasons])).toEqual([
      ['api-7d9', 1, 'host namespaces'],
      ['nginx', 0, 'privileged'],
      ['web-0', 4, 'hostPath volumes'],
    ]);
    expect(p.other).toEqual(['some other admission warning']);
    expect(p.listFailed).toBe(false);
    expect(p.truncated).toBe(false);
  });

  it('flags a failed pod list', () => {
    expect(parsePsaWarnings(['failed to list pods while checking new PodSecurity enforce level']).listFailed).toBe(
      true,
    );
  });
});

describe('predictPsaWarnings', () => {
  it('groups pods by identical reason sets, names the lexically first pod and sorts the lines', () => {
    const lines = predictPsaWarnings('shop', 'restricted:latest', [
      { name: 'vote-b', reasons: ['runAsNonRoot != true', 'seccompProfile'] },
      { name: 'vote-a', reasons: ['runAsNonRoot != true', 'seccompProfile'] },
      { name: 'vote-c', reasons: ['runAsNonRoot != true', 'seccompProfile'] },
      { name: 'db-0', reasons: ['privileged'] },
      { name: 'db-1', reasons: ['privileged'] },
      { name: 'ok', reasons: [] },
      { name: 'cache', reasons: ['seccompProfile'] },
    ]);
    expect(lines).toEqual([
      'existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:latest"',
      'cache: seccompProfile',
      'db-0 (and 1 other pod): privileged',
      'vote-a (and 2 other pods): runAsNonRoot != true, seccompProfile',
    ]);
  });

  it('emits nothing for a clean namespace, but still the incomplete line', () => {
    expect(predictPsaWarnings('a', 'baseline:latest', [{ name: 'x', reasons: [] }])).toEqual([]);
    expect(predictPsaWarnings('a', 'baseline:latest', [], { first: 1, of: 2 })).toEqual([
      'new PodSecurity enforce level only checked against the first 1 of 2 existing pods',
    ]);
  });
});

describe('simulateWarningTruncation', () => {
  // The scenario of apiserver's TestTruncation, scaled from (25, 5) to the real (4096, 256) limits.
  it('keeps everything under 4 KiB, then cuts every item to 256 runes and drops the rest', () => {
    const small = ['a'.repeat(100), 'b'.repeat(100)];
    expect(simulateWarningTruncation(small)).toEqual(small);
    expect(simulateWarningTruncation(['x', 'x', 'y'])).toEqual(['x', 'y']);

    const items = Array.from({ length: 20 }, (_, i) => `${String.fromCharCode(97 + i)}`.repeat(300));
    const out = simulateWarningTruncation(items);
    // 13 items of 300 runes fit (3900); the 14th triggers truncation: all become 256 runes and
    // items are added until 4096 runes have been written (16 * 256 = 4096).
    expect(out).toHaveLength(16);
    expect(out.every((t) => t.length === 256)).toBe(true);
    expect(out[15]).toBe('p'.repeat(256));
    expect(looksTruncated(out)).toBe(true);
    expect(looksTruncated(small)).toBe(false);
  });

  it('cuts on rune boundaries', () => {
    const items = ['ñ'.repeat(4000), 'é'.repeat(300)];
    const out = simulateWarningTruncation(items);
    expect(out).toEqual(['ñ'.repeat(256), 'é'.repeat(256)]);
  });
});
