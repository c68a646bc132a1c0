/**
 * vitest globalSetup for the `integration` project: one real control plane (etcd,
 * kube-apiserver, kube-controller-manager; see test/harness/control-plane.ts) for the whole
 * run. Tests read its coordinates with `inject(...)` through test/harness/env.ts and isolate
 * themselves with unique namespaces.
 *
 * Binaries: $PODSEC_KUBE_BIN, else `bash test/kube/build.sh` (cached; a cold build takes
 * many minutes, see test/kube/BUILD.md).
 */
import type { TestProject } from 'vitest/node';
import { startControlPlane, USERS, type ControlPlane, type User } from '../harness/control-plane.js';
import type {} from '../harness/env.js'; // ProvidedContext typing

let cp: ControlPlane | undefined;

export async function setup(project: TestProject): Promise<void> {
  cp = await startControlPlane({
    log: (m) => process.stderr.write(`[control-plane] ${m}\n`),
  });
  const kubeconfigs = Object.fromEntries(USERS.map((u) => [u, cp!.kubeconfigFor(u)])) as Record<User, string>;
  project.provide('kubeconfig', cp.kubeconfigPath);
  project.provide('kubeconfigs', kubeconfigs);
  project.provide('tokens', cp.tokens);
  project.provide('kubeServer', cp.server);
  project.provide('kubeCaFile', cp.caFile);
  project.provide('kubeVersion', cp.version);
  project.provide('kubeBinDir', cp.binDir);
}

export async function teardown(): Promise<void> {
  await cp?.stop();
  cp = undefined;
}
