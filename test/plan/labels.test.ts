import { describe, expect, it } from 'vitest';
import { labelMergePatch, labelsByPhase } from '../../src/plan/labels.js';
import { parseNamespaceLabels } from '../../src/policy/index.js';

const P = 'pod-security.kubernetes.io/';
const phases = (labels: Record<string, string>, planned: 'privileged' | 'baseline' | 'restricted') =>
  labelsByPhase(labels, parseNamespaceLabels(labels), planned, 'v1.37');

describe('labelsByPhase', () => {
  it('takes an unlabelled namespace through observe, enforce-baseline and enforce-restricted', () => {
    const out = phases({}, 'restricted');
    expect(out.map((p) => p.id)).toEqual(['1-observe', '3-enforce-baseline', '4-enforce-restricted']);
    expect(out[0]?.after).toEqual({
      [`${P}audit`]: 'restricted',
      [`${P}audit-version`]: 'v1.37',
      [`${P}warn`]: 'restricted',
      [`${P}warn-version`]: 'v1.37',
    });
    expect(out[1]?.after[`${P}enforce`]).toBe('baseline');
    expect(out[2]?.after[`${P}enforce`]).toBe('restricted');
    expect(out[2]?.after[`${P}enforce-version`]).toBe('v1.37');
    expect(out[2]?.after[`${P}warn`]).toBe('restricted');
  });

  it('skips enforce-baseline for a namespace that enforces baseline already (re-pinned in phase 4)', () => {
    const labels = { [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'v1.23' };
    const out = phases(labels, 'restricted');
    expect(out.map((p) => p.id)).toEqual(['1-observe', '4-enforce-restricted']);
    expect(out[1]?.before[`${P}enforce-version`]).toBe('v1.23');
    expect(out[1]?.after[`${P}enforce-version`]).toBe('v1.37');
  });

  it('has no phase for a namespace already labelled as planned', () => {
    const labels = Object.fromEntries(
      ['enforce', 'audit', 'warn'].flatMap((m) => [
        [`${P}${m}`, 'restricted'],
        [`${P}${m}-version`, 'v1.37'],
      ]),
    );
    expect(phases(labels, 'restricted')).toEqual([]);
  });

  it('stops at baseline when that is what the workloads allow (no phase 4, warn at baseline)', () => {
    const out = phases({}, 'baseline');
    expect(out.map((p) => p.id)).toEqual(['1-observe', '3-enforce-baseline']);
    expect(out[0]?.after[`${P}warn`]).toBe('baseline');
  });

  it('records a namespace held at privileged with an explicit enforce=privileged and no observe step', () => {
    const out = phases({}, 'privileged');
    expect(out.map((p) => p.id)).toEqual(['3-enforce-baseline']);
    expect(out[0]?.after).toEqual({ [`${P}enforce`]: 'privileged', [`${P}enforce-version`]: 'v1.37' });
  });

  it('never loosens a stricter enforce label in phase 3', () => {
    const labels = { [`${P}enforce`]: 'restricted', [`${P}enforce-version`]: 'v1.30' };
    const out = phases(labels, 'restricted');
    expect(out.every((p) => p.after[`${P}enforce`] === 'restricted')).toBe(true);
  });
});

describe('labelMergePatch', () => {
  it('sets changed labels and removes labels that were absent (null)', () => {
    expect(labelMergePatch({ a: '1', b: '2' }, { b: '3', c: '4' })).toEqual({
      metadata: { labels: { a: null, b: '3', c: '4' } },
    });
  });
  it('is empty for equal label sets', () => {
    expect(labelMergePatch({ a: '1' }, { a: '1' })).toEqual({ metadata: { labels: {} } });
  });
});
