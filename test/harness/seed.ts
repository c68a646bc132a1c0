/**
 * A demo estate for manual trials (`npm run cluster -- --seed`) and for tests that want a
 * realistic cluster: the objects are data, in test/harness/seed/*.yaml (applied in file
 * name order). See seedEstate().
 */
import {
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loadKubeConfig, pollUntil, waitForDefaultServiceAccount } from './kube-helpers.js';

export const SEED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed');

export interface SeedObject extends KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  spec?: Record<string, unknown>;
}

/** Every object of the seed, in apply order, each tagged with its source file. */
export function loadSeedObjects(dir = SEED_DIR): Array<{ file: string; object: SeedObject }> {
  const out: Array<{ file: string; object: SeedObject }> = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const docs = parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const doc of docs) {
      if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]?.message}`);
      const obj = doc.toJS() as SeedObject | null;
      if (obj) out.push({ file, object: obj });
    }
  }
  return out;
}

export interface SeededWorkload {
  kind: string;
  namespace: string;
  name: string;
  /** Pods the controllers are expected to create (0 for CronJobs and scaled-to-zero). */
  expectedPods: number;
  /** Pods seen after seeding. */
  pods: string[];
}

export interface SeedResult {
  namespaces: string[];
  workloads: SeededWorkload[];
}

const FIELD_MANAGER = 'podsec-seed';

function expectedPods(o: SeedObject, nodeCount: number): { count: number; selector?: Record<string, string> } {
  const spec = (o.spec ?? {}) as {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    parallelism?: number;
  };
  const matchLabels = spec.selector?.matchLabels;
  switch (o.kind) {
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet': // OrderedReady: pod-1 waits for pod-0 to be Ready, which never happens here
      return {
        count: o.kind === 'StatefulSet' ? Math.min(spec.replicas ?? 1, 1) : (spec.replicas ?? 1),
        ...(matchLabels ? { selector: matchLabels } : {}),
      };
    case 'DaemonSet':
      return { count: nodeCount, ...(matchLabels ? { selector: matchLabels } : {}) };
    case 'Job':
      return { count: Math.min(spec.parallelism ?? 1, 1), selector: { 'job-name': o.metadata.name } };
    default:
      return { count: 0 };
  }
}

const WORKLOAD_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
  'Pod',
]);

/**
 * Apply the seed estate (server-side apply, idempotent) and wait until the controller
 * manager has created the workloads' (Pending) pods. Needs an admin kubeconfig.
 */
export async function seedEstate(
  kubeconfigPath: string,
  opts: { dir?: string; timeoutMs?: number; log?: (m: string) => void } = {},
): Promise<SeedResult> {
  const kc: KubeConfig = loadKubeConfig(kubeconfigPath);
  const objects = loadSeedObjects(opts.dir).map((e) => e.object);
  const api = KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  const log = opts.log ?? (() => {});
  const apply = (o: SeedObject): Promise<unknown> =>
    api.patch(o, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);

  // Cluster-scoped objects first; pods can only be created once a namespace has its
  // default ServiceAccount.
  const clusterScoped = objects.filter((o) => o.kind === 'Namespace' || o.kind === 'Node');
  for (const o of clusterScoped) await apply(o);
  const namespaces = clusterScoped.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
  await Promise.all(namespaces.map((ns) => waitForDefaultServiceAccount(kc, ns, opts.timeoutMs ?? 60_000)));
  log(`namespaces: ${namespaces.join(', ')}`);

  for (const o of objects) if (!clusterScoped.includes(o)) await apply(o);

  const nodeCount = (await core.listNode()).items.length;
  const workloads: SeededWorkload[] = [];
  for (const o of objects) {
    if (!WORKLOAD_KINDS.has(o.kind)) continue;
    const ns = o.metadata.namespace ?? 'default';
    const { count, selector } = expectedPods(o, nodeCount);
    let pods: string[] = [];
    if (count > 0 && selector) {
      const labelSelector = Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      pods = await pollUntil(
        `${count} pod(s) of ${o.kind} ${ns}/${o.metadata.name}`,
        async () => {
          const list = await core.listNamespacedPod({ namespace: ns, labelSelector });
          const names = list.items.map((p) => p.metadata?.name ?? '').sort();
          return names.length >= count ? names : undefined;
        },
        opts.timeoutMs ?? 60_000,
        250,
      );
    }
    workloads.push({ kind: o.kind, namespace: ns, name: o.metadata.name, expectedPods: count, pods });
    log(`${o.kind} ${ns}/${o.metadata.name}: ${pods.length} pod(s)`);
  }
  return { namespaces, workloads };
}
