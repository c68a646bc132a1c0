// `podsec trial` on a real node (containerd + kubelet, test/harness/node.ts): the gunicorn
// incident image fails its first trial with the read-only root, the loop adds the emptyDirs the
// real log names and the second round passes; an image that only runs as root fails with the
// kubelet's reason. No trial pod is left behind.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../harness/control-plane.js';
import { GUNICORN_TMP_ERROR } from '../harness/runtime.js';
import { podsec } from '../helpers/apply-estate.js';
import type { Plan } from '../../src/plan/plan-schema.js';

const skip = process.env['PODSEC_SKIP_NODE'] === '1';
const NS = 'trialnode';
const dir = join(mkdtempSync(join(tmpdir(), 'podsec-trial-node-')), 'plan');
let cp: ControlPlane;

const kubectl = (args: string[], input?: string) =>
  spawnSync(join(cp.binDir, 'kubectl'), ['--kubeconfig', cp.kubeconfigPath, ...args], { input, encoding: 'utf8' });
const trialPods = () =>
  (JSON.parse(kubectl(['get', 'pods', '-A', '-l', 'podsec.dev/trial', '-o', 'json']).stdout) as { items: unknown[] })
    .items.length;
const readPlan = () => JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;

const dep = (name: string, container: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, imagePullPolicy: 'Never', ...container }] },
    },
  },
});

describe.skipIf(skip)('podsec trial on a real node', () => {
  beforeAll(async () => {
    cp = await startControlPlane({ node: true, log: (m) => process.stderr.write(`[trial-node] ${m}\n`) });
    const items = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      dep('vote', {
        image: 'podsec.local/vote:1',
        command: [
          'gunicorn',
          'app:app',
          '-b',
          '0.0.0.0:8080',
          '--log-file',
          '-',
          '--access-logfile',
          '-',
          '--workers',
          '2',
        ],
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 2 },
        securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true },
      }),
      dep('legacy', { image: 'podsec.local/rootonly:1' }),
    ];
    const r = kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    expect(r.status, r.stderr).toBe(0);
    for (let i = 0; i < 60 && kubectl(['get', 'serviceaccount', 'default', '-n', NS]).status !== 0; i++)
      await new Promise((res) => setTimeout(res, 500));
    const p = await podsec(['plan', '-n', NS, '--non-interactive', '--out', dir], cp.kubeconfigPath);
    expect(p.code, p.stderr).toBe(0);
  }, 400_000);
  afterAll(async () => {
    await cp?.stop();
  });

  it('the gunicorn image fails round 1 with the read-only root; the loop adds the emptyDir from the real log; round 2 passes', async () => {
    const r = await podsec(
      ['trial', dir, '--workload', `${NS}/Deployment/vote`, '--iterate', '3', '--timeout', '60s'],
      cp.kubeconfigPath,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const vote = readPlan().workloads.find((w) => w.name === 'vote')!;
    expect(vote.trial?.result, JSON.stringify(vote.trial)).toBe('pass');
    expect(vote.trial?.rounds.map((x) => x.result)).toEqual(['fail', 'pass']);
    expect(vote.trial?.rounds[0]!.lines.some((l) => GUNICORN_TMP_ERROR.test(l))).toBe(true);
    expect(JSON.stringify(vote.trial?.rounds[0]!.changes)).toContain('"mountPath":"/tmp"');
    expect(trialPods()).toBe(0);
  }, 300_000);

  it("the root-only image fails with the kubelet's reason; the workload stays for review with it", async () => {
    const r = await podsec(
      ['trial', dir, '--workload', `${NS}/Deployment/legacy`, '--iterate', '2', '--timeout', '60s'],
      cp.kubeconfigPath,
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const legacy = readPlan().workloads.find((w) => w.name === 'legacy')!;
    expect(legacy.status).toBe('review');
    expect(legacy.trial).toMatchObject({
      result: 'fail',
      reason: expect.stringMatching(/CreateContainerConfigError: .*image will run as root/),
    });
    expect(trialPods()).toBe(0);
  }, 300_000);
});
