// Every generated apply.sh on the real control plane: `podsec plan` reads a live cluster, each
// phase's script runs its server-side dry-runs and then the changes, the enforce gate stops on a
// violating pod, and the rollback scripts restore the previous labels and templates exactly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deleteNamespace,
  kubeConfigFor,
  kubeconfigPath,
  kubectlPath,
  uniqueName,
  waitForDefaultServiceAccount,
} from '../harness/env.js';

const ROOT = join(import.meta.dirname, '../..');
const P = 'pod-security.kubernetes.io/';
const CONTEXT = 'admin@podsec-test';
const base = uniqueName('plan');
const NS = { shop: `${base}-a`, legacy: `${base}-b`, stray: `${base}-c` };
const GATE = `${base}-gate`;
const outDir = join(mkdtempSync(join(tmpdir(), 'podsec-plan-it-')), 'plan');

function kubectl(args: string[], input?: string) {
  return spawnSync(kubectlPath(), ['--kubeconfig', kubeconfigPath(), ...args], { input, encoding: 'utf8' });
}

function script(rel: string, ...args: string[]) {
  const env = {
    ...process.env,
    KUBECONFIG: kubeconfigPath(),
    PATH: `${dirname(kubectlPath())}:${process.env['PATH'] ?? ''}`,
  };
  return spawnSync('bash', [join(outDir, rel), '--context', CONTEXT, ...args], { env, encoding: 'utf8' });
}

const deployment = (ns: string, name: string, image: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, image, ports: [{ containerPort: 80 }] }] },
    },
  },
});

function labelsOf(ns: string): Record<string, string> {
  return (
    JSON.parse(kubectl(['get', 'namespace', ns, '-o', 'json']).stdout) as {
      metadata: { labels: Record<string, string> };
    }
  ).metadata.labels;
}

function templates(): string {
  const r = kubectl(['get', 'deployments,cronjobs', '-A', '-o', 'json']);
  const items = (
    JSON.parse(r.stdout) as {
      items: { kind: string; metadata: { namespace: string; name: string }; spec: Record<string, unknown> }[];
    }
  ).items;
  // Only the planned namespaces: the rollout-gate test's namespace (also named base-*) may still be terminating.
  const ours: string[] = Object.values(NS);
  return JSON.stringify(
    items
      .filter((i) => ours.includes(i.metadata.namespace))
      .map((i) => [i.kind, i.metadata.namespace, i.metadata.name, i.spec]),
  );
}

let labelsBefore: Record<string, Record<string, string>> = {};
let objects: Record<string, unknown>[] = [];
let templatesBefore = '';

