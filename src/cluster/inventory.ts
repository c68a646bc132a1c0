// Shell: reads a live cluster into an Inventory. One paginated LIST per kind across namespaces
// (-A), falling back to per-namespace lists when that is forbidden; a namespace or kind that cannot
// be read is recorded as unreadable and the scan goes on. Secrets and ConfigMaps are never read.

import type { CommandContext, SourceFlags } from '../cli/context.js';
import { ClusterError } from '../errors.js';
import { namespaceNameProblem, objectNameProblem, pathSegment, quoteName } from '../inventory/object-names.js';
import { NEWEST_MINOR } from '../policy/index.js';
import type { Inventory, NamespaceInfo } from '../inventory/types.js';
import { indexOwners, type KubeObject } from '../inventory/owners.js';
import { connect, type ClusterSession } from './connect.js';
import { ApiResponseError, toClusterError } from './errors.js';
import { listAll, mapLimit, NAMESPACES, WORKLOAD_KINDS, collectionPath, type ResourceKind } from './list.js';
import { buildWorkloads, namespaceInfo, slimPod, type LivePod } from './workloads.js';
import type { KubeClientOptions } from './client.js';

/** Structured progress of a live read (the wizard's scan screen; no parsing of the log lines). */
export type ReadProgress =
  | { type: 'namespaces'; names: string[] }
  | { type: 'listing'; kind: string }
  | { type: 'read'; kind: string; count: number };

export interface ClusterReadOptions extends SourceFlags {
  /** Report progress lines (stderr) while listing. */
  progress?: (line: string) => void;
  /** The same progress as data. */
  onRead?: (p: ReadProgress) => void;
  /** Client tuning (tests use short timeouts and record requests). */
  client?: KubeClientOptions;
  /** Lists in flight at once (default 6). */
  concurrency?: number;
  /** Page size (default 500). */
  pageSize?: number;
}

/** What a live read produces beyond the Inventory: the session and pods for verification. */
export interface LiveRead {
  inventory: Inventory;
  session: ClusterSession;
  /** Live pods per namespace, slimmed to what PSA reads, each with its top-level workload key. */
  pods: Map<string, LivePod[]>;
}

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Lists namespaces and workloads of the selected context into an Inventory. */
export async function readClusterInventory(opts: ClusterReadOptions, ctx: CommandContext): Promise<Inventory> {
  const live = await readLive(opts, ctx);
  live.session.client.close();
  return live.inventory;
}

/** Connects and reads everything; the caller closes `session.client`. */
export async function readLive(opts: ClusterReadOptions, ctx: CommandContext): Promise<LiveRead> {
  const started = ctx.now().getTime();
  const progress = opts.progress ?? (() => {});
  const session = await connect({ ...opts, newestPolicyMinor: NEWEST_MINOR }, ctx);
  try {
    return await readWith(session, opts, ctx, started, progress);
  } catch (err) {
    session.client.close();
    throw err;
  }
}

