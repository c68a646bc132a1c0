// Proves the control plane from test/setup/global-cluster.ts is a real kube-apiserver with
// PodSecurity admission, RBAC, token users and a working controller manager.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type V1Deployment,
  type V1Pod,
  type V1PodSpec,
} from '@kubernetes/client-node';
import {
  createTestNamespace,
  deleteNamespace,
  dryRunRelabel,
  dryRunRelabelRaw,
  kubeConfigFor,
  kubeVersion,
  kubectlPath,
  kubeconfigPath,
  pollDryRunRelabel,
  pollUntil,
  psaLabels,
} from '../harness/env.js';
import { parsePsaWarnings, parseWarningHeader } from '../../src/inventory/psa-warnings.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const restrictedContainer = {
  securityContext: {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  },
};
const restrictedPodSecurity = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

function pod(name: string, spec: Partial<V1PodSpec> & { containers?: V1PodSpec['containers'] }): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }], ...spec },
  };
}

/** Create a pod; return undefined when allowed, or the rejection (code + message). */
async function tryCreatePod(
  kc: KubeConfig,
  namespace: string,
  body: V1Pod,
): Promise<{ code: number; message: string } | undefined> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.createNamespacedPod({ namespace, body });
    return undefined;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const parsed = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as { message?: string };
    return { code: err.code, message: parsed.message ?? '' };
  }
}

function deployment(name: string, replicas: number, podSpec: V1PodSpec): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: podSpec },
    },
  };
}

const admin = (): KubeConfig => kubeConfigFor('admin');
const created: string[] = [];
async function ns(prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = await createTestNamespace(admin(), { prefix, labels });
  created.push(name);
  return name;
}

afterAll(async () => {
  await Promise.all(created.map((n) => deleteNamespace(admin(), n)));
});

