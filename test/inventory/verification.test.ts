import { describe, expect, it } from 'vitest';
import { compareWithServer, versionForDryRun, worstStatus } from '../../src/inventory/verification.js';

const head = 'existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:latest"';
const pods = [
  { name: 'vote-a', reasons: ['runAsNonRoot != true', 'seccompProfile'], workload: 'shop/Deployment/vote' },
  { name: 'vote-b', reasons: ['runAsNonRoot != true', 'seccompProfile'], workload: 'shop/Deployment/vote' },
  { name: 'worker-1', reasons: ['runAsNonRoot != true', 'seccompProfile'], workload: 'shop/Deployment/worker' },
  { name: 'ok-1', reasons: [], workload: 'shop/Deployment/ok' },
];

describe('compareWithServer', () => {
  it('agrees when the server sends exactly the predicted lines, and maps a group back to all its workloads', () => {
    const v = compareWithServer('shop', 'restricted', 'latest', pods, [
      head,
      'vote-a (and 2 other pods): runAsNonRoot != true, seccompProfile',
    ]);
    expect(v.status).toBe('agrees');
    expect(v.policy).toBe('restricted:latest');
    expect(v.violators).toEqual([
      {
        pod: 'vote-a',
        others: 2,
        reasons: 'runAsNonRoot != true, seccompProfile',
        workloads: ['shop/Deployment/vote', 'shop/Deployment/worker'],
      },
    ]);
  });

  it('reports no warnings at all against engine violations as exempt-or-unseen, not clean', () => {
    const v = compareWithServer('shop', 'restricted', 'latest', pods, []);
    expect(v.status).toBe('exemptOrUnseen');
    expect(v.note).toMatch(/3 violating pod\(s\).*exempt/);
  });

  it('recognises the explicit exemption warning of newer servers', () => {
    const v = compareWithServer('shop', 'restricted', 'latest', pods, [
      'namespace "shop" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored',
    ]);
    expect(v.status).toBe('exempt');
    expect(v.onlyServer).toEqual([]);
  });

  it('treats "only checked the first N of M pods" as incomplete', () => {
    const v = compareWithServer('shop', 'restricted', 'latest', pods, [
      'new PodSecurity enforce level only checked against the first 2 of 4 existing pods',
      head,
      'vote-a (and 1 other pod): runAsNonRoot != true, seccompProfile',
    ]);
    expect(v.status).toBe('incomplete');
    expect(v.note).toBe('PodSecurity only checked the first 2 of 4 pods');
  });

  it('lists what only the server or only the engine saw when they disagree (e.g. an injected container)', () => {
    const v = compareWithServer('shop', 'restricted', 'latest', pods, [
      head,
      'vote-a (and 2 other pods): runAsNonRoot != true, seccompProfile',
      'x-1: privileged',
    ]);
    expect(v.status).toBe('disagrees');
    expect(v.onlyServer).toEqual(['x-1: privileged']);
    expect(v.onlyEngine).toEqual([]);
    expect(v.violators[1]).toEqual({ pod: 'x-1', others: 0, reasons: 'privileged', workloads: [] });
  });

  it('agrees with a truncated response when podsec predicts the same truncation', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      name: `p${String(i).padStart(2, '0')}`,
      reasons: [`reason ${'x'.repeat(120)} ${i}`],
    }));
    const predicted = [
      'existing pods in namespace "big" violate the new PodSecurity enforce level "baseline:v1.35"',
      ...many.map((p) => `${p.name}: ${p.reasons[0]}`).sort(),
    ];
    // What the server sends: the lines replayed truncated to 256 runes, cut after 4 KiB.
    let total = 0;
    const sent: string[] = [];
    for (const t of predicted) {
      if (total >= 4096) break;
      const cut = t.slice(0, 256);
      sent.push(cut);
      total += cut.length;
    }
    const v = compareWithServer('big', 'baseline', 'v1.35', many, sent);
    expect(sent.length).toBeLessThan(predicted.length);
    expect(v.truncated).toBe(true);
    expect(v.status).toBe('agrees');
  });
});

describe('versionForDryRun', () => {
  it('keeps the version when the enforce level or version changes', () => {
    expect(versionForDryRun('restricted', 'latest', { level: 'privileged', version: 'latest' }, 36)).toBe('latest');
    expect(versionForDryRun('baseline', 'v1.30', { level: 'baseline', version: 'latest' }, 36)).toBe('v1.30');
  });

  it('spells the same version differently when PSA would skip the check (same or relaxed level, same version)', () => {
    expect(versionForDryRun('restricted', 'latest', { level: 'restricted', version: 'latest' }, 36)).toBe('v1.36');
    expect(versionForDryRun('baseline', 'latest', { level: 'restricted', version: 'latest' }, 36)).toBe('v1.36');
    expect(versionForDryRun('baseline', 'v1.36', { level: 'baseline', version: 'v1.36' }, 36)).toBe('latest');
    expect(versionForDryRun('baseline', 'v1.30', { level: 'baseline', version: 'v1.30' }, 36)).toBeNull();
  });
});

describe('worstStatus', () => {
  it('ranks disagreement above everything', () => {
    expect(worstStatus([{ status: 'agrees' }, { status: 'disagrees' }, { status: 'incomplete' }])).toBe('disagrees');
    expect(worstStatus([{ status: 'agrees' }])).toBe('agrees');
  });
});

describe('versionForDryRun with equivalent minors', () => {
  it('uses a neighbouring minor with the same rules when the pin would be skipped', () => {
    const same = (a: number, b: number) => (a === 23 && b === 24) || (a === 24 && b === 23);
    expect(versionForDryRun('baseline', 'v1.23', { level: 'baseline', version: 'v1.23' }, 37, same)).toBe('v1.24');
    expect(versionForDryRun('baseline', 'v1.25', { level: 'baseline', version: 'v1.25' }, 37, same)).toBeNull();
  });
});
