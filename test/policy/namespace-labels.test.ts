import { describe, expect, it } from 'vitest';
import { parseNamespaceLabels } from '../../src/policy/index.js';

const L = 'pod-security.kubernetes.io/';

describe('parseNamespaceLabels', () => {
  it('reads the six labels', () => {
    const p = parseNamespaceLabels({
      [`${L}enforce`]: 'baseline',
      [`${L}enforce-version`]: 'v1.23',
      [`${L}audit`]: 'restricted',
      [`${L}warn`]: 'restricted',
      [`${L}warn-version`]: 'v1.30',
    });
    expect(p).toEqual({
      enforce: { level: 'baseline', version: 'v1.23' },
      audit: { level: 'restricted', version: 'latest' },
      warn: { level: 'restricted', version: 'v1.30' },
      invalid: [],
    });
  });

  it('treats an invalid enforce level as restricted and an invalid warn level as privileged, and reports both', () => {
    const p = parseNamespaceLabels({ [`${L}enforce`]: 'Restricted', [`${L}warn`]: 'strict' });
    expect(p.enforce).toEqual({ level: 'restricted', version: 'latest' });
    expect(p.warn).toEqual({ level: 'privileged', version: 'latest' });
    expect(p.invalid.map((i) => i.label)).toEqual([`${L}enforce`, `${L}warn`]);
    expect(p.invalid[0]!.message).toBe('must be one of privileged, baseline, restricted');
  });

  it('treats an invalid version as latest (leading zeros are invalid)', () => {
    const p = parseNamespaceLabels({ [`${L}enforce`]: 'baseline', [`${L}enforce-version`]: 'v1.05' });
    expect(p.enforce).toEqual({ level: 'baseline', version: 'latest' });
    expect(p.invalid).toEqual([
      { label: `${L}enforce-version`, value: 'v1.05', message: 'must be "latest" or "v1.x"' },
    ]);
  });

  it('defaults warn to a stricter explicit enforce level and version', () => {
    const p = parseNamespaceLabels({ [`${L}enforce`]: 'baseline', [`${L}enforce-version`]: 'v1.25' });
    expect(p.warn).toEqual({ level: 'baseline', version: 'v1.25' });
    expect(p.audit).toBeUndefined();
  });

  it('does not default warn from an invalid enforce level', () => {
    expect(parseNamespaceLabels({ [`${L}enforce`]: 'bogus' }).warn).toBeUndefined();
  });

  it('leaves an unlabelled namespace unset', () => {
    expect(parseNamespaceLabels({ app: 'x' })).toEqual({ invalid: [] });
  });
});
