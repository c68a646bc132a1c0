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
  }
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
