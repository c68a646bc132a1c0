// `podsec scan` end to end: the built CLI as a subprocess against the real control plane, with
// KUBECONFIG (not --kubeconfig), JSON on stdout, verification by default, one-line errors.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedEstate } from '../harness/seed.js';
import { kubeconfigPath, kubeVersion, pollUntil } from '../harness/env.js';

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync('node', ['bin/podsec.js', 'scan', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 120_000,
  });

beforeAll(async () => {
  const build = spawnSync('node', ['build.mjs'], { encoding: 'utf8' });
  expect(build.status, build.stderr).toBe(0);
  await seedEstate(kubeconfigPath('admin'));
}, 180_000);

type Report = {
  kind: string;
  cluster: { serverVersion: string; latestPolicy: string; context: string };
  workloads: {
    namespace: string;
    kind: string;
    name: string;
    strictestLevel: string;
    source: unknown;
    live?: { pods: number };
  }[];
  namespaces: {
    name: string;
    strictestLevel: string;
    verification?: { status: string; levels: { policy: string; status: string }[] };
  }[];
  errors: unknown[];
};

describe('podsec scan (live) as a subprocess', () => {
  it('scans the namespaces of KUBECONFIG with verification and prints the JSON report', async () => {
    // An extra file in KUBECONFIG that does not exist is skipped, as kubectl does.
    const env = {
      KUBECONFIG: [path.join(os.tmpdir(), 'podsec-missing-kubeconfig'), kubeconfigPath('admin')].join(path.delimiter),
    };
    const report = await pollUntil(
      'a verified scan (PSA reads pods from an informer cache)',
      async () => {
        const r = cli(['-n', 'shop', '-n', 'legacy', '-o', 'json'], env);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stderr).toBe(''); // -o json with a non-terminal stderr: no progress
        const rep = JSON.parse(r.stdout) as Report;
        return rep.namespaces.every((n) => n.verification?.status === 'agrees') ? rep : undefined;
      },
      60_000,
      1_000,
    );
    expect(report.kind).toBe('ScanReport');
    expect(report.cluster.serverVersion).toBe(kubeVersion());
    expect(report.errors).toEqual([]);
    const vote = report.workloads.find((w) => w.namespace === 'shop' && w.name === 'vote');
    expect(vote).toMatchObject({ kind: 'Deployment', strictestLevel: 'baseline', live: { pods: 2 } });
    expect(vote?.source).toEqual({ context: report.cluster.context });
    const shop = report.namespaces.find((n) => n.name === 'shop');
    expect(shop?.verification?.levels.map((l) => l.policy)).toEqual(['baseline:latest', 'restricted:latest']);
  });

  it('prints progress on stderr for the table output', () => {
    const r = cli(['-n', 'shop', '--no-verify'], { KUBECONFIG: kubeconfigPath('admin') });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/podsec: listing pods in 1 namespace\(s\)/);
    expect(r.stderr).toMatch(/podsec: scan finished in \d+\.\ds/);
    expect(r.stdout).toMatch(/vote/);
    expect(r.stdout).toMatch(/note: verification skipped \(--no-verify\)\n$/);
  });

  it('prints the verification section after the table', async () => {
    const r = await pollUntil(
      'verified table',
      async () => {
        const out = cli(['-n', 'shop'], { KUBECONFIG: kubeconfigPath('admin') });
        return / {2}shop {2}agrees {10}baseline:latest clean; restricted:latest 6 violating pod\(s\) in 5 workload\(s\), as podsec predicts/.test(
          out.stdout,
        )
          ? out
          : undefined;
      },
      60_000,
      1_000,
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Server-side verification \(dry-run, nothing changed\)/);
  });

  it('fails with one line and exit 1 when the user may not list namespaces', () => {
    const r = cli(['-o', 'json'], { KUBECONFIG: kubeconfigPath('limited') });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not allowed to list namespaces \(403 Forbidden\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('fails with one line when the server is unreachable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-down-'));
    const kc = path.join(dir, 'config');
    fs.writeFileSync(
      kc,
      fs.readFileSync(kubeconfigPath('admin'), 'utf8').replace(/https:\/\/127\.0\.0\.1:\d+/g, 'https://127.0.0.1:1'),
    );
    const r = cli(['--kubeconfig', kc], {});
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot reach the API server at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
