// The scan evaluates baseline and restricted separately: passing restricted does not imply passing
// baseline (issue 14: hostPath next to configMap; a Windows pod with a Custom seccompProfile).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import { evaluatePod } from '../../src/policy/index.js';
import { buildScanReport } from '../../src/report/index.js';

const DIR = new URL('../fixtures/yaml-edge/', import.meta.url);
const read = (f: string) => ({ file: f, text: readFileSync(new URL(f, DIR), 'utf8') });

describe('scan levels', () => {
  it('reports the baseline violation of a Windows pod that passes restricted (v1.25)', () => {
    const r = buildScanReport(inventoryFromTexts([read('windows-seccomp.yaml')]), { version: 'v1.25' });
    const w = r.workloads[0]!;
    expect(w.results.restricted?.allowed).toBe(true);
    expect(w.results.baseline).toMatchObject({
      allowed: false,
      message: 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Custom")',
    });
  });

  it('reports the hostPath of a volume that also names a configMap', () => {
    const r = buildScanReport(inventoryFromTexts([read('hostpath-and-configmap.yaml')]));
    const w = r.workloads[0]!;
    expect(w.results.restricted?.allowed).toBe(true);
    expect(w.results.baseline).toMatchObject({ allowed: false, message: 'hostPath volumes (volume "data")' });
  });

  it('agrees with the engine at each level for every edge-case fixture and several versions', () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.yaml'))
      .map(read);
    const inv = inventoryFromTexts(files);
    let compared = 0;
    for (const version of ['v1.22', 'v1.25', 'latest']) {
      const r = buildScanReport(inv, { version });
      for (const [i, w] of inv.workloads.entries()) {
        for (const level of ['baseline', 'restricted'] as const) {
          const want = evaluatePod(
            w.template,
            level,
            version === 'latest' ? r.workloads[i]!.results[level]!.version : version,
            { isPod: w.kind === 'Pod' },
          );
          expect(r.workloads[i]!.results[level]?.allowed, `${w.name} ${level} ${version}`).toBe(want.allowed);
          expect(r.workloads[i]!.results[level]?.message).toBe(want.message);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(150);
  });
});
