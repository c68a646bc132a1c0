// A namespace exempt in the API server's admission configuration: exemptions cannot be read through
// the API; a dry-run either says so (newer servers) or returns no warnings, and podsec must report
// it as exempt, never as clean. Uses its own short-lived control plane (no KCM).
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLive } from '../../src/cluster/inventory.js';
import { verifyNamespaces } from '../../src/cluster/verify.js';
import type { CommandContext } from '../../src/cli/context.js';
import { startControlPlane, type ControlPlane } from '../harness/control-plane.js';
import { loadKubeConfig, pollUntil } from '../harness/env.js';

let cp: ControlPlane;
let kc: KubeConfig;
const ctx = { env: {}, signal: new AbortController().signal, now: () => new Date() } as unknown as CommandContext;

beforeAll(async () => {
  cp = await startControlPlane({ controllerManager: false, podSecurity: { exemptions: { namespaces: ['exempt'] } } });
  kc = loadKubeConfig(cp.kubeconfigPath);
  const core = kc.makeApiClient(CoreV1Api);
  for (const name of ['plain', 'exempt']) {
    await core.createNamespace({ body: { metadata: { name } } });
    await core.createNamespacedPod({
      namespace: name,
      body: {
        metadata: { name: 'priv' },
        spec: { containers: [{ name: 'c', image: 'x', securityContext: { privileged: true } }] },
      },
    });
  }
});

afterAll(async () => {
  await cp?.stop();
});

describe('verification and exemptions', () => {
  it('reports an exempt namespace as exemptOrUnseen and a plain one as agreeing', async () => {
    const res = await pollUntil('the plain namespace to be verified (informer cache)', async () => {
      const live = await readLive(
        { kubeconfig: cp.kubeconfigPath, file: [], namespace: ['plain', 'exempt'], allNamespaces: false },
        ctx,
      );
      const r = await verifyNamespaces(live.session, live.inventory, live.pods, { target: 'baseline' });
      live.session.client.close();
      return r.namespaces.get('plain')?.status === 'agrees' ? r : undefined;
    });
    const plain = res.namespaces.get('plain')?.levels[0];
    expect(plain?.warnings).toEqual([
      'existing pods in namespace "plain" violate the new PodSecurity enforce level "baseline:latest"',
      'priv: privileged',
    ]);
    // Kubernetes 1.37 says so explicitly; older servers send no warning at all (exemptOrUnseen,
    // covered in test/inventory/verification.test.ts).
    const exempt = res.namespaces.get('exempt');
    expect(exempt?.levels[0]?.warnings).toEqual([
      'namespace "exempt" is exempt from Pod Security, and the policy (enforce=baseline:latest) will be ignored',
    ]);
    expect(exempt?.status).toBe('exempt');
    expect(exempt?.levels[0]?.violators).toEqual([]);
  });
});
