// `podsec trial` on a real node (containerd + kubelet, test/harness/node.ts), and what a trial changes
// in the plan (issue 12):
// - the gunicorn incident image fails its first trial with the read-only root, the loop adds the
//   emptyDirs the real log names and the second round passes; `podsec apply` refuses the old plan's
//   patch (it lacks them); the plan made with `--trials` carries them and its 2-fix rolls the
//   workload out with Ready pods;
// - an image that only runs as root fails with the kubelet's reason, and with a UID answered it
//   crashes in a way the loop cannot fix: both end `review` with the reason, their patches are not
//   applied by 2-fix, and the namespace's enforce-restricted step is held back;
// - a plan made from a manifest file (GitOps: the Deployment exists only in the file): `trial -f`
//   copies the manifest's own template into the namespace, fails round 1 and passes round 2, and
//   `plan -f --trials` uses the record (the emptyDir in its patch file); a missing namespace is
//   refused before any pod is created;
// - the --probe script, exec'd into a running pod, reports uid/gid, the written directories and
//   which of them hold image content.
// No trial pod is left behind. Runs on the node cluster shared with the other real-pod files
// (test/harness/env.ts sharedNodeCluster).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherWorkloadEvidence } from '../../src/cluster/evidence.js';
import { connect } from '../../src/cluster/connect.js';
import { NEWEST_MINOR } from '../../src/policy/index.js';
import { deleteNamespace, nodeSkipped, sharedNodeCluster, type SharedNodeCluster } from '../harness/env.js';
import { GUNICORN_TMP_ERROR } from '../harness/runtime.js';
import { workloadsFromText } from '../fix/helpers.js';
import { podsec } from '../helpers/apply-estate.js';
import type { Plan } from '../../src/plan/plan-schema.js';

const NS = 'trialnode';
const root = mkdtempSync(join(tmpdir(), 'podsec-trial-node-'));
const dir = join(root, 'plan');
const dir2 = join(root, 'plan-2');
const answersFile = join(root, 'answers.yaml');
let cp: SharedNodeCluster;

const kubectl = (args: string[], input?: string) =>
  spawnSync(join(cp.binDir, 'kubectl'), ['--kubeconfig', cp.kubeconfig, ...args], { input, encoding: 'utf8' });
const trialPods = () =>
  (JSON.parse(kubectl(['get', 'pods', '-A', '-l', 'podsec.dev/trial', '-o', 'json']).stdout) as { items: unknown[] })
    .items.length;
const readPlan = (d = dir) => JSON.parse(readFileSync(join(d, 'plan.json'), 'utf8')) as Plan;
const live = (name: string) =>
  JSON.parse(kubectl(['get', 'deployment', name, '-n', NS, '-o', 'json']).stdout) as {
    metadata: { generation: number };
    spec: { template: { spec: Record<string, unknown> } };
    status: { readyReplicas?: number; updatedReplicas?: number; replicas?: number };
  };

const dep = (name: string, container: Record<string, unknown>, replicas = 0) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name, imagePullPolicy: 'Never', ...container }] },
    },
  },
});

/** The incident's container: gunicorn as UID 1000 on a read-only root (it needs a writable /tmp). */
const GUNICORN_CONTAINER = {
  image: 'podsec.local/vote:1',
  command: ['gunicorn', 'app:app', '-b', '0.0.0.0:8080', '--log-file', '-', '--access-logfile', '-', '--workers', '2'],
  ports: [{ name: 'http', containerPort: 8080 }],
  readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 2 },
  securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true },
};

