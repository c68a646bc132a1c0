// `podsec trial` on the real control plane (no node: pods stay Pending, so a trial ends in the
// Timeout classification). The trial pod is an owner-less labelled copy, always deleted (also on
// SIGINT); a leftover of a crashed run is removed at the next start; StatefulSets are refused.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConfigFor, kubeconfigPath, kubectlPath } from '../harness/env.js';
import { deleteNamespace, uniqueName, waitForDefaultServiceAccount } from '../harness/kube-helpers.js';
import { CLI, podsec } from '../helpers/apply-estate.js';
import type { Plan } from '../../src/plan/plan-schema.js';

const NS = uniqueName('trial');
const dir = join(mkdtempSync(join(tmpdir(), 'podsec-trial-it-')), 'plan');

function kubectl(args: string[], input?: string) {
  return spawnSync(kubectlPath(), ['--kubeconfig', kubeconfigPath(), ...args], { input, encoding: 'utf8' });
}
const trialPods = () =>
  (
    JSON.parse(kubectl(['get', 'pods', '-n', NS, '-l', 'podsec.dev/trial', '-o', 'json']).stdout) as {
      items: unknown[];
    }
  ).items.length;
const dep = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'redis:7.2' }] } },
  },
});

describe('podsec trial on the real control plane', () => {
  beforeAll(async () => {
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: NS },
      spec: {
        replicas: 0,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'redis:7.2' }] } },
      },
    };
    const items = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }, dep('cache'), sts];
    const r = kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    expect(r.status, r.stderr).toBe(0);
    await waitForDefaultServiceAccount(kubeConfigFor(), NS);
    const p = await podsec(['plan', '-n', NS, '--non-interactive', '--out', dir], kubeconfigPath());
    expect(p.code, p.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await deleteNamespace(kubeConfigFor(), NS);
  });

  it('--dry-run prints the trial pod and creates nothing', async () => {
    const r = await podsec(['trial', dir, '--workload', `${NS}/Deployment/cache`, '--dry-run'], kubeconfigPath());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('podsec.dev/trial');
    expect(r.stdout).toContain('runAsUser: 999');
    expect(trialPods()).toBe(0);
  });

  it('removes a leftover, runs the copy, fails it on the timeout, deletes it and records the result', async () => {
    const leftover = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'podsec-trial-cache-dead1', namespace: NS, labels: { 'podsec.dev/trial': 'plan' } },
      spec: { containers: [{ name: 'x', image: 'redis:7.2' }] },
    };
    expect(kubectl(['apply', '-f', '-'], JSON.stringify(leftover)).status).toBe(0);
    const r = await podsec(['trial', dir, '--timeout', '3s'], kubeconfigPath());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`removed trial pod ${NS}/podsec-trial-cache-dead1 left behind by an earlier run`);
    expect(r.stdout).toMatch(new RegExp(`${NS}/Deployment/cache: fail \\(Timeout: not Ready within 3s`));
    expect(r.stdout).toMatch(new RegExp(`${NS}/StatefulSet/db: refused \\(not tried: a StatefulSet`));
    expect(trialPods()).toBe(0);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
    const cache = plan.workloads.find((w) => w.name === 'cache')!;
    expect(cache.trial).toMatchObject({ result: 'fail', rounds: [{ round: 1, result: 'fail', reason: 'Timeout' }] });
    expect(plan.workloads.find((w) => w.name === 'db')!.trial).toMatchObject({ result: 'refused' });
  }, 90_000);

  it('deletes the trial pod when interrupted (SIGINT)', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'trial', dir, '--workload', `${NS}/Deployment/cache`, '--timeout', '60s', '--kubeconfig', kubeconfigPath()],
      { env: { ...process.env, NO_COLOR: '1', CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const until = Date.now() + 30_000;
    while (trialPods() === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(trialPods(), err).toBe(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).not.toBe(0);
    expect(trialPods(), err).toBe(0);
  }, 90_000);

  it('refuses a StatefulSet unless --allow gives a reason, which is recorded', async () => {
    const r = await podsec(
      [
        'trial',
        dir,
        '--workload',
        `${NS}/StatefulSet/db`,
        '--allow',
        `${NS}/StatefulSet/db=no clients in this test`,
        '--timeout',
        '2s',
      ],
      kubeconfigPath(),
    );
    expect(r.code, r.stderr).toBe(1);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
    expect(plan.workloads.find((w) => w.name === 'db')!.trial).toMatchObject({
      result: 'fail',
      override: expect.stringContaining('no clients in this test'),
    });
    expect(trialPods()).toBe(0);
  }, 60_000);
});
