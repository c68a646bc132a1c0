/**
 * Helpers for the apply integration tests: the seed estate (test/harness/seed) copied into
 * uniquely named namespaces, a "fake kubelet" that marks pods Ready (the test control plane has
 * no kubelet, so rollouts would never finish), and running the built CLI as a subprocess.
 */
import {
  AppsV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadSeedObjects, type SeedObject } from '../harness/seed.js';
import { pollUntil, waitForDefaultServiceAccount } from '../harness/kube-helpers.js';

export const CLI = fileURLToPath(new URL('../../bin/podsec.js', import.meta.url));
const SRC_CLI = fileURLToPath(new URL('../../src/cli.tsx', import.meta.url));

export interface Estate {
  suffix: string;
  /** Seed namespace name -> name in this test. */
  ns: Record<string, string>;
  all: string[];
}

/** Applies the seed into `<name>-<suffix>` namespaces (only `only`, when given) and waits for the pods. */
export async function seedCopy(kc: KubeConfig, only?: readonly string[]): Promise<Estate> {
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
      copies.push(o);
      continue;
    }
    if (!wanted(o)) continue;
    const c = structuredClone(o);
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
  return { suffix, ns, all: Object.values(ns) };
}

/**
 * Marks every pod of the namespaces Running and Ready, as a kubelet would, until stopped.
 * Returns the stop function.
 */
export function fakeKubelet(
  kc: KubeConfig,
  namespaces: () => readonly string[],
  intervalMs = 300,
): () => Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const namespace of namespaces()) {
        try {
          const pods = (await core.listNamespacedPod({ namespace })).items;
          for (const p of pods) {
            if (
              p.metadata?.deletionTimestamp ||
              p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
            )
              continue;
            const now = new Date(Date.now() - 60_000).toISOString();
            const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: now });
            const body = {
              status: {
                phase: 'Running',
                conditions: [cond('PodScheduled'), cond('Initialized'), cond('ContainersReady'), cond('Ready')],
              },
            };
            await core.patchNamespacedPodStatus(
              { name: p.metadata?.name ?? '', namespace, body },
              setHeaderOptions('Content-Type', 'application/merge-patch+json'),
            );
          }
        } catch {
          // namespace going away: ignore
        }
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
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
