// Report formats: JSON chunks equal JSON.stringify, YAML round-trips, SARIF 2.1.0 structure,
// Markdown sections, table without colour unless asked.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import { CHECK_IDS } from '../../src/policy/index.js';
import {
  buildScanReport,
  formatMarkdown,
  formatTable,
  jsonChunks,
  renderReport,
  scanExitCode,
  toSarif,
} from '../../src/report/index.js';

const fixture = (name: string) => ({
  file: name,
  text: readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8'),
});
const report = buildScanReport(
  inventoryFromTexts([fixture('shop.yaml'), fixture('list.json'), fixture('broken.yaml')]),
);
const ANSI = /\u001b\[/;

describe('json and yaml', () => {
  it('streamed JSON is byte-identical to JSON.stringify(report, null, 2)', () => {
    expect([...jsonChunks(report)].join('')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    const extra = { ...report, workloads: [], cluster: { context: 'c' }, notes: ['a'] };
    expect([...jsonChunks(extra)].join('')).toBe(`${JSON.stringify(extra, null, 2)}\n`);
  });

  it('YAML parses back to the same report', () => {
    expect(parse([...renderReport(report, 'yaml', { color: false, version: '0' })].join(''))).toEqual(
      JSON.parse(JSON.stringify(report)),
    );
  });
});

describe('sarif', () => {
  const sarif = JSON.parse(JSON.stringify(toSarif(report, { version: '1.2.3' }))) as {
    version: string;
    $schema: string;
    runs: {
      tool: {
        driver: {
          name: string;
          version: string;
          rules: { id: string; help: { text: string }; shortDescription: { text: string } }[];
        };
      };
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[];
      }[];
      invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[];
    }[];
  };

  it('has the required 2.1.0 fields: version, runs[].tool.driver.name, results with message and ruleId', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'podsec', version: '1.2.3' });
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([...CHECK_IDS]);
    for (const rule of run.tool.driver.rules) {
      expect(rule.help.text.length).toBeGreaterThan(20);
      expect(rule.shortDescription.text.length).toBeGreaterThan(3);
    }
    expect(run.results.length).toBeGreaterThan(0);
    for (const res of run.results) {
      expect(typeof res.message.text).toBe('string');
      expect(['error', 'warning', 'note', 'none']).toContain(res.level);
      expect(run.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
      const loc = res.locations[0]!.physicalLocation;
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.artifactLocation.uri).not.toMatch(/^\//);
    }
  });

  it('one result per failing restricted check, at the workload line; baseline checks are errors', () => {
    const run = sarif.runs[0]!;
    const debug = run.results.filter((r) => r.message.text.includes('default/debug'));
    expect(debug.map((r) => r.ruleId)).toEqual([
      'privileged',
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
    expect(debug[0]).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'shop.yaml' }, region: { startLine: 38 } } }],
    });
    expect(debug[1]?.level).toBe('warning');
    expect(run.results.some((r) => r.message.text.includes('shop/vote'))).toBe(false);
  });

  it('input errors become tool execution notifications', () => {
    const inv = sarif.runs[0]!.invocations[0]!;
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.toolExecutionNotifications).toHaveLength(3);
  });
});

describe('table and markdown', () => {
  it('table groups by namespace, shows why the next level fails, and counts', () => {
    const text = formatTable(report, { color: false });
    expect(text).not.toMatch(ANSI);
    expect(text).toMatch(/^Namespace default/);
    expect(text).toContain('Pod/debug');
    expect(text).toContain('fails baseline: privileged: privileged');
    expect(text).toContain('broken.yaml document 2 line 13: expected a Kubernetes object');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '5 workloads in 3 namespaces: 1 restricted, 2 baseline, 2 privileged; 4 fail restricted; 3 other objects skipped; 3 input errors',
    );
  });

  it('table uses colour only when asked', () => {
    expect(formatTable(report, { color: true })).toMatch(ANSI);
  });

  it('markdown has a summary, per-namespace tables and the violations', () => {
    const md = formatMarkdown(report);
    expect(md).toMatch(/^# Pod Security scan/);
    expect(md).toContain('| shop | baseline (v1.22) | restricted | 1 | - |');
    expect(md).toContain('## Namespace `web`');
    expect(md).toContain('### Pod `default/debug`');
    expect(md).toContain('- `privileged`: privileged (container "shell" must not set securityContext.privileged=true)');
    expect(md).toContain('## Inputs that could not be read');
  });
});

describe('scanExitCode', () => {
  const clean = buildScanReport(inventoryFromTexts([fixture('restricted.yaml')]));
  it('0 when clean or without --exit-code, 1 for failures with --exit-code, 3 for input errors (wins)', () => {
    expect(scanExitCode(clean, true)).toBe(0);
    const failing = buildScanReport(inventoryFromTexts([fixture('shop.yaml')]));
    expect(scanExitCode(failing, false)).toBe(0);
    expect(scanExitCode(failing, true)).toBe(1);
    expect(scanExitCode(report, true)).toBe(3);
    expect(scanExitCode(report, false)).toBe(3);
  });
});

describe('artifactUri', () => {
  it('keeps relative paths relative and turns absolute ones into file URIs', async () => {
    const { artifactUri } = await import('../../src/report/format-sarif.js');
    expect(artifactUri('k8s/app one.yaml')).toBe('k8s/app%20one.yaml');
    expect(artifactUri('/srv/k8s/a.yaml')).toBe('file:///srv/k8s/a.yaml');
    expect(artifactUri('C:\\k8s\\a.yaml')).toBe('file:///C:/k8s/a.yaml');
  });
});
