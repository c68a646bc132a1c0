// Live scans against the real control plane (etcd + kube-apiserver with PodSecurity + KCM):
// every workload kind, an unreadable namespace for a low-privilege user, a webhook-style injected
// container, a pinned old version, and server-side verification agreeing with the engine.
import * as fs from 'node:fs';
import { AppsV1Api, CoreV1Api, RbacAuthorizationV1Api, type V1ClusterRole, type V1Pod } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLive } from '../../src/cluster/inventory.js';
import { verifyNamespaces } from '../../src/cluster/verify.js';
import type { CommandContext } from '../../src/cli/context.js';
import { workloadKey } from '../../src/inventory/types.js';
import { seedEstate } from '../harness/seed.js';
import {
  createTestNamespace,
  deleteNamespace,
  kubeConfigFor,
  kubeconfigPath,
  kubeMinor,
  pollUntil,
} from '../harness/env.js';

const ctx = (): CommandContext =>
  ({
    env: {},
    signal: new AbortController().signal,
    now: () => new Date(),
    io: { err: () => {}, out: () => {}, stderrIsTTY: false },
  }) as unknown as CommandContext;
const source = (namespace: string[], user: 'admin' | 'reader' = 'admin') => ({
  kubeconfig: kubeconfigPath(user),
  file: [],
  namespace,
  allNamespaces: namespace.length === 0,
});

