// Shell: the kinds podsec reads and paginated LIST calls (limit/continue). An expired continue
// token (410 Gone) restarts that list from the beginning. Secrets and ConfigMaps are not in the
// catalogue and are never requested.

import type { KubeClient } from './client.js';
import { ApiResponseError } from './errors.js';
import type { KubeObject } from '../inventory/owners.js';
import { pathSegment } from '../inventory/object-names.js';

export interface ResourceKind {
  kind: string;
  apiVersion: string;
  /** `pods`, `deployments`, ... */
  plural: string;
  /** `deployments.apps` (RBAC wording), `pods` for the core group. */
  resource: string;
}

const core = (kind: string, plural: string): ResourceKind => ({ kind, apiVersion: 'v1', plural, resource: plural });
const group = (kind: string, apiVersion: string, plural: string): ResourceKind => ({
  kind,
  apiVersion,
  plural,
  resource: `${plural}.${apiVersion.split('/')[0] ?? ''}`,
});

/** Every kind that creates pods, plus Pods themselves. Order = listing order. */
export const WORKLOAD_KINDS: readonly ResourceKind[] = [
  core('Pod', 'pods'),
  group('ReplicaSet', 'apps/v1', 'replicasets'),
  group('Deployment', 'apps/v1', 'deployments'),
  group('StatefulSet', 'apps/v1', 'statefulsets'),
  group('DaemonSet', 'apps/v1', 'daemonsets'),
  core('ReplicationController', 'replicationcontrollers'),
  group('Job', 'batch/v1', 'jobs'),
  group('CronJob', 'batch/v1', 'cronjobs'),
];

export const NAMESPACES: ResourceKind = core('Namespace', 'namespaces');

/** The collection path, cluster-wide when `namespace` is undefined. */
export function collectionPath(r: ResourceKind, namespace?: string): string {
  const base = r.apiVersion === 'v1' ? '/api/v1' : `/apis/${r.apiVersion}`;
  return namespace === undefined
    ? `${base}/${r.plural}`
    : `${base}/namespaces/${pathSegment('Namespace', namespace)}/${r.plural}`;
}

export interface ListOptions {
  /** Page size (default 500, as kubectl). */
  limit?: number;
  /** How often an expired continue token may restart the list (default 3). */
  maxRestarts?: number;
  /** Called after each page with the running count. */
  onPage?: (count: number) => void;
}

interface ListBody {
  metadata?: { continue?: string; resourceVersion?: string };
  items?: KubeObject[];
}

/** True for the 410 the API server returns when a continue token has expired. */
export function isExpiredContinue(err: unknown): boolean {
  return err instanceof ApiResponseError && err.status === 410;
}

/**
 * Reads a whole collection page by page. Items get their `kind`/`apiVersion` set (lists omit them).
 * Other errors are thrown unchanged (ApiResponseError for 403 etc.) for the caller to classify.
 */
export async function listAll(
  client: KubeClient,
  r: ResourceKind,
  namespace: string | undefined,
  opts: ListOptions = {},
): Promise<{ items: KubeObject[]; resourceVersion?: string }> {
  const limit = opts.limit ?? 500;
  const path = collectionPath(r, namespace);
  for (let restart = 0; ; restart++) {
    const items: KubeObject[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    try {
      do {
        const res = await client.get<ListBody>(path, { limit, continue: token });
        for (const item of res.body.items ?? []) {
          item.kind = r.kind;
          item.apiVersion = r.apiVersion;
          items.push(item);
        }
        token = res.body.metadata?.continue || undefined;
        resourceVersion = res.body.metadata?.resourceVersion ?? resourceVersion;
        opts.onPage?.(items.length);
      } while (token);
      return resourceVersion === undefined ? { items } : { items, resourceVersion };
    } catch (err) {
      if (!isExpiredContinue(err) || token === undefined || restart >= (opts.maxRestarts ?? 3)) throw err;
    }
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
