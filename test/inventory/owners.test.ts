import { describe, expect, it } from 'vitest';
import { fieldManagers, indexOwners, liveStateFor, type KubeObject } from '../../src/inventory/owners.js';

const obj = (
  kind: string,
  name: string,
  uid: string,
  owner?: { kind: string; uid: string },
  spec?: unknown,
): KubeObject => ({
  kind,
  apiVersion: kind === 'Pod' ? 'v1' : 'apps/v1',
  metadata: {
    name,
    namespace: 'shop',
    uid,
    ...(owner ? { ownerReferences: [{ kind: owner.kind, name: 'x', uid: owner.uid, controller: true }] } : {}),
  },
  spec,
});

describe('indexOwners', () => {
  it('links pods through ReplicaSets to Deployments and Jobs to CronJobs', () => {
    const deploy = obj('Deployment', 'vote', 'd1');
    const rs = obj('ReplicaSet', 'vote-5f', 'r1', { kind: 'Deployment', uid: 'd1' });
    const pod = obj('Pod', 'vote-5f-abc', 'p1', { kind: 'ReplicaSet', uid: 'r1' });
    const cron = obj('CronJob', 'nightly', 'c1');
    const job = obj('Job', 'nightly-1', 'j1', { kind: 'CronJob', uid: 'c1' });
    const jobPod = obj('Pod', 'nightly-1-xyz', 'p2', { kind: 'Job', uid: 'j1' });
    const bare = obj('Pod', 'debug', 'p3');
    const idx = indexOwners([pod, rs, deploy, jobPod, job, cron, bare]);
    expect(idx.topLevel.map((o) => o.metadata?.name).sort()).toEqual(['debug', 'nightly', 'vote']);
    expect(idx.podsOf.get('d1')?.map((p) => p.metadata?.name)).toEqual(['vote-5f-abc']);
    expect(idx.podsOf.get('c1')?.map((p) => p.metadata?.name)).toEqual(['nightly-1-xyz']);
    expect(idx.topOfPod.get('shop/vote-5f-abc')).toBe(deploy);
    expect(idx.topOfPod.get('shop/debug')).toBe(bare);
  });

  it('treats objects whose controller was not read (mirror pods, custom controllers, deleted owners) as top-level', () => {
    const mirror = obj('Pod', 'etcd-node1', 'p1', { kind: 'Node', uid: 'n1' });
    const orphanRs = obj('ReplicaSet', 'rollout-abc', 'r1', { kind: 'Rollout', uid: 'ro1' });
    const pod = obj('Pod', 'rollout-abc-1', 'p2', { kind: 'ReplicaSet', uid: 'r1' });
    const idx = indexOwners([mirror, orphanRs, pod]);
    expect(idx.topLevel.map((o) => o.metadata?.name).sort()).toEqual(['etcd-node1', 'rollout-abc']);
    expect(idx.podsOf.get('r1')).toEqual([pod]);
  });

  it('ignores non-controller owner references', () => {
    const rs = obj('ReplicaSet', 'a', 'r1');
    const pod: KubeObject = {
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'shop',
        uid: 'p1',
        ownerReferences: [{ kind: 'ReplicaSet', uid: 'r1', controller: false }],
      },
    };
    expect(indexOwners([rs, pod]).topLevel).toHaveLength(2);
  });
});

