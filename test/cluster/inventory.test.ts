// The live reader against a scripted fake API: cluster-wide lists, per-namespace fallback when a
// cluster-wide list is forbidden, unreadable namespaces, owner linking, and no Secret/ConfigMap reads.
import { afterEach, describe, expect, it } from 'vitest';
import { readLive } from '../../src/cluster/inventory.js';
import type { CommandContext } from '../../src/cli/context.js';
import { workloadKey } from '../../src/inventory/types.js';
import { list, startFakeApi, status, type FakeApi, type FakeRequest } from './fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const ctx = (): CommandContext =>
  ({
    env: {},
    signal: new AbortController().signal,
    now: () => new Date(0),
  }) as unknown as CommandContext;

const pspec = (extra: Record<string, unknown> = {}) => ({ containers: [{ name: 'app', image: 'nginx' }], ...extra });
const meta = (ns: string, name: string, uid: string, owner?: [string, string]) => ({
  name,
  namespace: ns,
  uid,
  ...(owner
    ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: owner[0], name: 'o', uid: owner[1], controller: true }] }
    : {}),
});

const objects: Record<string, unknown[]> = {
  '/api/v1/namespaces': [
    {
      metadata: {
        name: 'shop',
        labels: {
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/enforce-version': 'v1.30',
        },
      },
    },
    { metadata: { name: 'secret-team', labels: {} } },
    { metadata: { name: 'kube-system', labels: { 'pod-security.kubernetes.io/warn': 'bogus' } } },
  ],
  deployments: [
    { metadata: meta('shop', 'vote', 'd1'), spec: { replicas: 2, template: { metadata: {}, spec: pspec() } } },
  ],
  replicasets: [
    {
      metadata: meta('shop', 'vote-5f', 'r1', ['Deployment', 'd1']),
      spec: { replicas: 2, template: { spec: pspec() } },
    },
  ],
  pods: [
    { metadata: meta('shop', 'vote-5f-a', 'p1', ['ReplicaSet', 'r1']), spec: pspec() },
    {
      metadata: meta('shop', 'vote-5f-b', 'p2', ['ReplicaSet', 'r1']),
      spec: {
        containers: [
          { name: 'app', image: 'nginx' },
          { name: 'sidecar', image: 'envoy' },
        ],
      },
    },
    { metadata: meta('shop', 'debug', 'p3'), spec: pspec({ hostNetwork: true }) },
    { metadata: meta('kube-system', 'etcd-n1', 'p4', ['Node', 'n1']), spec: pspec({ hostNetwork: true }) },
  ],
  cronjobs: [
    { metadata: meta('shop', 'nightly', 'c1'), spec: { jobTemplate: { spec: { template: { spec: pspec() } } } } },
  ],
};

function handler(
  forbidClusterWide: Set<string>,
  forbidNs: string,
): (r: FakeRequest) => ReturnType<Parameters<typeof startFakeApi>[0]> {
  return (r) => {
    if (r.path === '/version') return { body: { gitVersion: 'v1.36.1' } };
    if (r.path === '/api/v1/namespaces') return { body: list(objects['/api/v1/namespaces'] ?? []) };
    const m = /^\/apis?\/(?:[^/]+\/)?v1(?:\/namespaces\/([^/]+))?\/([a-z]+)$/.exec(r.path);
    if (!m) return undefined;
    const [, ns, plural = ''] = m;
    if (!ns && forbidClusterWide.has(plural))
      return { status: 403, body: status(403, 'Forbidden', `${plural} is forbidden at the cluster scope`) };
    if (ns === forbidNs) return { status: 403, body: status(403, 'Forbidden', `${plural} is forbidden in ${ns}`) };
    const items = (objects[plural] ?? []).filter(
      (o) => !ns || (o as { metadata: { namespace: string } }).metadata.namespace === ns,
    );
    return { body: list(items) };
  };
}

