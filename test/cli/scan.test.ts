// `podsec scan -f` through the built CLI (run `npm run build` first; test/run.mjs CI builds).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const FIX = 'test/fixtures/manifests';
const cli = (args: string[], input?: string) =>
  spawnSync('node', ['bin/podsec.js', 'scan', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    ...(input === undefined ? {} : { input }),
  });

describe('podsec scan -f', () => {
  it('exit 0 with a table for compliant manifests, even with --exit-code', () => {
    const r = cli(['-f', `${FIX}/restricted.yaml`, '--exit-code']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Deployment/api');
    expect(r.stdout).toContain('1 workload in 1 namespace: 1 restricted, 0 baseline, 0 privileged; 0 fail restricted');
    expect(r.stderr).toBe('');
  });

  it('exit 1 with --exit-code when a workload fails the level; --level baseline judges baseline', () => {
    expect(cli(['-f', `${FIX}/shop.yaml`]).status).toBe(0);
    expect(cli(['-f', `${FIX}/shop.yaml`, '--exit-code']).status).toBe(1);
    expect(cli(['-f', `${FIX}/tree`, '--exit-code', '--level', 'baseline']).status).toBe(0);
    expect(cli(['-f', `${FIX}/tree`, '--exit-code']).status).toBe(1);
  });

  it('exit 2 for bad flags, with a one-line message', () => {
    const r = cli(['-f', `${FIX}/shop.yaml`, '--version', 'v2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--version must be latest or v1.N');
    expect(cli(['-f', FIX, '-o', 'xml']).status).toBe(2);
  });

  it('exit 3 for unreadable input, with every other document still in the JSON report', () => {
    const r = cli(['-f', `${FIX}/broken.yaml`, '-f', `${FIX}/missing.yaml`, '-o', 'json', '--exit-code']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain('4 input(s) could not be read or parsed');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const report = JSON.parse(r.stdout) as {
      kind: string;
      workloads: { name: string }[];
      errors: { file: string; document?: number; message: string }[];
    };
    expect(report.kind).toBe('ScanReport');
    expect(report.workloads.map((w) => w.name)).toEqual(['first', 'last']);
    expect(report.errors.map((e) => [e.file, e.document])).toEqual([
      [`${FIX}/broken.yaml`, 1],
      [`${FIX}/broken.yaml`, 2],
      [`${FIX}/broken.yaml`, 3],
      [`${FIX}/missing.yaml`, undefined],
    ]);
    expect(report.errors[3]?.message).toContain('no such file or directory');
  });

  it("reads '-' from stdin and directories recursively (only .yaml/.yml/.json)", () => {
    const r = cli(['-f', '-', '-o', 'json'], readFileSync(`${FIX}/shop.yaml`, 'utf8'));
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { workloads: { name: string; source: unknown }[] };
    expect(report.workloads.map((w) => [w.name, w.source])).toEqual([
      ['vote', { file: '-', document: 1, line: 11 }],
      ['debug', { file: '-', document: 3, line: 38 }],
    ]);
    const tree = JSON.parse(cli(['-f', `${FIX}/tree`, '-o', 'json']).stdout) as {
      workloads: { source: { file: string } }[];
    };
    expect(tree.workloads.map((w) => w.source.file)).toEqual([`${FIX}/tree/a.yml`, `${FIX}/tree/sub/b.yaml`]);
  });

  it('--level restricts results; sarif, yaml and markdown are produced', () => {
    const json = JSON.parse(cli(['-f', `${FIX}/shop.yaml`, '-o', 'json', '--level', 'restricted']).stdout) as {
      workloads: { results: object }[];
    };
    for (const w of json.workloads) expect(Object.keys(w.results)).toEqual(['restricted']);
    const sarif = JSON.parse(cli(['-f', `${FIX}/shop.yaml`, '-o', 'sarif']).stdout) as { version: string };
    expect(sarif.version).toBe('2.1.0');
    expect(cli(['-f', `${FIX}/shop.yaml`, '-o', 'yaml']).stdout).toMatch(/^kind: ScanReport\n/);
    expect(cli(['-f', `${FIX}/shop.yaml`, '-o', 'markdown']).stdout).toMatch(/^# Pod Security scan/);
  });

  it('scans the bundled README example', () => {
    const r = cli(['-f', 'templates/examples/shop.yaml', '-o', 'json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { workloads: { strictestLevel: string }[] };
    expect(new Set(report.workloads.map((w) => w.strictestLevel))).toEqual(
      new Set(['privileged', 'baseline', 'restricted']),
    );
  });
});
