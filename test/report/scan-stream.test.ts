// ScanReportBuilder (streamed scan -f) agrees with buildScanReport over the whole inventory,
// including a namespace pin that arrives in a file after its workloads.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryFromTexts, parseManifests } from '../../src/inventory/manifests.js';
import { buildScanReport, type ScanReportOptions } from '../../src/report/index.js';
import { ScanReportBuilder } from '../../src/report/scan-stream.js';
import { REALWORLD_DIR } from '../helpers/corpora.js';

const fixture = (name: string) => ({
  file: name,
  text: readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8'),
});

function streamed(files: { file: string; text: string }[], opts: ScanReportOptions = {}) {
  const b = new ScanReportBuilder(opts);
  for (const f of files) b.addParsed(parseManifests(f.file, f.text));
  return b.build();
}

describe('ScanReportBuilder', () => {
  const late = {
    file: 'ns.yaml',
    text: 'kind: Namespace\nmetadata:\n  name: tree\n  labels: {pod-security.kubernetes.io/enforce-version: v1.7}\n',
  };
  const files = [fixture('tree/a.yml'), fixture('shop.yaml'), fixture('broken.yaml'), fixture('list.json'), late];

  it('equals the whole-inventory report, for every option', () => {
    for (const opts of [{}, { level: 'baseline' as const }, { level: 'restricted' as const }, { version: 'v1.24' }]) {
      expect(streamed(files, opts)).toEqual(buildScanReport(inventoryFromTexts(files), opts));
    }
  });

  it('re-evaluates workloads whose namespace pin arrives later', () => {
    const a = streamed(files).workloads.find((w) => w.name === 'a');
    // v1.7 restricted has only runAsNonRoot and restrictedVolumes.
    expect(a?.results.restricted?.version).toBe('v1.7');
    expect(a?.results.restricted?.violations.map((v) => v.check)).toEqual(['runAsNonRoot']);
    expect(streamed(files.slice(0, 4)).workloads.find((w) => w.name === 'a')?.results.restricted?.version).toBe(
      'v1.37',
    );
  });

  it('agrees on the real-world corpus', () => {
    const dir = REALWORLD_DIR;
    const rw = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }));
    expect(streamed(rw)).toEqual(buildScanReport(inventoryFromTexts(rw)));
  });
});