describe('readLive', () => {
  it('reads every kind cluster-wide once, links pods to owners and never asks for secrets or configmaps', async () => {
    api = await startFakeApi(handler(new Set(), ''));
    const progress: string[] = [];
    const live = await readLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: [], allNamespaces: true, progress: (l) => progress.push(l) },
      ctx(),
    );
    live.session.client.close();
    const inv = live.inventory;
    expect(inv.origin).toBe('cluster');
    expect(inv.serverVersion).toBe('v1.36.1');
    expect(live.session.policyMinor).toBe(35);
    expect(inv.namespaces.map((n) => [n.name, n.system])).toEqual([
      ['kube-system', true],
      ['secret-team', false],
      ['shop', false],
    ]);
    expect(inv.namespaces.find((n) => n.name === 'shop')?.psa.enforce).toEqual({ level: 'baseline', version: 'v1.30' });
    expect(inv.namespaces.find((n) => n.name === 'kube-system')?.psa.invalid).toHaveLength(1);
    expect(inv.workloads.map(workloadKey)).toEqual([
      'kube-system/Pod/etcd-n1',
      'shop/Deployment/vote',
      'shop/CronJob/nightly',
      'shop/Pod/debug',
    ]);
    const vote = inv.workloads.find((w) => w.name === 'vote');
    expect(vote?.source).toEqual({ context: 'fake' });
    expect(vote?.replicas).toBe(2);
    expect(vote?.live).toMatchObject({ pods: 2, injectedContainers: ['sidecar'], driftedPods: [] });
    expect(live.pods.get('shop')?.map((p) => [p.name, p.workload])).toEqual([
      ['vote-5f-a', 'shop/Deployment/vote'],
      ['vote-5f-b', 'shop/Deployment/vote'],
      ['debug', 'shop/Pod/debug'],
    ]);
    const paths = api.requests.map((r) => r.path);
    expect(paths.filter((p) => /secrets|configmaps/.test(p))).toEqual([]);
    // one request per kind plus /version and namespaces: cluster-wide lists, not per namespace
    expect(paths.filter((p) => p.includes('/namespaces/'))).toEqual([]);
    expect(paths).toHaveLength(1 + 1 + 8);
    expect(api.requests.filter((r) => r.path !== '/version').every((r) => r.query.get('limit') === '500')).toBe(true);
    expect(progress.at(-1)).toMatch(/^read 4 workloads and 4 pods in 3 namespaces/);
  });

  it('falls back to per-namespace lists when a cluster-wide list is forbidden and records unreadable namespaces', async () => {
    api = await startFakeApi(handler(new Set(['deployments', 'pods', 'replicasets']), 'secret-team'));
    const live = await readLive({ kubeconfig: api.kubeconfig, file: [], namespace: [], allNamespaces: true }, ctx());
    live.session.client.close();
    const inv = live.inventory;
    const secret = inv.namespaces.find((n) => n.name === 'secret-team');
    expect(secret?.unreadable?.map((u) => u.permission).sort()).toEqual([
      'list deployments.apps in namespace "secret-team"',
      'list pods in namespace "secret-team"',
      'list replicasets.apps in namespace "secret-team"',
    ]);
    expect(inv.namespaces.find((n) => n.name === 'shop')?.unreadable).toBeUndefined();
    expect(inv.workloads.map(workloadKey)).toContain('shop/Deployment/vote');
    expect(inv.workloads.find((w) => w.name === 'vote')?.live?.pods).toBe(2);
    expect(api.requests.some((r) => r.path === '/apis/apps/v1/namespaces/shop/deployments')).toBe(true);
  });

  it('reads only the -n namespaces, with per-namespace lists, and reports a missing one', async () => {
    api = await startFakeApi((r) => {
      if (r.path === '/api/v1/namespaces/shop') return { body: (objects['/api/v1/namespaces'] ?? [])[0] };
      if (r.path === '/api/v1/namespaces/ghost')
        return { status: 404, body: status(404, 'NotFound', 'namespaces "ghost" not found') };
      return handler(new Set(), '')(r);
    });
    const live = await readLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: ['shop', 'ghost'], allNamespaces: false },
      ctx(),
    );
    live.session.client.close();
    expect(live.inventory.namespaces.map((n) => n.name)).toEqual(['shop']);
    expect(live.inventory.errors).toEqual([{ namespace: 'ghost', message: 'namespace "ghost" not found' }]);
    expect(api.requests.some((r) => r.path === '/api/v1/pods')).toBe(false);
    expect(api.requests.some((r) => r.path === '/api/v1/namespaces/shop/pods')).toBe(true);
  });

  it('fails with one line when namespaces cannot be listed and no -n was given', async () => {
    api = await startFakeApi((r) =>
      r.path === '/version'
        ? { body: { gitVersion: 'v1.36.1' } }
        : { status: 403, body: status(403, 'Forbidden', 'no') },
    );
    const err = await readLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: [], allNamespaces: true },
      ctx(),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('not allowed to list namespaces (403 Forbidden)');
  });
});