describe.skipIf(nodeSkipped)('podsec trial on a real node', () => {
  beforeAll(async () => {
    cp = await sharedNodeCluster();
    const items = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      // The incident: one replica crash-looping on the read-only root, as in production.
      dep('vote', GUNICORN_CONTAINER, 1),
      // Root-only image, no UID known: the patch sets runAsNonRoot and the kubelet refuses it.
      dep('legacy', { image: 'podsec.local/rootonly:1' }),
      // The same image with a UID answered: it starts, and its entrypoint's chown fails.
      dep('spool', { image: 'podsec.local/rootonly:1' }),
    ];
    const r = kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    expect(r.status, r.stderr).toBe(0);
    for (let i = 0; i < 60 && kubectl(['get', 'serviceaccount', 'default', '-n', NS]).status !== 0; i++)
      await new Promise((res) => setTimeout(res, 500));
    writeFileSync(answersFile, `uids:\n  ${NS}/Deployment/spool/spool: 1000\n`);
    const p = await podsec(
      ['plan', '-n', NS, '--answers', answersFile, '--non-interactive', '--out', dir],
      cp.kubeconfig,
    );
    expect(p.code, p.stderr).toBe(0);
    const plan = readPlan();
    expect(plan.workloads.find((w) => w.name === 'spool')).toMatchObject({ status: 'fixed', held: null });
  }, 400_000);
  afterAll(async () => {
    if (cp) await deleteNamespace(cp.kc, NS);
    rmSync(root, { recursive: true, force: true });
  });

  it('the gunicorn image fails round 1 with the read-only root; the loop adds the emptyDir from the real log; round 2 passes', async () => {
    const r = await podsec(
      ['trial', dir, '--workload', `${NS}/Deployment/vote`, '--iterate', '3', '--timeout', '60s'],
      cp.kubeconfig,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const vote = readPlan().workloads.find((w) => w.name === 'vote')!;
    expect(vote.trial?.result, JSON.stringify(vote.trial)).toBe('pass');
    expect(vote.trial?.rounds.map((x) => x.result)).toEqual(['fail', 'pass']);
    expect(vote.trial?.rounds[0]!.lines.some((l) => GUNICORN_TMP_ERROR.test(l))).toBe(true);
    expect(JSON.stringify(vote.trial?.rounds[0]!.changes)).toContain('"mountPath":"/tmp"');
    // The plan's patch file lacks the emptyDirs: the command says so and names the re-plan.
    expect(r.stderr).toContain(`podsec plan -n ${NS}`);
    expect(r.stderr).toContain(`--trials ${dir}`);
    expect(readFileSync(join(dir, vote.patch!), 'utf8')).not.toContain('emptyDir');
    expect(trialPods()).toBe(0);
  }, 300_000);

  it("the root-only image fails with the kubelet's reason; with a UID answered it crashes the loop cannot fix", async () => {
    const r = await podsec(
      [
        'trial',
        dir,
        '--workload',
        `${NS}/Deployment/legacy`,
        '--workload',
        `${NS}/Deployment/spool`,
        '--iterate',
        '2',
        '--timeout',
        '60s',
      ],
      cp.kubeconfig,
    );
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const plan = readPlan();
    const legacy = plan.workloads.find((w) => w.name === 'legacy')!;
    expect(legacy.trial).toMatchObject({
      result: 'fail',
      reason: expect.stringMatching(
        /CreateContainerConfigError: .*container has runAsNonRoot and image will run as root/,
      ),
    });
    const spool = plan.workloads.find((w) => w.name === 'spool')!;
    expect(spool.trial?.result, JSON.stringify(spool.trial)).toBe('fail');
    expect(spool.trial?.reason).toMatch(/CrashLoopBackOff|Restarted|Terminated/);
    expect(trialPods()).toBe(0);
    // The old plan's patches are refused by podsec apply now: the recorded trials contradict them.
    const refused = await podsec(['apply', dir, '--phase', '2-fix', '--yes', '--dry-run'], cp.kubeconfig);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('contradict');
    expect(refused.stderr).toContain(`${NS}/Deployment/vote: its trial passed only after changes`);
    expect(refused.stderr).toContain(`${NS}/Deployment/spool: its trial failed`);
  }, 300_000);

  it('the plan made with --trials carries the passing fix and holds the failed ones; 2-fix rolls out vote with Ready pods only', async () => {
    const p = await podsec(
      ['plan', '-n', NS, '--answers', answersFile, '--trials', dir, '--non-interactive', '--out', dir2],
      cp.kubeconfig,
    );
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toContain(`${NS}/Deployment/vote: the patch is the fix that passed its trial`);
    const plan = readPlan(dir2);
    const vote = plan.workloads.find((w) => w.name === 'vote')!;
    expect(vote).toMatchObject({ status: 'fixed', held: null, trial: { result: 'pass' } });
    const patch = readFileSync(join(dir2, vote.patch!), 'utf8');
    expect(patch).toContain('mountPath: /tmp');
    expect(patch).toContain('emptyDir: {}');
    for (const name of ['legacy', 'spool']) {
      const w = plan.workloads.find((x) => x.name === name)!;
      expect(w, name).toMatchObject({ status: 'review', patch: null, trial: { result: 'fail' } });
      expect(w.held, name).toMatch(/^trial run failed in round \d/);
    }
    expect(plan.workloads.find((w) => w.name === 'legacy')!.held).toContain('image will run as root');
    // The crash the loop could not fix: round 1's log gave an emptyDir, round 2 still failed, and
    // the blocker quotes the entrypoint's last words.
    const spool = plan.workloads.find((w) => w.name === 'spool')!;
    expect(spool.trial?.rounds.map((x) => x.result)).toEqual(['fail', 'fail']);
    expect(spool.held).toMatch(/Permission denied.*Operation not permitted/);
    const ns = plan.namespaces.find((n) => n.name === NS)!;
    expect(ns.planned).toBe('baseline');
    expect([...ns.blockers].sort()).toEqual([`${NS}/Deployment/legacy`, `${NS}/Deployment/spool`]);
    const fix = plan.phases.find((x) => x.id === '2-fix')!;
    expect(fix.steps.filter((s) => s.type === 'patch').map((s) => s.name)).toEqual(['vote']);
    expect(plan.phases.find((x) => x.id === '4-enforce-restricted')!.steps).toEqual([]);
    const md = readFileSync(join(dir2, 'PLAN.md'), 'utf8');
    expect(md).toMatch(/2 patch\(es\) failed their trial run on the cluster and are not applied/);
    expect(md).toMatch(new RegExp(`\\| ${NS}/Deployment/legacy \\| review \\| {2}\\| trial run failed`));
    expect(readFileSync(join(dir2, '2-fix/apply.sh'), 'utf8')).not.toMatch(/legacy|spool/);

    const observe = await podsec(['apply', dir2, '--phase', '1-observe', '--yes'], cp.kubeconfig);
    expect(observe.code, observe.stderr).toBe(0);
    const before = { legacy: live('legacy').metadata.generation, spool: live('spool').metadata.generation };
    const a = await podsec(['apply', dir2, '--phase', '2-fix', '--yes', '--timeout', '120'], cp.kubeconfig);
    expect(a.code, a.stdout + a.stderr).toBe(0);
    const v = live('vote');
    expect(v.status).toMatchObject({ readyReplicas: 1, updatedReplicas: 1, replicas: 1 });
    expect(JSON.stringify(v.spec.template.spec)).toContain('"mountPath":"/tmp"');
    expect(live('legacy').metadata.generation).toBe(before.legacy);
    expect(live('spool').metadata.generation).toBe(before.spool);
    expect(JSON.stringify(live('spool').spec.template.spec)).not.toContain('runAsNonRoot');
    expect(trialPods()).toBe(0);
  }, 400_000);

  it("a plan made from manifests (GitOps): the trial copies the manifest's own template into the namespace, and plan -f --trials carries the fix", async () => {
    // The Deployment exists only in the file; the namespace exists on the cluster.
    const manifest = join(root, 'm.yaml');
    const files1 = join(root, 'files-1');
    const files2 = join(root, 'files-2');
    writeFileSync(manifest, JSON.stringify(dep('ballot', GUNICORN_CONTAINER, 1)));
    const p1 = await podsec(['plan', '-f', manifest, '--non-interactive', '--out', files1], cp.kubeconfig);
    expect(p1.code, p1.stderr).toBe(0);
    const planned = readPlan(files1).workloads.find((w) => w.name === 'ballot')!;
    expect(planned.status).toBe('fixed');
    expect(readFileSync(join(files1, planned.patch!), 'utf8')).not.toContain('emptyDir');

    const r = await podsec(['trial', files1, '-f', manifest, '--iterate', '2', '--timeout', '60s'], cp.kubeconfig);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).not.toContain('differs from the one the plan read');
    const ballot = readPlan(files1).workloads.find((w) => w.name === 'ballot')!;
    expect(
      ballot.trial?.rounds.map((x) => x.result),
      JSON.stringify(ballot.trial),
    ).toEqual(['fail', 'pass']);
    // The copy was of the manifest's template (the plan's fingerprint), not of any live object.
    expect(ballot.trial?.fingerprint).toBe(planned.fingerprint);
    expect(ballot.trial?.rounds[0]!.lines.some((l) => GUNICORN_TMP_ERROR.test(l))).toBe(true);
    expect(r.stderr).toContain(`podsec plan -f ${manifest} --trials ${files1}`);
    expect(kubectl(['get', 'deployment', 'ballot', '-n', NS]).status).not.toBe(0);
    expect(trialPods()).toBe(0);

    const p2 = await podsec(
      ['plan', '-f', manifest, '--trials', files1, '--non-interactive', '--out', files2],
      cp.kubeconfig,
    );
    expect(p2.code, p2.stderr).toBe(0);
    expect(p2.stderr).not.toContain('not used');
    expect(p2.stderr).toContain(`${NS}/Deployment/ballot: the patch is the fix that passed its trial`);
    const replanned = readPlan(files2).workloads.find((w) => w.name === 'ballot')!;
    expect(replanned).toMatchObject({ status: 'fixed', held: null, trial: { result: 'pass' } });
    const patch = readFileSync(join(files2, replanned.patch!), 'utf8');
    expect(patch).toContain('mountPath: /tmp');
    expect(patch).toContain('emptyDir: {}');

    // A namespace that does not exist: refused before any pod, saying to create it.
    const absent = join(root, 'absent.yaml');
    const files3 = join(root, 'files-3');
    const elsewhere = dep('ballot', GUNICORN_CONTAINER, 1);
    elsewhere.metadata.namespace = `${NS}-absent`;
    writeFileSync(absent, JSON.stringify(elsewhere));
    expect((await podsec(['plan', '-f', absent, '--non-interactive', '--out', files3], cp.kubeconfig)).code).toBe(0);
    const refused = await podsec(['trial', files3, '--timeout', '60s'], cp.kubeconfig);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`the manifests ${join(files3, 'plan.json')} was made from: ${absent}`);
    expect(refused.stderr).toMatch(/namespaces? "trialnode-absent" not found/);
    expect(refused.stderr).toContain(`kubectl create namespace ${NS}-absent`);
    expect(readPlan(files3).workloads[0]!.trial).toBeUndefined();
    expect(trialPods()).toBe(0);
  }, 300_000);

  it('the --probe script in a running container reports uid/gid, the written directories and image content', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'probe', namespace: NS },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'podsec.local/busybox:1',
            imagePullPolicy: 'Never',
            // Writes like an application: next to image files (/etc), in a new directory below one
            // with image files (/srv/cache; /srv holds index.html), and in /tmp.
            command: [
              'sh',
              '-c',
              'sleep 2; echo a > /etc/podsec-written.conf; mkdir -p /srv/cache; echo b > /srv/cache/entry; echo c > /tmp/ready; exec sleep 3600',
            ],
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
            securityContext: { runAsUser: 0, runAsGroup: 1234 },
          },
        ],
      },
    };
    expect(kubectl(['apply', '-f', '-'], JSON.stringify(pod)).status).toBe(0);
    const w = kubectl(['wait', '--for=condition=Ready', 'pod/probe', '-n', NS, '--timeout=120s']);
    expect(w.status, w.stderr).toBe(0);
    const session = await connect(
      { kubeconfig: cp.kubeconfig, newestPolicyMinor: NEWEST_MINOR },
      { env: process.env, signal: new AbortController().signal },
    );
    try {
      const [workload] = workloadsFromText(JSON.stringify(pod));
      const got = await gatherWorkloadEvidence(session, workload!, { probe: true });
      expect(got.evidence.notes.filter((n) => /probe/.test(n))).toEqual([]);
      const app = got.evidence.containers['app']!;
      expect({ uid: app.uid, gid: app.gid }).toEqual({ uid: 0, gid: 1234 });
      expect(app.writtenDirs).toEqual(['/etc', '/srv/cache', '/tmp']);
      // /etc holds image files next to the written one: an emptyDir there must be seeded.
      expect(app.imageContent).toEqual(['/etc']);
    } finally {
      session.client.close();
      kubectl(['delete', 'pod', 'probe', '-n', NS, '--grace-period=0', '--force']);
    }
  }, 200_000);
});
