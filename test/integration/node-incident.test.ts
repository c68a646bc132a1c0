// The read-only-root incident on real pods (issue 11, section 2): a cluster with a real node
// (containerd + kubelet, test/harness/node.ts) runs the runnable estate; `vote` (gunicorn)
// has readOnlyRootFilesystem: true and crash-loops with Python's temp-dir error. podsec reads
// that log through the API server, plans emptyDirs at the paths it names, rolls the fix out
// and watches the new pods become Ready; the app then answers HTTP. A fix that breaks at run
// time (runAsNonRoot on a root-only image) is caught by apply's rollout check and rolled back.
import { AppsV1Api, CoreV1Api, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../harness/control-plane.js';
import { loadKubeConfig, pollUntil, sleep } from '../harness/kube-helpers.js';
import {
  GUNICORN_TMP_ERROR,
  listPods,
  podLog,
  seedRunnableEstate,
  summarizePod,
  waitForReadyPods,
} from '../harness/runtime.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { podsec } from '../helpers/apply-estate.js';

const skip = process.env['PODSEC_SKIP_NODE'] === '1';
const work = mkdtempSync(join(tmpdir(), 'podsec-incident-it-'));
const planDir = join(work, 'plan');
let cp: ControlPlane;
let kc: KubeConfig;

const readPlan = (dir: string): Plan => JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;

describe.skipIf(skip)('the read-only-root incident on a real node', () => {
  beforeAll(async () => {
    cp = await startControlPlane({ node: true, log: (m) => process.stderr.write(`[node-cluster] ${m}\n`) });
    kc = loadKubeConfig(cp.kubeconfigPath);
    await seedRunnableEstate(cp.kubeconfigPath, kc);
  }, 400_000);
  afterAll(async () => {
    await cp?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("1. vote crash-loops and its real previous log, read through the API server, shows gunicorn's temp-dir error", async () => {
    const vote = (await listPods(kc, 'shop', 'app=vote')).map(summarizePod);
    expect(vote.some((p) => p.status === 'CrashLoopBackOff' && p.restarts >= 1)).toBe(true);
    const looping = vote.find((p) => p.restarts >= 1)!;
    // Right after an instance dies the kubelet has removed the one the pod status still calls
    // previous ("unable to retrieve container logs"), until the status catches up: ask again.
    const previous = await pollUntil(
      'the previous log',
      async () => {
        const text = await podLog(kc, 'shop', looping.name, 'vote', true).catch(() => '');
        return GUNICORN_TMP_ERROR.test(text) ? text : undefined;
      },
      30_000,
      1000,
    );
    expect(previous).toMatch(
      /FileNotFoundError: \[Errno 2\] No usable temporary directory found in \['\/tmp', '\/var\/tmp', '\/usr\/tmp', '\/app'\]/,
    );
    // The other workloads of the shop run on the node.
    for (const app of ['result', 'worker', 'redis', 'db']) {
      const pods = (await listPods(kc, 'shop', `app=${app}`)).map(summarizePod);
      expect(pods.length, app).toBeGreaterThan(0);
      expect(
        pods.every((p) => p.ready),
        `${app}: ${JSON.stringify(pods)}`,
      ).toBe(true);
    }
  });

  it('2. plan --evidence mounts emptyDirs at the paths the log named (/tmp, /var/tmp), credited to the evidence', async () => {
    const r = await podsec(
      ['plan', '-n', 'shop', '--evidence', '--non-interactive', '--out', planDir],
      cp.kubeconfigPath,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const plan = readPlan(planDir);
    const vote = plan.workloads.find((w) => w.name === 'vote' && w.kind === 'Deployment')!;
    expect(vote.status).toBe('fixed');
    const mounts = vote.changes.filter((c) => c.source?.kind === 'evidence' && /volumeMounts/.test(c.path));
    const paths = mounts
      .flatMap((c) => JSON.stringify(c.value).match(/"mountPath":"([^"]+)"/g) ?? [])
      .map((m) => m.slice(13, -1));
    expect(new Set(paths)).toEqual(new Set(['/tmp', '/var/tmp']));
    // The reason names the path and what the log said (wording owned by src/fix).
    for (const c of mounts) expect(c.rationale).toMatch(/writ\w* \/(var\/)?tmp\b/);
    const patch = readFileSync(join(planDir, vote.patch!), 'utf8');
    expect(patch).toContain('/tmp');
    expect(patch).toContain('emptyDir');
  });

  it('3. --probe execs into running pods for real (id -u, id -g, files written)', async () => {
    const dir = join(work, 'probe');
    const r = await podsec(
      ['plan', '-n', 'shop', '--evidence', '--probe', '--yes', '--non-interactive', '--out', dir],
      cp.kubeconfigPath,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // Every running container answered the exec; only the crash-looping vote (no running
    // container to exec into) has a probe note, saying so, and its evidence still comes from its log.
    const out = (r.stdout + r.stderr).split('\n');
    expect(out.filter((l) => /probe failed/.test(l))).toEqual([]);
    // (Between two crashes the kubelet restarts vote for about a second; an exec that lands then
    // runs, and there is no note. The wording is pinned in test/cluster/evidence.test.ts.)
    const notRunning = out.filter((l) => /shop\/Deployment\/vote: container/.test(l));
    for (const l of notRunning)
      expect(l).toMatch(
        /shop\/Deployment\/vote: container "vote" in pod vote-[a-z0-9-]+ is not running \(.+\): exec is not possible, so no probe; the evidence comes from its logs/,
      );
    const plan = readPlan(dir);
    const vote = plan.workloads.find((w) => w.name === 'vote')!;
    expect(vote.changes.some((c) => c.source?.kind === 'evidence')).toBe(true);
  });

  it('4. apply 1-observe and 2-fix: the new vote pods are Ready with no restarts and answer HTTP', async () => {
    const o = await podsec(['apply', planDir, '--phase', '1-observe', '--yes'], cp.kubeconfigPath);
    expect(o.code, o.stdout + o.stderr).toBe(0);
    const f = await podsec(['apply', planDir, '--phase', '2-fix', '--yes', '--timeout', '180'], cp.kubeconfigPath);
    expect(f.code, f.stdout + f.stderr).toBe(0);
    const ready = await waitForReadyPods(kc, 'shop', 'app=vote', { count: 2 });
    for (const p of ready.map(summarizePod)) {
      expect(p.restarts, p.name).toBe(0);
      const res = await cp.node!.httpGet(`http://${p.ip}:8080/`);
      expect(res.status).toBe(200);
      expect(res.body).toMatch(/^vote: cats \(a\) 0, dogs \(b\) 0, served by vote-/);
    }
    // Every pod of the shop is Ready, none restarted since the rollout.
    await sleep(5000);
    const all = (await listPods(kc, 'shop')).filter((p) => !p.metadata?.deletionTimestamp).map(summarizePod);
    expect(
      all.every((p) => p.ready && p.restarts === 0),
      JSON.stringify(all),
    ).toBe(true);
  });

  it('4b. enforce phases: pods recreated under enforce=restricted still run', async () => {
    for (const phase of ['3-enforce-baseline', '4-enforce-restricted']) {
      const r = await podsec(['apply', planDir, '--phase', phase, '--yes', '--timeout', '180'], cp.kubeconfigPath);
      expect(r.code, `${phase}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    const apps = kc.makeApiClient(AppsV1Api);
    const old = new Set((await listPods(kc, 'shop')).map((p) => p.metadata?.uid));
    // Recreate every pod: admission (enforce=restricted) and the kubelet see them anew.
    const stamp = {
      spec: { template: { metadata: { annotations: { 'podsec.test/recreated': String(Date.now()) } } } },
    };
    const merge = setHeaderOptions('Content-Type', 'application/merge-patch+json');
    for (const d of (await apps.listNamespacedDeployment({ namespace: 'shop' })).items)
      await apps.patchNamespacedDeployment({ name: d.metadata!.name!, namespace: 'shop', body: stamp }, merge);
    for (const s of (await apps.listNamespacedStatefulSet({ namespace: 'shop' })).items)
      await apps.patchNamespacedStatefulSet({ name: s.metadata!.name!, namespace: 'shop', body: stamp }, merge);
    await pollUntil(
      'every shop pod recreated under enforce=restricted and Ready',
      async () => {
        const pods = (await listPods(kc, 'shop')).filter((p) => !p.metadata?.deletionTimestamp);
        return pods.length >= 6 && pods.every((p) => !old.has(p.metadata?.uid) && summarizePod(p).ready)
          ? true
          : undefined;
      },
      180_000,
      1000,
    );
  });

  it('5. a fix that breaks at run time (runAsNonRoot on a root-only image) is caught by the rollout check and rolled back; the old pod kept serving', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'legacy' } } });
    await pollUntil(
      'legacy/default',
      async () => ((await core.listNamespacedServiceAccount({ namespace: 'legacy' })).items.length ? true : undefined),
      30_000,
    );
    await apps.createNamespacedDeployment({
      namespace: 'legacy',
      body: {
        metadata: { name: 'spool', labels: { app: 'spool' } },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'spool' } },
          template: {
            metadata: { labels: { app: 'spool' } },
            spec: {
              containers: [
                {
                  name: 'spool',
                  image: 'podsec.local/rootonly:1',
                  imagePullPolicy: 'Never',
                  ports: [{ containerPort: 8080 }],
                  readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 2 },
                },
              ],
            },
          },
        },
      },
    });
    const [old] = await waitForReadyPods(kc, 'legacy', 'app=spool', { count: 1 });
    const oldPod = summarizePod(old!);
    const answers = join(work, 'answers.yaml');
    writeFileSync(answers, 'uids:\n  legacy/Deployment/spool: 1000\n');
    const dir = join(work, 'legacy-plan');
    const r = await podsec(
      ['plan', '-n', 'legacy', '--evidence', '--non-interactive', '--answers', answers, '--out', dir],
      cp.kubeconfigPath,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const before = (await apps.readNamespacedDeployment({ name: 'spool', namespace: 'legacy' })).spec?.template;
    await podsec(['apply', dir, '--phase', '1-observe', '--yes'], cp.kubeconfigPath);
    const f = await podsec(['apply', dir, '--phase', '2-fix', '--yes', '--timeout', '120'], cp.kubeconfigPath);
    expect(f.code).toBe(1);
    expect(f.stdout).toMatch(/FAILED\s+Deployment legacy\/spool: rollout failed/);
    // The real reason from the kubelet, the real events and the real log line.
    expect(f.stdout).toMatch(/CrashLoopBackOff|Error/);
    expect(f.stdout).toMatch(/event: BackOff: Back-off restarting failed container spool/);
    expect(f.stdout).toMatch(/log: mkdir: cannot create directory '\/srv\/spool': Permission denied/);
    expect(f.stdout).toMatch(/rolled back\s+Deployment legacy\/spool: restored the previous pod template/);
    const after = (await apps.readNamespacedDeployment({ name: 'spool', namespace: 'legacy' })).spec?.template;
    expect(after).toEqual(before);
    // The old pod never stopped: same pod, no restarts, still answering.
    const still = (await listPods(kc, 'legacy', 'app=spool')).map(summarizePod).find((p) => p.name === oldPod.name);
    expect(still?.ready).toBe(true);
    expect(still?.restarts).toBe(0);
    expect((await cp.node!.httpGet(`http://${oldPod.ip}:8080/`)).status).toBe(200);
  });

  it('5b. a Helm release (issue 17): planned with --chart, upgraded with values-podsec.yaml, its pods run restricted on the node', async () => {
    const root = join(import.meta.dirname, '../..');
    const helm =
      process.env['PODSEC_HELM'] ??
      execFileSync('bash', [join(root, 'test/helm/build.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      })
        .trim()
        .split('\n')
        .pop()!;
    const chart = join(root, 'test/fixtures/charts/scaffold');
    const ns = 'charts';
    const run = (args: string[]) => {
      const r = spawnSync(helm, [...args, '--kubeconfig', cp.kubeconfigPath], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
    };
    // The chart made by `helm create`, on the local gunicorn image (it serves HTTP on :80 as root).
    const values = join(work, 'web-values.yaml');
    writeFileSync(values, 'image:\n  repository: podsec.local/vote\n  tag: "1"\n  pullPolicy: Never\n');
    run(['install', 'web', chart, '--namespace', ns, '--create-namespace', '--values', values]);
    const [first] = await waitForReadyPods(kc, ns, 'app.kubernetes.io/instance=web', { count: 1 });
    expect(first).toBeDefined();
    const before = await podsec(
      ['scan', '-n', ns, '--level', 'restricted', '--exit-code', '--no-verify'],
      cp.kubeconfigPath,
    );
    expect(before.code).toBe(1);

    // The image's user is unknown to the catalogue: the operator answers it.
    const answers = join(work, 'web-answers.yaml');
    writeFileSync(answers, `uids:\n  ${ns}/Deployment/web-scaffold: 1000\n`);
    const dir = join(work, 'web-plan');
    const p = await podsec(
      [
        'plan',
        '--chart',
        chart,
        '--values',
        values,
        '--release',
        'web',
        '-n',
        ns,
        '--answers',
        answers,
        '--non-interactive',
        '--out',
        dir,
      ],
      cp.kubeconfigPath,
      { PODSEC_HELM: helm },
    );
    expect(p.code, p.stdout + p.stderr).toBe(0);
    const section = readPlan(dir).sources?.helm;
    const web = section?.workloads.find((w) => w.key === `${ns}/Deployment/web-scaffold`);
    expect(web?.verified, JSON.stringify(web)).toBe(true);
    expect(web?.passesTarget).toBe(true);

    run(['upgrade', 'web', chart, '--namespace', ns, '--values', values, '--values', join(dir, 'values-podsec.yaml')]);
    // The upgraded pods run (Ready, no restarts) as the answered non-root user, and the release is compliant.
    const ready = await pollUntil(
      'the upgraded pod Ready',
      async () => {
        const pods = (await listPods(kc, ns, 'app.kubernetes.io/instance=web')).filter(
          (x) => x.spec?.securityContext?.runAsNonRoot === true && x.metadata?.deletionTimestamp === undefined,
        );
        const s = pods.map(summarizePod);
        return s.length === 1 && s[0]!.ready ? s[0] : undefined;
      },
      120_000,
      1000,
    );
    expect(ready.restarts).toBe(0);
    expect((await cp.node!.httpGet(`http://${ready.ip}:80/`)).status).toBe(200);
    const after = await podsec(
      ['scan', '-n', ns, '--level', 'restricted', '--exit-code', '--no-verify'],
      cp.kubeconfigPath,
    );
    expect(after.code, after.stdout + after.stderr).toBe(0);
  });

  it('6. stop() leaves nothing: no process of the node, no cgroup, no namespace holder, no temp dir', async () => {
    const node = cp.node!;
    const cgroupDirs = readdirSync('/sys/fs/cgroup')
      .map((c) => join('/sys/fs/cgroup', c, node.cgroup))
      .filter((d) => existsSync(d));
    expect(cgroupDirs.length).toBeGreaterThan(0);
    await cp.stop();
    expect(cgroupDirs.filter((d) => existsSync(d))).toEqual([]);
    for (const pid of [node.nsPid, node.peerPid]) expect(existsSync(`/proc/${pid}`), `pid ${pid}`).toBe(false);
    expect(existsSync(cp.dir)).toBe(false);
    const shims = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(node.containerdSocket);
        } catch {
          return false;
        }
      });
    expect(shims).toEqual([]);
  });
});
