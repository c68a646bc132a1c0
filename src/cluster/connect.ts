// Shell: connects to the selected kubeconfig context and reads the server version, turning every
// connection problem (unreachable, TLS, 401, 403, timeout) into one ClusterError line.

import type { KubeConfig } from '@kubernetes/client-node';
import type { CommandContext } from '../cli/context.js';
import { releaseMinor, serverPolicyMinor } from '../inventory/server-policy.js';
import { KubeClient, type KubeClientOptions } from './client.js';
import { UserError } from '../errors.js';
import { toClusterError } from './errors.js';
import { loadKubeconfig } from './kubeconfig.js';

export interface ClusterSession {
  kc: KubeConfig;
  client: KubeClient;
  context: string;
  server: string;
  /** `/version` gitVersion, e.g. v1.36.2. */
  serverVersion: string;
  /** The policy minor the server applies to `latest` (CHECKS.md §9), e.g. 35 on 1.36. */
  policyMinor: number;
}

/**
 * Loads the kubeconfig, builds the client and checks the connection with GET /version.
 * `newestPolicyMinor` is the engine's NEWEST_MINOR (passed in to keep this module engine-free).
 */
export async function connect(
  opts: {
    kubeconfig?: string | undefined;
    context?: string | undefined;
    client?: KubeClientOptions | undefined;
    newestPolicyMinor: number;
  },
  ctx: Pick<CommandContext, 'env' | 'signal'>,
): Promise<ClusterSession> {
  const loaded = loadKubeconfig({ kubeconfig: opts.kubeconfig, context: opts.context, env: ctx.env });
  let client: KubeClient;
  try {
    client = await KubeClient.create(loaded.kc, { signal: ctx.signal, ...opts.client });
  } catch (err) {
    // Loading CA/cert files or running an exec credential plugin (a cloud CLI) failed.
    const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
    throw new UserError(
      `could not load the credentials of context "${loaded.context}": ${first}`,
      'check the files the kubeconfig names, or log in again with the credential plugin (e.g. your cloud CLI)',
    );
  }
  let gitVersion: string;
  try {
    const res = await client.get<{ gitVersion?: string }>('/version');
    gitVersion = res.body.gitVersion ?? '';
  } catch (err) {
    client.close();
    throw toClusterError(err, loaded.server, 'read the server version');
  }
  const minor = releaseMinor(gitVersion);
  const newest = opts.newestPolicyMinor;
  const policyMinor = minor === null ? newest : serverPolicyMinor(minor, newest);
  return {
    kc: loaded.kc,
    client,
    context: loaded.context,
    server: loaded.server,
    serverVersion: gitVersion,
    policyMinor,
  };
}
