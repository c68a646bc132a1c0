// `npm run bench:cluster [-- --namespaces N --workloads M --pods P --runs R]` (or BENCH_NAMESPACES,
// BENCH_WORKLOADS, BENCH_PODS): starts its own control plane, seeds N namespaces x M workloads,
// then compares a podsec live scan (verification excluded) with
// `kubectl get pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs -A -o json`.
// Seeding: with --pods P (the issue-16 estate: --namespaces 2000 --workloads 10 --pods 100000),
// objects only: no controller manager and no node, the workloads are created as they are and P
// bare Pods (P/N per namespace, the same templates) are POSTed directly, 16 requests at a time;
// without --pods the controller manager creates the workloads' pods (Pending: there is no node).
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startControlPlane } from '../harness/control-plane.js';
import { loadKubeConfig } from '../harness/kube-helpers.js';
import { KubeClient } from '../../src/cluster/client.js';
import { mapLimit } from '../../src/cluster/list.js';

const { values } = parseArgs({
  options: {
    namespaces: { type: 'string' },
    workloads: { type: 'string' },
    pods: { type: 'string' },
    runs: { type: 'string' },
  },
});
const N = Number(values.namespaces ?? process.env.BENCH_NAMESPACES ?? 200);
const M = Number(values.workloads ?? process.env.BENCH_WORKLOADS ?? 10);
const RUNS = Number(values.runs ?? process.env.BENCH_RUNS ?? 3);
const PODS = values.pods ?? process.env.BENCH_PODS;
const objectsOnly = PODS !== undefined;
const log = (m: string) => process.stderr.write(`bench: ${m}\n`);

