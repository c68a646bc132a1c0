// A second, short-lived control plane started with non-default options: cluster-wide
// PodSecurity defaults and a namespace exemption from the generated admission config, the
// apiserver's own self-signed certificate instead of openssl's, and no controller manager.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { ApiException, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { startControlPlane, type ControlPlane } from '../harness/control-plane.js';
import { loadKubeConfig } from '../harness/env.js';

let cp: ControlPlane;
let kc: KubeConfig;

const hostPidPod: V1Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'hostpid' },
  spec: { hostPID: true, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
};

async function createPod(namespace: string): Promise<number> {
  try {
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace, body: hostPidPod });
    return 201;
  } catch (err) {
    if (err instanceof ApiException) return err.code;
    throw err;
  }
}

beforeAll(async () => {
  cp = await startControlPlane({
    controllerManager: false,
    tls: 'self-signed',
    podSecurity: {
      defaults: { enforce: 'baseline', 'enforce-version': 'latest' },
      exemptions: { namespaces: ['exempt'] },
    },
  });
  kc = loadKubeConfig(cp.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of ['plain', 'exempt']) await core.createNamespace({ body: { metadata: { name } } });
});

afterAll(async () => {
  const dir = cp?.dir;
  await cp?.stop();
  if (dir) expect(fs.existsSync(dir)).toBe(false);
});

describe('control plane options', () => {
  it('serves TLS with the apiserver-generated certificate as CA', () => {
    expect(cp.caFile).toMatch(/certs\/apiserver\.crt$/);
    expect(cp.version).toMatch(/^v1\.\d+\.\d+$/);
  });

  it('applies the admission config defaults to unlabelled namespaces', async () => {
    expect(await createPod('plain')).toBe(403);
  });

  it('honours namespace exemptions from the admission config', async () => {
    expect(await createPod('exempt')).toBe(201);
  });

  it('runs without a controller manager (no default ServiceAccount needed)', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    await expect(core.readNamespacedServiceAccount({ name: 'default', namespace: 'exempt' })).rejects.toMatchObject({
      code: 404,
    });
    expect(Object.keys(cp.logs).sort()).toEqual(['etcd', 'kube-apiserver']);
  });
});