const SEEDED = ['shop', 'web', 'batch', 'monitoring', 'staging', 'legacy', 'payments'];
const kc = () => kubeConfigFor('admin');
const created: string[] = [];
const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'registry.example/app:1',
  ...extra,
});
const restricted = {
  runAsNonRoot: true,
  runAsUser: 1000,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

beforeAll(async () => {
  await seedEstate(kubeconfigPath('admin'));
}, 180_000);

afterAll(async () => {
  for (const ns of created) await deleteNamespace(kc(), ns);
});

describe('podsec scan against a live cluster', () => {
  it('reads every workload kind, links pods to their top-level owner and parses PSA labels', async () => {
    const ns = await createTestNamespace(kc(), { prefix: 'kinds' });
    created.push(ns);
    const core = kc().makeApiClient(CoreV1Api);
    const apps = kc().makeApiClient(AppsV1Api);
    const tmpl = (app: string) => ({ metadata: { labels: { app } }, spec: { containers: [container('c')] } });
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: {
        metadata: { name: 'bare-rs' },
        spec: { replicas: 1, selector: { matchLabels: { app: 'rs' } }, template: tmpl('rs') },
      },
    });
    await core.createNamespacedReplicationController({
      namespace: ns,
      body: { metadata: { name: 'old-rc' }, spec: { replicas: 1, selector: { app: 'rc' }, template: tmpl('rc') } },
    });
    await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'bare-pod' }, spec: { containers: [container('c')] } },
    });
    await pollUntil('rs and rc pods', async () =>
      (await core.listNamespacedPod({ namespace: ns })).items.length >= 3 ? true : undefined,
    );

    const live = await readLive(source([...SEEDED, ns]), ctx());
    live.session.client.close();
    const inv = live.inventory;
    expect(inv.serverVersion).toMatch(new RegExp(`^v1\\.${kubeMinor()}\\.`));
    const kinds = new Set(inv.workloads.map((w) => w.kind));
    for (const k of [
      'Deployment',
      'StatefulSet',
      'DaemonSet',
      'Job',
      'CronJob',
      'ReplicaSet',
      'ReplicationController',
      'Pod',
    ])
      expect(kinds).toContain(k);
    // ReplicaSets of Deployments and Jobs of CronJobs are not workloads of their own
    expect(inv.workloads.filter((w) => w.kind === 'ReplicaSet').map(workloadKey)).toEqual([`${ns}/ReplicaSet/bare-rs`]);
    const vote = inv.workloads.find((w) => workloadKey(w) === 'shop/Deployment/vote');
    expect(vote?.live?.pods).toBe(2);
    expect(vote?.live?.injectedContainers).toEqual([]);
    expect(vote?.live?.driftedPods).toEqual([]);
    expect(vote?.managedBy).toContainEqual({ tool: 'fieldManager', name: 'podsec-seed', detail: 'Apply' });
    expect(inv.workloads.find((w) => workloadKey(w) === `${ns}/ReplicationController/old-rc`)?.live?.pods).toBe(1);
    const legacy = inv.namespaces.find((n) => n.name === 'legacy');
    expect(legacy?.psa.enforce).toEqual({ level: 'baseline', version: 'v1.23' });
    for (const p of live.pods.get('shop') ?? []) expect(p.workload).toMatch(/^shop\/(Deployment|StatefulSet)\//);
  });

  it('reports containers a webhook would inject (a pod adopted by a ReplicaSet with an extra container)', async () => {
    const ns = await createTestNamespace(kc(), { prefix: 'inject' });
    created.push(ns);
    const core = kc().makeApiClient(CoreV1Api);
    const apps = kc().makeApiClient(AppsV1Api);
    const pod: V1Pod = {
      metadata: { name: 'mesh-0', labels: { app: 'mesh' } },
      spec: {
        containers: [
          container('app'),
          container('istio-proxy', { securityContext: { capabilities: { add: ['NET_ADMIN'] } } }),
        ],
      },
    };
    await core.createNamespacedPod({ namespace: ns, body: pod });
    await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: {
        metadata: { name: 'mesh' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'mesh' } },
          template: { metadata: { labels: { app: 'mesh' } }, spec: { containers: [container('app')] } },
        },
      },
    });
    await pollUntil('mesh-0 adopted by the ReplicaSet, one pod left', async () => {
      const pods = (await core.listNamespacedPod({ namespace: ns })).items.filter(
        (p) => !p.metadata?.deletionTimestamp,
      );
      const adopted = pods
        .find((p) => p.metadata?.name === 'mesh-0')
        ?.metadata?.ownerReferences?.some((r) => r.kind === 'ReplicaSet' && r.controller);
      return adopted && pods.length === 1 ? true : undefined;
    });
    const live = await readLive(source([ns]), ctx());
    const rs = live.inventory.workloads.find((w) => w.kind === 'ReplicaSet');
    expect(rs?.live?.injectedContainers).toEqual(['istio-proxy']);
    // The template passes baseline; the live pod does not (NET_ADMIN): verification says so.
    const res = await verifyNamespaces(live.session, live.inventory, live.pods, { target: 'baseline' });
    live.session.client.close();
    const v = res.namespaces.get(ns);
    const baseline = v?.levels.find((l) => l.level === 'baseline');
    expect(baseline?.violators.map((x) => [x.pod, x.workloads])).toEqual([['mesh-0', [`${ns}/ReplicaSet/mesh`]]]);
    expect(baseline?.status).toBe('agrees');
    expect(baseline?.violators[0]?.cause).toBe('injectedContainers');
  });

  it('verifies with a server-side dry-run and finds the same violators as the engine, at a pinned old version too', async () => {
    let lastVerification = '';
    const live = await pollUntil(
      'verification of shop and legacy to agree (PSA reads pods from an informer cache)',
      async () => {
        const l = await readLive(source(['shop', 'legacy']), ctx());
        const res = await verifyNamespaces(l.session, l.inventory, l.pods, { target: 'restricted' });
        l.session.client.close();
        const all = [...res.namespaces.values()].flatMap((n) => n.levels);
        lastVerification = JSON.stringify([...res.namespaces], null, 1);
        return all.length > 0 && all.every((x) => x.status === 'agrees') ? res : undefined;
      },
      60_000,
      1_000,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}; last verification: ${lastVerification}`);
    });
    const shop = live.namespaces.get('shop');
    const restrictedCheck = shop?.levels.find((l) => l.level === 'restricted');
    expect(restrictedCheck?.policy).toBe('restricted:latest');
    expect(restrictedCheck?.warnings[0]).toBe(
      'existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:latest"',
    );
    expect(restrictedCheck?.violators.flatMap((v) => v.workloads)).toContain('shop/Deployment/vote');
    expect(restrictedCheck?.violators.every((v) => v.cause === 'template')).toBe(true);
    // legacy is pinned to v1.23: the dry-run uses the pin, and the engine agrees at that version.
    const legacy = live.namespaces.get('legacy');
    // It already enforces baseline:v1.23, which PSA would not re-check: podsec sends v1.24, whose
    // rules are the same, so the server really evaluates the pods.
    expect(legacy?.levels.map((l) => [l.policy, l.status])).toEqual([
      ['baseline:v1.24', 'agrees'],
      ['restricted:v1.23', 'agrees'],
    ]);
    expect(legacy?.levels[1]?.violators.map((v) => v.workloads)).toEqual([['legacy/Deployment/inventory']]);
  });

  it('records a namespace the user may not list as unreadable and scans the rest', async () => {
    const open = await createTestNamespace(kc(), { prefix: 'open' });
    const hidden = await createTestNamespace(kc(), { prefix: 'hidden' });
    created.push(open, hidden);
    const core = kc().makeApiClient(CoreV1Api);
    for (const ns of [open, hidden])
      await core.createNamespacedPod({
        namespace: ns,
        body: { metadata: { name: 'p' }, spec: { containers: [container('c', { securityContext: restricted })] } },
      });
    const rbac = kc().makeApiClient(RbacAuthorizationV1Api);
    const role = `podsec-test-${open}`;
    // the shipped read-only role, bound in `open` only
    const reader = parse(fs.readFileSync('templates/rbac/podsec-reader.yaml', 'utf8')) as V1ClusterRole;
    await rbac.createClusterRole({ body: { ...reader, metadata: { name: role } } });
    // get namespaces cluster-wide (to read labels), workloads only in `open`
    await rbac.createClusterRole({
      body: {
        metadata: { name: `${role}-ns` },
        rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: `${role}-ns` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${role}-ns` },
        subjects: [{ kind: 'User', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: open,
      body: {
        metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
        subjects: [{ kind: 'User', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' }],
      },
    });
    try {
      const live = await pollUntil('RBAC to take effect', async () => {
        const l = await readLive(source([open, hidden], 'reader'), ctx());
        const ok = l.inventory.workloads.some((w) => w.namespace === open);
        if (!ok) l.session.client.close();
        return ok ? l : undefined;
      });
      const inv = live.inventory;
      expect(inv.workloads.map(workloadKey)).toEqual([`${open}/Pod/p`]);
      const h = inv.namespaces.find((n) => n.name === hidden);
      expect(h?.unreadable?.map((u) => u.permission)).toContain(`list pods in namespace "${hidden}"`);
      expect(h?.unreadable).toHaveLength(8);
      expect(inv.namespaces.find((n) => n.name === open)?.unreadable).toBeUndefined();
      // reader may not patch namespaces: verification is skipped with a note, not an error
      const res = await verifyNamespaces(live.session, inv, live.pods, { target: 'restricted' });
      live.session.client.close();
      expect(res.note).toMatch(/^verification skipped: you may not patch namespaces/);
    } finally {
      await rbac.deleteClusterRoleBinding({ name: `${role}-ns` });
      await rbac.deleteClusterRole({ name: `${role}-ns` });
      await rbac.deleteClusterRole({ name: role });
    }
  });
});
