/**
 * Helpers for the apply integration tests: the seed estate (test/harness/seed) copied into
 * uniquely named namespaces, optionally made runnable on the harness's real node, and running
 * the built CLI as a subprocess.
 */
import { KubernetesObjectApi, PatchStrategy, AppsV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadSeedObjects, type SeedObject } from '../harness/seed.js';
import { pollUntil, waitForDefaultServiceAccount } from '../harness/kube-helpers.js';
import { IMAGES } from '../harness/node.js';
import { waitForReadyPods } from '../harness/runtime.js';

export const CLI = fileURLToPath(new URL('../../bin/podsec.js', import.meta.url));
const SRC_CLI = fileURLToPath(new URL('../../src/cli.tsx', import.meta.url));

export interface Estate {
  suffix: string;
  /** Seed namespace name -> name in this test. */
  ns: Record<string, string>;
  all: string[];
}

/**
 * What every container of a runnable copy runs: a shell that sleeps and exits on SIGTERM (so a
 * rollout's old pods go at once, not after the 30 s grace period), as root or as any UID a fix
 * sets, with every capability dropped and a read-only root.
 */
export const RUNNABLE_COMMAND = ['busybox', 'sh', '-c', "trap 'exit 0' TERM; while true; do sleep 1; done"];

/**
 * The seed object made runnable on the harness node (a cluster from `sharedNodeCluster()`):
 * every container runs the local busybox image (RUNNABLE_COMMAND, never pulled: the node has
 * no registry) and a StatefulSet's volumeClaimTemplates become emptyDirs (no volume
 * provisioner). Security-relevant fields (securityContext, host namespaces, hostPath, ports)
 * stay as seeded, so the plan's findings are the seed's; the images' users become unknown to
 * the catalogue, so the plan asks a UID for every workload that runs as root.
 */
export function runnableSeedObject(o: SeedObject): SeedObject {
  type Obj = Record<string, unknown>;
  const obj = (v: unknown): Obj | undefined => (v && typeof v === 'object' ? (v as Obj) : undefined);
  const c = structuredClone(o);
  const spec = obj(c.spec);
  const template =
    c.kind === 'CronJob' ? obj(obj(obj(spec?.['jobTemplate'])?.['spec'])?.['template']) : obj(spec?.['template']);
  const pod = obj(template?.['spec']);
  if (!spec || !pod) return c;
  for (const list of ['initContainers', 'containers'])
    for (const ctr of (pod[list] ?? []) as Obj[]) {
      ctr['image'] = IMAGES.busybox;
      ctr['imagePullPolicy'] = 'Never';
      ctr['command'] = RUNNABLE_COMMAND;
      delete ctr['args'];
    }
  const claims = spec['volumeClaimTemplates'];
  if (c.kind === 'StatefulSet' && Array.isArray(claims)) {
    const volumes = (pod['volumes'] ?? []) as Obj[];
    pod['volumes'] = [
      ...volumes,
      ...claims.map((v: { metadata: { name: string } }) => ({ name: v.metadata.name, emptyDir: {} })),
    ];
    delete spec['volumeClaimTemplates'];
  }
  return c;
}

/**
 * Applies the seed into `<name>-<suffix>` namespaces (only `only`, when given) and waits for the
 * pods. `runnable`: on a cluster with the real node, every object through runnableSeedObject()
 * (the seed's placeholder Node left out) and waits until every pod is Ready.
 */
export async function seedCopy(
  kc: KubeConfig,
  only?: readonly string[],
  opts: { runnable?: boolean } = {},
): Promise<Estate> {
  const suffix = randomBytes(3).toString('hex');
  const objects = loadSeedObjects().map((e) => e.object);
  const wanted = (o: SeedObject) => {
    const base = o.kind === 'Namespace' ? o.metadata.name : o.metadata.namespace;
    return base !== undefined && (!only || only.includes(base));
  };
  const ns: Record<string, string> = {};
  const copies: SeedObject[] = [];
  for (const o of objects) {
    if (o.kind === 'Node') {
      if (!opts.runnable) copies.push(o);
      continue;
    }
    if (!wanted(o)) continue;
    const c = opts.runnable ? runnableSeedObject(o) : structuredClone(o);
    if (c.kind === 'Namespace') {
      ns[o.metadata.name] = `${o.metadata.name}-${suffix}`;
      c.metadata.name = ns[o.metadata.name]!;
    } else c.metadata.namespace = `${o.metadata.namespace}-${suffix}`;
    copies.push(c);
  }
  const api = KubernetesObjectApi.makeApiClient(kc);
  const apply = (o: SeedObject) =>
    api.patch(o, undefined, undefined, 'podsec-seed', true, PatchStrategy.ServerSideApply);
  for (const o of copies.filter((c) => c.kind === 'Namespace' || c.kind === 'Node')) await apply(o);
  await Promise.all(Object.values(ns).map((n) => waitForDefaultServiceAccount(kc, n, 60_000)));
  for (const o of copies.filter((c) => c.kind !== 'Namespace' && c.kind !== 'Node')) await apply(o);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  for (const n of Object.values(ns)) {
    await pollUntil(
      `pods of the Deployments in ${n}`,
      async () => {
        const deps = (await apps.listNamespacedDeployment({ namespace: n })).items;
        const want = deps.reduce((s, d) => s + (d.spec?.replicas ?? 1), 0);
        const pods = (await core.listNamespacedPod({ namespace: n })).items.filter((p) =>
          p.metadata?.ownerReferences?.some((r) => r.kind === 'ReplicaSet'),
        );
        return pods.length >= want ? true : undefined;
      },
      60_000,
    );
  }
  if (opts.runnable)
    for (const n of Object.values(ns)) await waitForReadyPods(kc, n, undefined, { timeoutMs: 120_000 });
  return { suffix, ns, all: Object.values(ns) };
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin/podsec.js) with a kubeconfig, headless. */
export function podsec(args: string[], kubeconfig: string, env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    // PODSEC_TEST_CLI=tsx runs the sources (when the bundle cannot be built mid-development).
    const entry = process.env['PODSEC_TEST_CLI'] === 'tsx' ? ['--import', 'tsx', SRC_CLI] : [CLI];
    const child = spawn(process.execPath, [...entry, ...args, '--kubeconfig', kubeconfig], {
      env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
