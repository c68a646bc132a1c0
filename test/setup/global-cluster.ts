/**
 * vitest globalSetup for the `integration` project: one real control plane (etcd,
 * kube-apiserver, kube-controller-manager; see test/harness/control-plane.ts) for the whole
 * run. Tests read its coordinates with `inject(...)` through test/harness/env.ts and isolate
 * themselves with unique namespaces.
 *
 * A second control plane with the real node (kube-scheduler, containerd, kubelet:
 * `startControlPlane({ node: true })`) is started on demand, once per run, when the first test
 * file asks for it (`sharedNodeCluster()` in test/harness/env.ts POSTs to the loopback endpoint
 * provided as `nodeClusterControl`), and shared by every file that asks; runs without such a
 * file pay nothing for it. It is stopped in teardown.
 *
 * Binaries: $PODSEC_KUBE_BIN, else `bash test/kube/build.sh` (cached; a cold build takes
 * many minutes, see test/kube/BUILD.md).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startControlPlane, USERS, type ControlPlane, type User } from '../harness/control-plane.js';
import type { NodeClusterInfo } from '../harness/env.js';

let cp: ControlPlane | undefined;
let nodeCluster: Promise<ControlPlane> | undefined;
let control: http.Server | undefined;

const kubeconfigsOf = (c: ControlPlane) =>
  Object.fromEntries(USERS.map((u) => [u, c.kubeconfigFor(u)])) as Record<User, string>;

function startNodeCluster(): Promise<ControlPlane> {
  nodeCluster ??= startControlPlane({
    node: true,
    log: (m) => process.stderr.write(`[node-cluster] ${m}\n`),
  });
  return nodeCluster;
}

export async function setup(project: TestProject): Promise<void> {
  cp = await startControlPlane({
    log: (m) => process.stderr.write(`[control-plane] ${m}\n`),
  });
  control = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/node-cluster') return void res.writeHead(404).end('unknown');
    startNodeCluster().then(
      (c) => {
        const info: NodeClusterInfo = {
          kubeconfig: c.kubeconfigPath,
          kubeconfigs: kubeconfigsOf(c),
          tokens: c.tokens,
          server: c.server,
          caFile: c.caFile,
          binDir: c.binDir,
          nsPid: c.node!.nsPid,
          peerPid: c.node!.peerPid,
          cgroup: c.node!.cgroup,
        };
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(info));
      },
      (err: unknown) => {
        // A failed start is not retried: every file that asks gets the same error.
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end(err instanceof Error ? err.message : String(err));
      },
    );
  });
  await new Promise<void>((r) => control!.listen(0, '127.0.0.1', r));
  project.provide('kubeconfig', cp.kubeconfigPath);
  project.provide('kubeconfigs', kubeconfigsOf(cp));
  project.provide('tokens', cp.tokens);
  project.provide('kubeServer', cp.server);
  project.provide('kubeCaFile', cp.caFile);
  project.provide('kubeVersion', cp.version);
  project.provide('kubeBinDir', cp.binDir);
  project.provide('nodeClusterControl', `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
}

export async function teardown(): Promise<void> {
  await new Promise<void>((r) => (control ? control.close(() => r()) : r()));
  control = undefined;
  const node = nodeCluster;
  nodeCluster = undefined;
  await Promise.all([node?.then((c) => c.stop()).catch(() => {}), cp?.stop()]);
  cp = undefined;
}
