import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient, type KubeClientOptions } from '../../src/cluster/client.js';
import { toClusterError } from '../../src/cluster/errors.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import { listAll, WORKLOAD_KINDS } from '../../src/cluster/list.js';
import { list, startFakeApi, status, type FakeApi, type Handler } from './fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function clientFor(handler: Handler, opts: KubeClientOptions = {}) {
  api = await startFakeApi(handler);
  const { kc } = loadKubeconfig({ kubeconfig: api.kubeconfig, env: {} });
  return KubeClient.create(kc, { baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 300, ...opts });
}

const deployments = WORKLOAD_KINDS.find((k) => k.kind === 'Deployment')!;

describe('KubeClient', () => {
  it('sends the bearer token and parses JSON', async () => {
    const c = await clientFor((r) => (r.path === '/version' ? { body: { gitVersion: 'v1.36.2' } } : undefined));
    const res = await c.get<{ gitVersion: string }>('/version');
    expect(res.body.gitVersion).toBe('v1.36.2');
    expect(api!.requests[0]?.headers.authorization).toBe('Bearer test-token');
    c.close();
  });

  it('retries 429 honouring Retry-After, and 5xx, then succeeds', async () => {
    let n = 0;
    const c = await clientFor(() => {
      n++;
      if (n === 1)
        return { status: 429, headers: { 'Retry-After': '0' }, body: status(429, 'TooManyRequests', 'slow down') };
      if (n === 2) return { status: 503, body: status(503, 'ServiceUnavailable', 'etcd leader changed') };
      return { body: { ok: true } };
    });
    await expect(c.get('/x')).resolves.toMatchObject({ body: { ok: true } });
    expect(n).toBe(3);
    c.close();
  });

  it('gives up after the retry budget with a one-line throttling error', async () => {
    const c = await clientFor(
      () => ({ status: 429, headers: { 'Retry-After': '0' }, body: status(429, 'TooManyRequests', 'slow down') }),
      { retries: 2 },
    );
    const err = await c.get('/apis/apps/v1/deployments').catch((e: unknown) => e);
    expect(api!.requests).toHaveLength(3);
    const ce = toClusterError(err, api!.url, 'list deployments.apps in all namespaces');
    expect(ce.kind).toBe('tooManyRequests');
    expect(ce.message).not.toMatch(/\n/);
    c.close();
  });

  it('times out a request that never answers and retries it', async () => {
    let n = 0;
    const c = await clientFor(() => (++n < 2 ? { hang: true } : { body: { ok: 1 } }), { timeoutMs: 100 });
    await expect(c.get('/slow')).resolves.toMatchObject({ body: { ok: 1 } });
    expect(n).toBe(2);
    c.close();
  });

  it('reports a timeout as a ClusterError when every attempt hangs', async () => {
    const c = await clientFor(() => ({ hang: true }), { timeoutMs: 50, retries: 1 });
    const err = await c.get('/slow').catch((e: unknown) => e);
    expect(toClusterError(err, 'https://k', 'read the server version').kind).toBe('timeout');
    c.close();
  });

  it('does not retry a 403 and maps it to forbidden with the permission', async () => {
    const c = await clientFor(() => ({
      status: 403,
      body: status(403, 'Forbidden', 'deployments.apps is forbidden: User "bob" cannot list ...'),
    }));
    const err = await c.get('/apis/apps/v1/deployments').catch((e: unknown) => e);
    expect(api!.requests).toHaveLength(1);
    const ce = toClusterError(err, api!.url, 'list deployments.apps in all namespaces');
    expect(ce.kind).toBe('forbidden');
    expect(ce.message).toBe('not allowed to list deployments.apps in all namespaces (403 Forbidden)');
    c.close();
  });
});

describe('listAll', () => {
  it('follows continue tokens with limit', async () => {
    const c = await clientFor((r) => {
      const token = r.query.get('continue');
      const item = (n: string) => ({ metadata: { name: n, namespace: 'a' } });
      return { body: token ? list([item('d3')]) : list([item('d1'), item('d2')], 'tok1') };
    });
    const { items } = await listAll(c, deployments, undefined, { limit: 2 });
    expect(items.map((i) => i.metadata?.name)).toEqual(['d1', 'd2', 'd3']);
    expect(items[0]?.kind).toBe('Deployment');
    expect(api!.requests.map((r) => r.url)).toEqual([
      '/apis/apps/v1/deployments?limit=2',
      '/apis/apps/v1/deployments?limit=2&continue=tok1',
    ]);
    c.close();
  });

  it('restarts the list from the beginning when the continue token expired (410)', async () => {
    let expired = false;
    const c = await clientFor((r) => {
      const token = r.query.get('continue');
      const item = (n: string) => ({ metadata: { name: n, namespace: 'a' } });
      if (token === 'old' && !expired) {
        expired = true;
        return { status: 410, body: status(410, 'Expired', 'The provided continue parameter is too old') };
      }
      if (token) return { body: list([item('d3')]) };
      return { body: list([item('d1'), item('d2')], expired ? 'new' : 'old') };
    });
    const { items } = await listAll(c, deployments, 'a', { limit: 2 });
    expect(items.map((i) => i.metadata?.name)).toEqual(['d1', 'd2', 'd3']);
    expect(api!.requests.map((r) => r.query.get('continue'))).toEqual([null, 'old', null, 'new']);
    c.close();
  });
});
