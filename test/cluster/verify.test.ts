// Verification against a scripted API: permission check first, only dry-run patches (merge patch,
// fieldManager podsec), joined Warning headers, incomplete checks, and a skip without permission.
import { afterEach, describe, expect, it } from 'vitest';
import { readLive } from '../../src/cluster/inventory.js';
import { verifyNamespaces } from '../../src/cluster/verify.js';
import type { CommandContext } from '../../src/cli/context.js';
import { list, startFakeApi, status, type FakeApi, type FakeReply, type FakeRequest } from './fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const ctx = { env: {}, signal: new AbortController().signal, now: () => new Date(0) } as unknown as CommandContext;
const rootPod = (name: string) => ({
  metadata: { name, namespace: 'shop', uid: name },
  spec: { containers: [{ name: 'c', image: 'x' }] },
});
const REASONS = 'allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile';

function cluster(mayPatch: boolean, warnings: string[]): (r: FakeRequest) => FakeReply | undefined {
  return (r) => {
    if (r.path === '/version') return { body: { gitVersion: 'v1.36.3' } };
    if (r.path === '/api/v1/namespaces/shop' && r.method === 'GET')
      return { body: { metadata: { name: 'shop', labels: {} } } };
    if (r.path === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')
      return { status: 201, body: { status: { allowed: mayPatch } } };
    if (r.path === '/api/v1/namespaces/shop' && r.method === 'PATCH') {
      // Node joins repeated headers with ", "; texts contain commas.
      return {
        headers: { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) },
        body: { metadata: { name: 'shop' } },
      };
    }
    if (r.path === '/api/v1/namespaces/shop/pods') return { body: list([rootPod('a-1'), rootPod('a-2')]) };
    if (/^\/apis?\/.*\/namespaces\/shop\/[a-z]+$/.test(r.path)) return { body: list([]) };
    return { status: 404, body: status(404, 'NotFound', 'no') };
  };
}

describe('verifyNamespaces (fake API)', () => {
  it('sends only dry-run merge patches of the enforce label and agrees when the server says what the engine predicts', async () => {
    api = await startFakeApi(
      cluster(true, [
        'existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:latest"',
        `a-1 (and 1 other pod): ${REASONS}`,
      ]),
    );
    const live = await readLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: ['shop'], allNamespaces: false },
      ctx,
    );
    const res = await verifyNamespaces(live.session, live.inventory, live.pods, { target: 'restricted' });
    live.session.client.close();
    const patches = api.requests.filter((r) => r.method === 'PATCH');
    // bare root pods pass baseline, so baseline and restricted are both dry-run
    expect(patches).toHaveLength(2);
    for (const p of patches) {
      expect(p.query.get('dryRun')).toBe('All');
      expect(p.query.get('fieldManager')).toBe('podsec');
      expect(p.headers['content-type']).toBe('application/merge-patch+json');
    }
    expect(JSON.parse(patches[1]?.body ?? '{}')).toEqual({
      metadata: {
        labels: {
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    });
    expect(api.requests.filter((r) => r.method !== 'GET' && r.method !== 'PATCH').map((r) => r.path)).toEqual([
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    ]);
    const shop = res.namespaces.get('shop');
    const restricted = shop?.levels.find((l) => l.level === 'restricted');
    expect(restricted?.status).toBe('agrees');
    expect(restricted?.violators).toEqual([
      { pod: 'a-1', others: 1, reasons: REASONS, workloads: ['shop/Pod/a-1', 'shop/Pod/a-2'], cause: 'template' },
    ]);
    // baseline: the fake server sends the same (restricted) warnings for it too -> a disagreement is reported
    expect(shop?.levels.find((l) => l.level === 'baseline')?.status).toBe('disagrees');
    expect(shop?.status).toBe('disagrees');
  });

  it('reports an incomplete check ("only checked the first N of M pods") as incomplete, not clean', async () => {
    api = await startFakeApi(
      cluster(true, ['new PodSecurity enforce level only checked against the first 1 of 2 existing pods']),
    );
    const live = await readLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: ['shop'], allNamespaces: false },
      ctx,
    );
    const res = await verifyNamespaces(live.session, live.inventory, live.pods, { target: 'restricted' });
    live.session.client.close();
    expect(res.namespaces.get('shop')?.levels.map((l) => l.status)).toEqual(['incomplete', 'incomplete']);
  });

  it('asks again once when the server has not seen the pods yet (informer lag)', async () => {
    let patches = 0;
    const full = [
      'existing pods in namespace "shop" violate the new PodSecurity enforce level "restricted:latest"',
      `a-1 (and 1 other pod): ${REASONS}`,
    ];
    const base = cluster(true, []);
    api = await startFakeApi((r) => {
      if (
        r.method === 'PATCH' &&
        JSON.parse(r.body).metadata.labels['pod-security.kubernetes.io/enforce'] === 'restricted'
      ) {
        patches++;
        const warnings = patches === 1 ? [] : full;
        return { headers: { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`) }, body: {} };
      }
      return base(r);
    });
    const live = await readLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: ['shop'], allNamespaces: false },
      ctx,
    );
    const res = await verifyNamespaces(live.session, live.inventory, live.pods, {
      target: 'restricted',
      settleDelayMs: 10,
    });
    live.session.client.close();
    expect(patches).toBe(2);
    expect(res.namespaces.get('shop')?.levels.find((l) => l.level === 'restricted')?.status).toBe('agrees');
  });

  it('skips with a note, and sends no patch, when the user may not patch namespaces', async () => {
    api = await startFakeApi(cluster(false, []));
    const live = await readLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: ['shop'], allNamespaces: false },
      ctx,
    );
    const res = await verifyNamespaces(live.session, live.inventory, live.pods, { target: 'restricted' });
    live.session.client.close();
    expect(res.note).toMatch(/^verification skipped: you may not patch namespaces/);
    expect(api.requests.some((r) => r.method === 'PATCH')).toBe(false);
  });
});