const cp = await startControlPlane({ log, controllerManager: !objectsOnly });
try {
  const client = await KubeClient.create(loadKubeConfig(cp.kubeconfigPath), { maxSockets: 16 });
  const t0 = Date.now();
  const names = Array.from({ length: N }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  await mapLimit(names, 16, (name) => client.post('/api/v1/namespaces', { metadata: { name } }));
  // Pods need the namespace's default ServiceAccount (ServiceAccount admission is on with the controller manager).
  for (; !objectsOnly;) {
    const sa = await client.get<{ items: unknown[] }>('/api/v1/serviceaccounts', {
      fieldSelector: 'metadata.name=default',
    });
    if (sa.body.items.length >= N) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const objects = names.flatMap((ns) => Array.from({ length: M }, (_, j) => workload(ns, j)));
  await mapLimit(objects, 16, ({ path, body }) => client.post(path, body));
  if (objectsOnly) {
    const perNamespace = Math.ceil(Number(PODS) / N);
    const pods = names.flatMap((ns) => Array.from({ length: perNamespace }, (_, k) => ({ ns, k })));
    let done = 0;
    await mapLimit(pods, 16, async ({ ns, k }) => {
      await client.post(`/api/v1/namespaces/${ns}/pods`, barePod(k, M));
      if (++done % 5000 === 0) log(`${done}/${pods.length} pods (${((Date.now() - t0) / 1000).toFixed(0)}s)`);
    });
  }
  const expectedPods = objectsOnly ? Math.ceil(Number(PODS) / N) * N : objects.reduce((n, o) => n + o.pods, 0);
  log(
    `created ${N} namespaces and ${objects.length} workloads in ${((Date.now() - t0) / 1000).toFixed(1)}s; waiting for ${expectedPods} pods`,
  );
  for (let last = -1; ;) {
    const pods = await countPods(client);
    if (pods >= expectedPods) break;
    if (pods !== last) log(`${pods}/${expectedPods} pods`);
    last = pods;
    await new Promise((r) => setTimeout(r, 2000));
  }
  client.close();
  log(`seeded in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const env = { ...process.env, KUBECONFIG: cp.kubeconfigPath };
  const kubectl = `${cp.binDir}/kubectl`;
  const kubectlArgs = ['get', 'pods,deployments,statefulsets,daemonsets,replicasets,jobs,cronjobs', '-A', '-o', 'json'];
  const kubectlTimes: number[] = [];
  const podsecTimes: number[] = [];
  let rss = 0;
  let summary = '';
  for (let i = 0; i < RUNS; i++) {
    const k0 = performance.now();
    const k = spawnSync(kubectl, kubectlArgs, { env, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'inherit'] });
    if (k.status !== 0) throw new Error('kubectl failed');
    kubectlTimes.push(performance.now() - k0);
    const p0 = performance.now();
    const p = spawnSync('node', ['--import', 'tsx', 'test/bench/scan-child.ts'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const wall = performance.now() - p0;
    if (p.status !== 0) throw new Error('podsec scan failed');
    const r = JSON.parse(p.stdout.trim().split('\n').at(-1) ?? '{}') as {
      ms: number;
      maxRssMb: number;
      workloads: number;
      pods: number;
    };
    podsecTimes.push(r.ms);
    rss = Math.max(rss, r.maxRssMb);
    summary = `${r.workloads} workloads, ${r.pods} pods (process wall time incl. tsx start: ${(wall / 1000).toFixed(2)}s)`;
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const kt = median(kubectlTimes);
  const pt = median(podsecTimes);
  const out = [
    `cluster: ${cp.version}, ${N} namespaces x ${M} workloads; ${summary}`,
    `kubectl get ... -A -o json : ${(kt / 1000).toFixed(2)}s (median of ${RUNS})`,
    `podsec live scan (no verify): ${(pt / 1000).toFixed(2)}s (median of ${RUNS}), peak RSS ${rss} MB`,
    `ratio podsec/kubectl        : ${(pt / kt).toFixed(2)}x (goal <= 1.2x)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await cp.stop();
}

async function countPods(client: KubeClient): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const res = await client.get<{ items: unknown[]; metadata?: { continue?: string } }>('/api/v1/pods', {
      limit: 500,
      continue: token,
    });
    n += res.body.items.length;
    token = res.body.metadata?.continue || undefined;
  } while (token);
  return n;
}

/** A bare Pod with the template of workload `k % m` (objects-only seeding). */
function barePod(k: number, m: number): unknown {
  const w = workload('x', k % Math.max(1, m)).body as {
    spec: { template?: { metadata: { labels: Record<string, string> }; spec: unknown } };
  };
  const template = w.spec.template ?? {
    metadata: { labels: { app: `w${k}` } },
    spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
  };
  return { metadata: { name: `p${k}`, labels: template.metadata.labels }, spec: template.spec };
}

/** A mix of kinds: mostly Deployments, plus StatefulSets, Jobs and CronJobs; half non-compliant. */
function workload(ns: string, j: number): { path: string; body: unknown; pods: number } {
  const labels = { app: `w${j}` };
  const secure = j % 2 === 0;
  const securityContext = secure
    ? {
        runAsNonRoot: true,
        runAsUser: 1000,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      }
    : undefined;
  const pod = {
    metadata: { labels },
    spec: {
      containers: [{ name: 'app', image: 'registry.example/app:1', ...(securityContext ? { securityContext } : {}) }],
    },
  };
  const name = `w${j}`;
  if (j % 10 === 9) {
    return {
      path: `/apis/batch/v1/namespaces/${ns}/cronjobs`,
      body: {
        metadata: { name },
        spec: {
          schedule: '0 3 * * *',
          jobTemplate: { spec: { template: { ...pod, spec: { ...pod.spec, restartPolicy: 'Never' } } } },
        },
      },
      pods: 0,
    };
  }
  if (j % 10 === 8) {
    return {
      path: `/apis/batch/v1/namespaces/${ns}/jobs`,
      body: { metadata: { name }, spec: { template: { ...pod, spec: { ...pod.spec, restartPolicy: 'Never' } } } },
      pods: 1,
    };
  }
  if (j % 10 === 7) {
    return {
      path: `/apis/apps/v1/namespaces/${ns}/statefulsets`,
      body: {
        metadata: { name },
        spec: { replicas: 1, serviceName: name, selector: { matchLabels: labels }, template: pod },
      },
      pods: 1,
    };
  }
  return {
    path: `/apis/apps/v1/namespaces/${ns}/deployments`,
    body: { metadata: { name }, spec: { replicas: 1, selector: { matchLabels: labels }, template: pod } },
    pods: 1,
  };
}