describe('podsec plan on a live cluster, applied and rolled back with the generated scripts', () => {
  beforeAll(async () => {
    objects = [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NS.shop, labels: { team: 'shop', [`${P}warn`]: 'baseline' } },
      },
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: NS.legacy, labels: { [`${P}enforce`]: 'baseline', [`${P}enforce-version`]: 'v1.23' } },
      },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS.stray } },
      deployment(NS.shop, 'vote', 'python:3.11-slim'),
      deployment(NS.shop, 'web', 'nginx:1.27'),
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'report', namespace: NS.shop },
        spec: {
          schedule: '0 3 * * *',
          jobTemplate: {
            spec: {
              template: {
                spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: 'python:3.12-slim' }] },
              },
            },
          },
        },
      },
      deployment(NS.legacy, 'inventory', 'tomcat:9-jdk11'),
    ];
    const r = kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
    expect(r.status, r.stderr).toBe(0);
    await waitForDefaultServiceAccount(kubeConfigFor(), NS.stray);
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', namespace: NS.stray },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
    };
    const p = kubectl(['apply', '-f', '-'], JSON.stringify(pod));
    expect(p.status, p.stderr).toBe(0);
    labelsBefore = Object.fromEntries(Object.values(NS).map((ns) => [ns, labelsOf(ns)]));
    templatesBefore = templates();
    expect(templatesBefore).toContain('"inventory"');
  });

  afterAll(async () => {
    for (const ns of Object.values(NS)) await deleteNamespace(kubeConfigFor(), ns);
  });

  it('writes the plan from the live cluster', () => {
    // vote's UID is answered; inventory's (tomcat) is left open, so its patch is held (issue 12).
    const answers = join(dirname(outDir), 'answers.yaml');
    writeFileSync(answers, `uids:\n  ${NS.shop}/Deployment/vote: 10001\n  ${NS.shop}/CronJob/report: 10001\n`);
    const args = [
      'plan',
      '--kubeconfig',
      kubeconfigPath(),
      ...Object.values(NS).flatMap((n) => ['-n', n]),
      '--answers',
      answers,
      '--out',
      outDir,
    ];
    const r = spawnSync('node', [join(ROOT, 'bin/podsec.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')) as {
      cluster: { context: string; serverVersion: string } | null;
      policyVersion: string;
      origin: string;
    };
    expect(plan.origin).toBe('cluster');
    expect(plan.cluster?.context).toBe(CONTEXT);
    expect(plan.policyVersion).toMatch(/^v1\.\d+$/);
  });

  it('gives the same plan from manifest files of the same objects', () => {
    const dir = mkdtempSync(join(tmpdir(), 'podsec-plan-files-'));
    writeFileSync(join(dir, 'objects.yaml'), objects.map((o) => JSON.stringify(o)).join('\n---\n'));
    const r = spawnSync(
      'node',
      [
        join(ROOT, 'bin/podsec.js'),
        'plan',
        '-f',
        join(dir, 'objects.yaml'),
        '--answers',
        join(dirname(outDir), 'answers.yaml'),
        '--out',
        join(dir, 'plan'),
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    type P = {
      namespaces: { name: string; planned: string; phases: unknown[] }[];
      workloads: {
        namespace: string;
        kind: string;
        name: string;
        status: string;
        changes: { path: string; value?: unknown }[];
      }[];
    };
    const live = JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')) as P;
    const files = JSON.parse(readFileSync(join(dir, 'plan', 'plan.json'), 'utf8')) as P;
    // A live template has defaulted empty objects (securityContext: {}), so a change may set a
    // leaf instead of the whole object: compare the leaves each change sets.
    const leaves = (path: string, value: unknown): string[] =>
      value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
        ? Object.entries(value).flatMap(([k, v]) => leaves(`${path}/${k}`, v))
        : [`${path}=${JSON.stringify(value)}`];
    const view = (p: P) => ({
      namespaces: p.namespaces.map((n) => [n.name, n.planned, n.phases]),
      workloads: p.workloads
        .filter((w) => w.kind !== 'Pod')
        .map((w) => [w.namespace, w.kind, w.name, w.status, w.changes.flatMap((c) => leaves(c.path, c.value)).sort()]),
    });
    // The stray Pod exists only live; everything else must agree.
    expect(view(files)).toEqual(view(live));
  });

  it('1-observe sets warn and audit, keeps the other labels', () => {
    const r = script('1-observe/apply.sh');
    expect(r.status, r.stderr).toBe(0);
    const l = labelsOf(NS.shop);
    expect(l).toMatchObject({ team: 'shop', [`${P}warn`]: 'restricted', [`${P}audit`]: 'restricted' });
    expect(l[`${P}enforce`]).toBeUndefined();
  });

  it('2-fix patches the templates; the Pod with an immutable template is left to the operator', () => {
    const r = script('2-fix/apply.sh');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('immutable pod template');
    const vote = JSON.parse(kubectl(['get', 'deployment', 'vote', '-n', NS.shop, '-o', 'json']).stdout) as {
      spec: { template: { spec: { securityContext: Record<string, unknown> } } };
    };
    expect(vote.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(r.stdout).toContain('successfully rolled out');
    expect(templates()).not.toBe(templatesBefore);
    // The unanswered tomcat patch is not in the script: inventory is untouched.
    const inv = JSON.parse(kubectl(['get', 'deployment', 'inventory', '-n', NS.legacy, '-o', 'json']).stdout) as {
      spec: { template: { spec: Record<string, unknown> } };
    };
    expect(inv.spec.template.spec['securityContext']).toEqual({});
  });

  it('3-enforce-baseline enforces baseline where it was not', () => {
    const r = script('3-enforce-baseline/apply.sh');
    expect(r.status, r.stderr).toBe(0);
    expect(labelsOf(NS.shop)[`${P}enforce`]).toBe('baseline');
    expect(labelsOf(NS.legacy)[`${P}enforce-version`]).toBe('v1.23');
  });

  it('4-enforce-restricted stops at the namespace whose pod would violate, unless --force', () => {
    const r = script('4-enforce-restricted/apply.sh');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('would violate');
    expect(labelsOf(NS.shop)[`${P}enforce`]).toBe('restricted');
    // legacy is held at baseline by the open question; warn/audit went to restricted in 1-observe.
    expect(labelsOf(NS.legacy)).toMatchObject({ [`${P}enforce`]: 'baseline', [`${P}warn`]: 'restricted' });
    expect(labelsOf(NS.stray)[`${P}enforce`]).toBe('baseline');
    const forced = script('4-enforce-restricted/apply.sh', '--force');
    expect(forced.status, forced.stderr).toBe(0);
    expect(labelsOf(NS.stray)[`${P}enforce`]).toBe('restricted');
  });

  it('2-fix/apply.sh waits for each rollout and stops at the first that does not complete', async () => {
    // Pods of this control plane never become ready (no kubelet runs them): the first patched
    // rollout times out, the script stops, and the second workload is never patched.
    const gate = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: GATE } },
      {
        ...deployment(GATE, 'first', 'redis:7.2'),
        spec: { ...deployment(GATE, 'first', 'redis:7.2').spec, replicas: 1 },
      },
      {
        ...deployment(GATE, 'second', 'redis:7.2'),
        spec: { ...deployment(GATE, 'second', 'redis:7.2').spec, replicas: 1 },
      },
    ];
    try {
      expect(
        kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: gate })).status,
      ).toBe(0);
      const dir = join(mkdtempSync(join(tmpdir(), 'podsec-gate-')), 'plan');
      const p = spawnSync(
        'node',
        [join(ROOT, 'bin/podsec.js'), 'plan', '--kubeconfig', kubeconfigPath(), '-n', GATE, '--out', dir],
        { encoding: 'utf8' },
      );
      expect(p.status, p.stderr).toBe(0);
      const env = {
        ...process.env,
        KUBECONFIG: kubeconfigPath(),
        PATH: `${dirname(kubectlPath())}:${process.env['PATH'] ?? ''}`,
      };
      const r = spawnSync('bash', [join(dir, '2-fix/apply.sh'), '--context', CONTEXT, '--timeout', '3'], {
        env,
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`the rollout of deployment/first in namespace ${GATE} did not complete within 3s`);
      const sc = (name: string) =>
        (
          JSON.parse(kubectl(['get', 'deployment', name, '-n', GATE, '-o', 'json']).stdout) as {
            spec: { template: { spec: { securityContext?: Record<string, unknown> } } };
          }
        ).spec.template.spec.securityContext;
      expect(sc('first')).toMatchObject({ runAsNonRoot: true });
      expect(sc('second')).toEqual({});
    } finally {
      await deleteNamespace(kubeConfigFor(), GATE);
    }
  });

  it('the rollback scripts, newest phase first, restore the labels and templates exactly', () => {
    for (const phase of ['4-enforce-restricted', '3-enforce-baseline', '2-fix', '1-observe']) {
      const r = script(`${phase}/rollback.sh`);
      expect(r.status, `${phase}: ${r.stderr}`).toBe(0);
    }
    for (const ns of Object.values(NS)) expect(labelsOf(ns), ns).toEqual(labelsBefore[ns]);
    expect(templates()).toBe(templatesBefore);
  });
});