async function readWith(
  session: ClusterSession,
  opts: ClusterReadOptions,
  ctx: CommandContext,
  started: number,
  progress: (line: string) => void,
): Promise<LiveRead> {
  const { client } = session;
  const errors: Inventory['errors'] = [];
  const namespaces = await readNamespaces(session, opts, errors);
  opts.onRead?.({ type: 'namespaces', names: namespaces.map((n) => n.name) });
  const selected = new Set(namespaces.map((n) => n.name));
  const byName = new Map(namespaces.map((n) => [n.name, n]));
  const clusterWide = opts.namespace.length === 0;
  const concurrency = opts.concurrency ?? 6;
  const listOpts = { limit: opts.pageSize ?? 500 };
  const elapsed = () => `${((ctx.now().getTime() - started) / 1000).toFixed(1)}s`;
  const unreadable = (ns: string, r: ResourceKind, err: ApiResponseError) => {
    const info = byName.get(ns);
    if (!info) return;
    (info.unreadable ??= []).push({
      kinds: [r.kind],
      permission: `list ${r.resource} in namespace "${ns}"`,
      message: err.apiMessage.split('\n')[0] ?? '',
    });
  };

  const perNamespace = async (r: ResourceKind): Promise<KubeObject[]> => {
    const lists = await mapLimit([...selected], concurrency, async (ns) => {
      try {
        return (await listAll(client, r, ns, listOpts)).items;
      } catch (err) {
        if (err instanceof ApiResponseError && err.status === 403) {
          unreadable(ns, r, err);
          return [];
        }
        throw toClusterError(err, session.server, `list ${r.resource} in namespace "${ns}"`);
      }
    });
    return lists.flat();
  };

  const readKind = async (r: ResourceKind): Promise<KubeObject[]> => {
    if (selected.size === 0) return [];
    opts.onRead?.({ type: 'listing', kind: r.kind });
    progress(
      `listing ${r.resource}${clusterWide ? ' in all namespaces' : ` in ${selected.size} namespace(s)`} (${elapsed()})`,
    );
    let items: KubeObject[];
    if (clusterWide) {
      try {
        items = (await listAll(client, r, undefined, listOpts)).items;
      } catch (err) {
        if (err instanceof ApiResponseError && err.status === 404) {
          errors.push({ message: `${r.resource} is not served by this cluster (${collectionPath(r)}); skipped` });
          return [];
        }
        if (!(err instanceof ApiResponseError && err.status === 403)) {
          throw toClusterError(err, session.server, `list ${r.resource} in all namespaces`);
        }
        progress(`listing ${r.resource} in all namespaces is forbidden; listing per namespace`);
        items = await perNamespace(r);
      }
    } else {
      items = await perNamespace(r);
    }
    const kept = items.filter((o) => selected.has(o.metadata?.namespace ?? '') && validLiveName(o, r.kind, errors));
    progress(`read ${kept.length} ${r.plural} (${elapsed()})`);
    opts.onRead?.({ type: 'read', kind: r.kind, count: kept.length });
    return kept;
  };

  const lists = await mapLimit(WORKLOAD_KINDS, Math.min(concurrency, WORKLOAD_KINDS.length), readKind);
  const objects = lists.flat();
  const index = indexOwners(objects);
  const workloads = buildWorkloads(index, session.context);
  const pods = new Map<string, LivePod[]>();
  for (const o of objects) {
    if (o.kind !== 'Pod') continue;
    const ns = o.metadata?.namespace ?? '';
    const top = index.topOfPod.get(`${ns}/${o.metadata?.name ?? ''}`);
    const list = pods.get(ns) ?? [];
    list.push(slimPod(o, top));
    pods.set(ns, list);
  }
  const podCount = objects.filter((o) => o.kind === 'Pod').length;
  progress(`read ${workloads.length} workloads and ${podCount} pods in ${namespaces.length} namespaces (${elapsed()})`);
  const inventory: Inventory = {
    origin: 'cluster',
    context: session.context,
    server: session.server,
    serverVersion: session.serverVersion,
    namespaces,
    workloads,
    errors,
    skipped: 0,
  };
  return { inventory, session, pods };
}

async function readNamespaces(
  session: ClusterSession,
  opts: ClusterReadOptions,
  errors: Inventory['errors'],
): Promise<NamespaceInfo[]> {
  const { client, server } = session;
  if (opts.namespace.length === 0) {
    try {
      const { items } = await listAll(client, NAMESPACES, undefined, { limit: opts.pageSize ?? 500 });
      return items
        .filter((o) => validLiveName(o, 'Namespace', errors))
        .map((o) => namespaceInfo(o, SYSTEM_NAMESPACES))
        .sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (err) {
      const e = toClusterError(err, server, 'list namespaces');
      if (e.kind === 'forbidden') {
        throw new ClusterError(
          'forbidden',
          'not allowed to list namespaces (403 Forbidden)',
          'pass -n NS for each namespace you may read, or bind templates/rbac/podsec-reader.yaml',
          403,
        );
      }
      throw e;
    }
  }
  const names = [...new Set(opts.namespace)];
  const infos = await mapLimit(names, opts.concurrency ?? 6, async (name): Promise<NamespaceInfo | undefined> => {
    const bad = namespaceNameProblem(name);
    if (bad !== null) {
      errors.push({
        namespace: name,
        message: `-n ${quoteName(name)} is not a valid namespace name (${bad}); not read`,
      });
      return undefined;
    }
    try {
      const res = await client.get<KubeObject>(`/api/v1/namespaces/${pathSegment('Namespace', name)}`);
      return namespaceInfo(res.body, SYSTEM_NAMESPACES);
    } catch (err) {
      if (err instanceof ApiResponseError && err.status === 404) {
        errors.push({ namespace: name, message: `namespace "${name}" not found` });
        return undefined;
      }
      if (err instanceof ApiResponseError && err.status === 403) {
        const info = namespaceInfo({ metadata: { name } }, SYSTEM_NAMESPACES);
        info.unreadable = [
          {
            kinds: ['Namespace'],
            permission: `get namespaces "${name}"`,
            message: err.apiMessage.split('\n')[0] ?? '',
          },
        ];
        return info;
      }
      throw toClusterError(err, server, `get namespace "${name}"`);
    }
  });
  return infos.filter((n): n is NamespaceInfo => n !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** False (with an input error) for a listed object whose name the API server could never have accepted. */
function validLiveName(o: KubeObject, kind: string, errors: Inventory['errors']): boolean {
  const name = o.metadata?.name ?? '';
  const ns = o.metadata?.namespace;
  const bad =
    objectNameProblem(kind, name) ?? (kind === 'Namespace' || ns === undefined ? null : namespaceNameProblem(ns));
  if (bad === null) return true;
  errors.push({
    ...(ns !== undefined ? { namespace: ns } : {}),
    message: `the API server listed a ${kind} named ${quoteName(ns !== undefined ? `${ns}/${name}` : name)}, which is not a valid name (${bad}); ignored`,
  });
  return false;
}