describe('control plane', () => {
  it('reports the release pinned in test/kube/go.mod', () => {
    const gomod = fs.readFileSync(path.join(repoRoot, 'test/kube/go.mod'), 'utf8');
    const pinned = /k8s\.io\/kubernetes (v\d+\.\d+\.\d+)/.exec(gomod)?.[1];
    expect(pinned).toBeDefined();
    expect(kubeVersion()).toBe(pinned);
  });

  it('serves a version-matched kubectl', () => {
    const r = spawnSync(kubectlPath(), ['--kubeconfig', kubeconfigPath(), 'get', 'ns', 'default', '-o', 'name'], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('namespace/default');
  });

  it('authenticates token users and authorizes them with RBAC only', async () => {
    const namespace = await ns('rbac');
    const reader = kubeConfigFor('reader').makeApiClient(CoreV1Api);
    await expect(reader.listNamespacedPod({ namespace })).rejects.toMatchObject({ code: 403 });
    await admin()
      .makeApiClient(RbacAuthorizationV1Api)
      .createNamespacedRoleBinding({
        namespace,
        body: {
          metadata: { name: 'reader-view' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
          subjects: [{ kind: 'User', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' }],
        },
      });
    // `view` is an aggregated ClusterRole: its rules come from the aggregation controller.
    const pods = await pollUntil('reader can list pods', async () => {
      try {
        return await reader.listNamespacedPod({ namespace });
      } catch {
        return undefined;
      }
    });
    expect(pods.items).toEqual([]);
  });

  it('runs the controller manager: Deployments get (Pending) pods', async () => {
    const namespace = await ns('kcm');
    const kc = admin();
    await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
      namespace,
      body: deployment('web', 2, { containers: [{ name: 'web', image: 'nginx:1.27' }] }),
    });
    const core = kc.makeApiClient(CoreV1Api);
    const pods = await pollUntil('2 pods', async () => {
      const l = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
      return l.items.length === 2 ? l.items : undefined;
    });
    expect(pods.map((p) => p.status?.phase)).toEqual(['Pending', 'Pending']);
    expect(pods[0]?.metadata?.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
  });
});

describe('PodSecurity admission', () => {
  it('rejects a pod violating restricted with HTTP 403 and the upstream message', async () => {
    const namespace = await ns('enforce', psaLabels({ enforce: 'restricted' }));
    const kc = admin();
    const res = await tryCreatePod(kc, namespace, pod('bad', {}));
    expect(res?.code).toBe(403);
    expect(res?.message).toBe(
      'pods "bad" is forbidden: violates PodSecurity "restricted:latest": ' +
        'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
        'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
        'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
        'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    // A compliant pod is admitted.
    const ok = await tryCreatePod(
      kc,
      namespace,
      pod('good', {
        securityContext: restrictedPodSecurity,
        containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', ...restrictedContainer }],
      }),
    );
    expect(ok).toBeUndefined();
  });

  it('dry-run enforce=restricted warns about existing pods, folded per violation set and mapped to workloads', async () => {
    const namespace = await ns('dryrun');
    const kc = admin();
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    await apps.createNamespacedDeployment({
      namespace,
      body: deployment('web', 3, { containers: [{ name: 'web', image: 'nginx:1.27' }] }),
    });
    await apps.createNamespacedDeployment({
      namespace,
      body: deployment('agent', 1, {
        hostPID: true,
        containers: [{ name: 'agent', image: 'busybox:1.36', securityContext: { privileged: true } }],
      }),
    });
    await apps.createNamespacedDeployment({
      namespace,
      body: deployment('compliant', 1, {
        securityContext: restrictedPodSecurity,
        containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10', ...restrictedContainer }],
      }),
    });
    const pods = await pollUntil('5 pods', async () => {
      const l = await core.listNamespacedPod({ namespace });
      return l.items.length === 5 ? l.items : undefined;
    });

    const labels = psaLabels({ enforce: 'restricted' });
    const warnings = await pollDryRunRelabel(kc, namespace, labels, (w) => {
      const p = parsePsaWarnings(w);
      return p.namespace !== undefined && p.lines.reduce((n, v) => n + 1 + v.others, 0) === 4;
    });
    const parsed = parsePsaWarnings(warnings);
    expect(parsed.namespace).toBe(namespace);
    expect(parsed.policy).toBe('restricted:latest');
    expect(parsed.other).toEqual([]);

    // Map each reported pod (and the folded count) to its owning workload.
    const podByName = new Map(pods.map((p) => [p.metadata!.name!, p]));
    const rsOwner = async (p: V1Pod): Promise<string> => {
      const ref = p.metadata?.ownerReferences?.find((r) => r.controller);
      if (ref?.kind !== 'ReplicaSet') return `${ref?.kind}/${ref?.name}`;
      const rs = await apps.readNamespacedReplicaSet({ namespace, name: ref.name });
      const dep = rs.metadata?.ownerReferences?.find((r) => r.controller);
      return `${dep?.kind}/${dep?.name}`;
    };
    const byWorkload: Record<string, { pods: number; reasons: string[] }> = {};
    for (const v of parsed.lines) {
      const p = podByName.get(v.pod);
      expect(p, `reported pod ${v.pod} exists`).toBeDefined();
      byWorkload[await rsOwner(p!)] = { pods: 1 + v.others, reasons: v.reasons.split(', ') };
    }
    expect(byWorkload).toEqual({
      'Deployment/web': {
        pods: 3,
        reasons: [
          'allowPrivilegeEscalation != false',
          'unrestricted capabilities',
          'runAsNonRoot != true',
          'seccompProfile',
        ],
      },
      'Deployment/agent': {
        pods: 1,
        reasons: [
          'host namespaces',
          'privileged',
          'allowPrivilegeEscalation != false',
          'unrestricted capabilities',
          'runAsNonRoot != true',
          'seccompProfile',
        ],
      },
    });
    // The folding text itself, as sent.
    expect(warnings.some((w) => / \(and 2 other pods\): /.test(w))).toBe(true);

    // Several Warning headers arrive joined with ", " and their texts contain commas too:
    // splitting the raw header on commas would give far more pieces than warnings.
    const { rawHeader } = await dryRunRelabelRaw(kc, namespace, labels);
    expect(rawHeader).toContain('", 299 - "');
    expect(parseWarningHeader(rawHeader)).toEqual(warnings);
    expect(rawHeader!.split(',').length).toBeGreaterThan(warnings.length);

    // Changing only warn never re-checks existing pods.
    expect(await dryRunRelabel(kc, namespace, psaLabels({ warn: 'restricted' }))).toEqual([]);
  });

  it('honours enforce-version: runAsUser=0 is allowed by restricted v1.22 but denied by latest', async () => {
    const kc = admin();
    const runAsRoot = pod('root-uid', {
      securityContext: { ...restrictedPodSecurity, runAsUser: 0 },
      containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', ...restrictedContainer }],
    });
    const pinned = await ns('pin22', psaLabels({ enforce: 'restricted', 'enforce-version': 'v1.22' }));
    expect(await tryCreatePod(kc, pinned, runAsRoot)).toBeUndefined();

    const latest = await ns('latest', psaLabels({ enforce: 'restricted' }));
    const denied = await tryCreatePod(kc, latest, runAsRoot);
    expect(denied).toEqual({
      code: 403,
      message:
        'pods "root-uid" is forbidden: violates PodSecurity "restricted:latest": runAsUser=0 (pod must not set runAsUser=0)',
    });

    // The pinned version also shows in the message of a rejection at that version.
    const v123 = await ns('pin23', psaLabels({ enforce: 'restricted', 'enforce-version': 'v1.23' }));
    expect((await tryCreatePod(kc, v123, runAsRoot))?.message).toBe(
      'pods "root-uid" is forbidden: violates PodSecurity "restricted:v1.23": runAsUser=0 (pod must not set runAsUser=0)',
    );

    // And a dry-run relabel of the v1.22 namespace to latest reports the existing pod.
    const warnings = await pollDryRunRelabel(
      kc,
      pinned,
      psaLabels({ 'enforce-version': 'latest' }),
      (w) => w.length > 0,
    );
    expect(warnings).toEqual([
      `existing pods in namespace "${pinned}" violate the new PodSecurity enforce level "restricted:latest"`,
      'root-uid: runAsUser=0',
    ]);
  });
});

beforeAll(() => {
  // Fail fast with a clear message when run outside the integration project.
  expect(kubeconfigPath()).toMatch(/kubeconfig$/);
});
