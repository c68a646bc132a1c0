/**
 * Helpers for integration tests that run against the control plane started by
 * test/setup/global-cluster.ts (vitest globalSetup).
 *
 *   const kc = kubeConfigFor('admin');              // client-node KubeConfig
 *   const ns = await createTestNamespace(kc, { prefix: 'psa', labels: {...} });
 *   const warnings = await pollDryRunRelabel(kc, ns, {...}, (w) => w.length > 0);
 */
import { inject } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import type { User } from './control-plane.js';
import { loadKubeConfig } from './kube-helpers.js';
import { peerHttpGet } from './node.js';

export * from './kube-helpers.js';

export type { User } from './control-plane.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin kubeconfig path. */
    kubeconfig: string;
    /** Kubeconfig path per user (admin, reader, applier, limited). */
    kubeconfigs: Record<User, string>;
    /** Bearer token per user. */
    tokens: Record<User, string>;
    /** https://127.0.0.1:<port> */
    kubeServer: string;
    /** CA file for kubeServer. */
    kubeCaFile: string;
    /** The apiserver's gitVersion, e.g. "v1.37.2". */
    kubeVersion: string;
    /** Dir of the kube binaries (kubectl is there too). */
    kubeBinDir: string;
    /** POST {url}/node-cluster starts (once) the shared control plane with a real node; see sharedNodeCluster(). */
    nodeClusterControl: string;
  }
}

/** What the globalSetup tells a test file about the shared cluster with a real node. */
export interface NodeClusterInfo {
  kubeconfig: string;
  kubeconfigs: Record<User, string>;
  tokens: Record<User, string>;
  server: string;
  caFile: string;
  binDir: string;
  /** Holder of the node's network + mount namespaces. */
  nsPid: number;
  /** Holder of the peer network namespace (routes to the pod network). */
  peerPid: number;
  cgroup: string;
}

export interface SharedNodeCluster extends NodeClusterInfo {
  /** Admin client. */
  kc: KubeConfig;
  /** HTTP GET from inside the peer namespace, e.g. to a pod IP. */
  httpGet(url: string, timeoutMs?: number): Promise<{ status: number; body: string }>;
}

/** PODSEC_SKIP_NODE=1: no real node on this machine (no root or containerd); node tests skip. */
export const nodeSkipped = process.env['PODSEC_SKIP_NODE'] === '1';

/**
 * The control plane with a real node (kube-scheduler, containerd, kubelet; test/harness/node.ts)
 * shared by the integration files that need real pods: started by the globalSetup when the
 * first file asks (about 30 s), reused by the next ones, stopped at the end of the run. Files
 * isolate themselves with their own namespaces, as on the plain control plane.
 */
export async function sharedNodeCluster(): Promise<SharedNodeCluster> {
  const r = await fetch(`${inject('nodeClusterControl')}/node-cluster`, { method: 'POST' });
  if (r.status !== 200) throw new Error(`starting the shared node cluster failed: ${await r.text()}`);
  const info = (await r.json()) as NodeClusterInfo;
  return {
    ...info,
    kc: loadKubeConfig(info.kubeconfig),
    httpGet: (url, timeoutMs) => peerHttpGet(info.peerPid, url, timeoutMs),
  };
}

/** Kubeconfig path of a user (default admin). Only inside vitest with global-cluster setup. */
export function kubeconfigPath(user: User = 'admin'): string {
  return user === 'admin' ? inject('kubeconfig') : inject('kubeconfigs')[user];
}

export function kubeTokens(): Record<User, string> {
  return inject('tokens');
}

/** "v1.37.2" */
export function kubeVersion(): string {
  return inject('kubeVersion');
}

/** Minor version of the server, e.g. 37. */
export function kubeMinor(): number {
  const m = /^v1\.(\d+)\./.exec(kubeVersion());
  if (!m) throw new Error(`cannot parse server version ${kubeVersion()}`);
  return Number(m[1]);
}

/** Path of the version-matched kubectl built with the control plane. */
export function kubectlPath(): string {
  return `${inject('kubeBinDir')}/kubectl`;
}

/** A client-node KubeConfig for a user (default admin). */
export function kubeConfigFor(user: User = 'admin'): KubeConfig {
  return loadKubeConfig(kubeconfigPath(user));
}