describe('liveStateFor', () => {
  const template = {
    spec: {
      containers: [
        { name: 'app', image: 'a', securityContext: { runAsNonRoot: true }, ports: [{ containerPort: 8080 }] },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    },
  };
  const pod = (name: string, spec: Record<string, unknown>, status?: unknown): KubeObject => ({
    kind: 'Pod',
    metadata: { name },
    spec,
    status,
  });

  it('reports containers added by webhooks and pods whose security fields differ', () => {
    const same = pod('app-1', {
      containers: [
        {
          name: 'app',
          image: 'a',
          securityContext: { runAsNonRoot: true },
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
        },
      ],
      volumes: [
        { name: 'tmp', emptyDir: {} },
        { name: 'kube-api-access-x1', projected: {} },
      ],
      nodeName: 'n1',
    });
    const injected = pod('app-2', {
      initContainers: [{ name: 'istio-init', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
      containers: [
        { name: 'app', securityContext: { runAsNonRoot: true }, ports: [{ containerPort: 8080 }] },
        { name: 'istio-proxy' },
      ],
      volumes: [{ name: 'tmp', emptyDir: {} }],
    });
    const old = pod(
      'app-0',
      { containers: [{ name: 'app', ports: [{ containerPort: 8080 }] }], volumes: [{ name: 'tmp', emptyDir: {} }] },
      {
        phase: 'Running',
        containerStatuses: [{ restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }],
      },
    );
    const live = liveStateFor(template, [same, injected, old]);
    expect(live.pods).toBe(3);
    expect(live.injectedContainers).toEqual(['istio-init', 'istio-proxy']);
    expect(live.driftedPods).toEqual(['app-0']);
    expect(live.podStatuses?.[0]).toEqual({ name: 'app-0', phase: 'Running', reason: 'CrashLoopBackOff', restarts: 7 });
  });

  it('does not count the hostNetwork hostPort defaulting of pods as drift', () => {
    const t = { spec: { hostNetwork: true, containers: [{ name: 'c', ports: [{ containerPort: 53 }] }] } };
    const p = pod('dns-1', {
      hostNetwork: true,
      containers: [{ name: 'c', ports: [{ containerPort: 53, hostPort: 53, protocol: 'TCP' }] }],
    });
    expect(liveStateFor(t, [p]).driftedPods).toEqual([]);
  });
});

describe('fieldManagers', () => {
  it('lists managers that wrote the spec, not controllers or status writers', () => {
    const o: KubeObject = {
      metadata: {
        managedFields: [
          { manager: 'helm', operation: 'Update', fieldsV1: { 'f:metadata': {}, 'f:spec': {} } },
          { manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:spec': {} } },
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            subresource: 'status',
            fieldsV1: { 'f:status': {} },
          },
          { manager: 'kubectl-label', operation: 'Update', fieldsV1: { 'f:metadata': {} } },
          { manager: 'argocd-controller', operation: 'Apply', fieldsV1: { 'f:spec': {} } },
        ],
      },
    };
    expect(fieldManagers(o)).toEqual([
      { tool: 'fieldManager', name: 'helm', detail: 'Update' },
      { tool: 'fieldManager', name: 'argocd-controller', detail: 'Apply' },
    ]);
  });
});

describe('detectManagers', () => {
  it('recognises Helm, Argo CD and Flux conventions', async () => {
    const { detectManagers } = await import('../../src/inventory/managers.js');
    expect(
      detectManagers({
        metadata: {
          annotations: {
            'meta.helm.sh/release-name': 'shop',
            'meta.helm.sh/release-namespace': 'apps',
            'argocd.argoproj.io/tracking-id': 'shop-app:apps/Deployment:shop/vote',
          },
          labels: {
            'kustomize.toolkit.fluxcd.io/name': 'infra',
            'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
          },
        },
      }),
    ).toEqual([
      { tool: 'helm', name: 'shop', detail: 'release namespace apps' },
      { tool: 'argocd', name: 'shop-app', detail: 'tracking-id shop-app:apps/Deployment:shop/vote' },
      { tool: 'flux', name: 'infra', detail: 'Kustomization flux-system/infra' },
    ]);
    expect(
      detectManagers({
        metadata: { labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/instance': 'redis' } },
      }),
    ).toEqual([{ tool: 'helm', name: 'redis', detail: 'app.kubernetes.io/managed-by=Helm' }]);
    expect(detectManagers({ metadata: {} })).toEqual([]);
  });
});
