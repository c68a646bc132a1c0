// Shell: the API server side of apply and rollback (the ApplyCluster port) on the retrying
// KubeClient. Writes use field manager `podsec` and carry the resourceVersion that was read, so a
// concurrent change is a 409 conflict rather than a lost update; every write can be a dry run.

import type { KubeConfig } from '@kubernetes/client-node';
import type { AccessTarget, ApplyCluster, LiveNamespace, LiveObject, WorkloadRef } from '../apply/ports.js';
import { parseWarningHeader } from '../inventory/psa-warnings.js';
import { CancelledError } from '../errors.js';
import type { KubeClient } from './client.js';
import { ApiResponseError, toClusterError } from './errors.js';
import { WORKLOAD_KINDS, collectionPath } from './list.js';
import { followRollout, type RolloutOptions } from './rollout.js';
import { pathSegment } from '../inventory/object-names.js';

export const FIELD_MANAGER = 'podsec';

type Meta = {
  name?: string;
  namespace?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  ownerReferences?: { kind?: string; name?: string; controller?: boolean }[];
};
type KObj = Record<string, unknown> & { metadata?: Meta };

/** Options of the adapter: rollout waiting, and a hook called after every real (non-dry-run) write. */
export interface ApplyClusterOptions {
  rollout: RolloutOptions;
  afterWrite?: () => void;
}

/** The resource path of a workload. */
export function workloadPath(ref: WorkloadRef): string {
  const r =
    WORKLOAD_KINDS.find((k) => k.kind === ref.kind && k.apiVersion === ref.apiVersion) ??
    WORKLOAD_KINDS.find((k) => k.kind === ref.kind);
  if (!r) throw toClusterError(new Error(`unsupported kind ${ref.kind}`), '', `patch ${ref.kind}`);
  return `${collectionPath(r, ref.namespace)}/${pathSegment(ref.kind, ref.name)}`;
}

/** JSON Pointer of an object path. */
function pointer(path: readonly string[]): string {
  return path.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function rethrow(err: unknown, client: KubeClient, what: string): never {
  if (err instanceof CancelledError) throw err;
  throw toClusterError(err, client.server, what);
}

/** The ApplyCluster port for one connected client. */
export function applyCluster(client: KubeClient, kc: KubeConfig, opts: ApplyClusterOptions): ApplyCluster {
  const query = (dryRun: boolean) => ({ fieldManager: FIELD_MANAGER, ...(dryRun ? { dryRun: 'All' } : {}) });
  const wrote = (dryRun: boolean) => {
    if (!dryRun) opts.afterWrite?.();
  };
  const asNamespace = (o: KObj): LiveNamespace => ({
    labels: o.metadata?.labels ?? {},
    resourceVersion: o.metadata?.resourceVersion ?? '',
  });
  const asObject = (o: KObj): LiveObject => ({ object: o, resourceVersion: o.metadata?.resourceVersion ?? '' });
  const read = async (path: string, what: string): Promise<KObj | null> => {
    try {
      return (await client.get<KObj>(path)).body;
    } catch (err) {
      if (err instanceof ApiResponseError && err.status === 404) return null;
      return rethrow(err, client, what);
    }
  };

  return {
    async readNamespace(name) {
      const o = await read(`/api/v1/namespaces/${pathSegment('Namespace', name)}`, `read namespace "${name}"`);
      return o ? asNamespace(o) : null;
    },
    async patchNamespaceLabels(name, labels, resourceVersion, dryRun) {
      try {
        const res = await client.mergePatch<KObj>(
          `/api/v1/namespaces/${pathSegment('Namespace', name)}`,
          { metadata: { labels, resourceVersion } },
          query(dryRun),
        );
        wrote(dryRun);
        return { value: asNamespace(res.body), warnings: parseWarningHeader(res.headers.warning) };
      } catch (err) {
        return rethrow(err, client, `${dryRun ? 'dry-run the label change of' : 'label'} namespace "${name}"`);
      }
    },
    async readWorkload(ref) {
      const o = await read(workloadPath(ref), `read ${ref.kind} ${ref.namespace}/${ref.name}`);
      return o ? asObject(o) : null;
    },
    async patchWorkload(ref, patch, resourceVersion, dryRun) {
      const meta = { ...((patch['metadata'] as Record<string, unknown> | undefined) ?? {}), resourceVersion };
      try {
        const res = await client.request<KObj>(
          'PATCH',
          workloadPath(ref),
          query(dryRun),
          { ...patch, metadata: meta },
          'application/strategic-merge-patch+json',
        );
        wrote(dryRun);
        return { value: asObject(res.body), warnings: parseWarningHeader(res.headers.warning) };
      } catch (err) {
        return rethrow(
          err,
          client,
          `${dryRun ? 'dry-run the patch of' : 'patch'} ${ref.kind} ${ref.namespace}/${ref.name}`,
        );
      }
    },
    async replaceTemplate(ref, templatePath, expected, template, dryRun) {
      const at = pointer(templatePath);
      const ops = [
        { op: 'test', path: at, value: expected },
        { op: 'replace', path: at, value: template },
      ];
      try {
        const res = await client.request<KObj>(
          'PATCH',
          workloadPath(ref),
          query(dryRun),
          ops,
          'application/json-patch+json',
        );
        wrote(dryRun);
        return { value: asObject(res.body), warnings: parseWarningHeader(res.headers.warning) };
      } catch (err) {
        return rethrow(
          err,
          client,
          `${dryRun ? 'dry-run the restore of' : 'restore'} the pod template of ${ref.kind} ${ref.namespace}/${ref.name}`,
        );
      }
    },
    async ownerOfPod(namespace, pod) {
      try {
        let o = await read(
          `/api/v1/namespaces/${pathSegment('Namespace', namespace)}/pods/${pathSegment('Pod', pod)}`,
          `read pod ${namespace}/${pod}`,
        );
        let kind = 'Pod';
        for (let i = 0; o && i < 3; i++) {
          const owner = o.metadata?.ownerReferences?.find((r) => r.controller);
          if (!owner?.kind || !owner.name) break;
          const r = WORKLOAD_KINDS.find((k) => k.kind === owner.kind);
          kind = owner.kind;
          const name = owner.name;
          o = r
            ? await read(
                `${collectionPath(r, namespace)}/${pathSegment(r.kind, name)}`,
                `read ${owner.kind} ${namespace}/${name}`,
              )
            : null;
          if (!o) return `${namespace}/${kind}/${name}`;
        }
        return o ? `${namespace}/${kind}/${o.metadata?.name ?? pod}` : null;
      } catch (err) {
        if (err instanceof CancelledError) throw err;
        return null;
      }
    },
    followRollout(ref, patched, progress) {
      return followRollout(client, kc, ref, patched, opts.rollout, progress);
    },
    missingAccess(targets) {
      return missingAccess(client, targets);
    },
  };
}

interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** The get and patch a write of each target needs, one SelfSubjectAccessReview each (deduplicated). */
export async function missingAccess(client: KubeClient, targets: readonly AccessTarget[]): Promise<string[]> {
  const checks = new Map<string, ResourceAttributes>();
  for (const t of targets) {
    for (const verb of ['get', 'patch']) {
      let a: ResourceAttributes;
      if (t.kind === 'Namespace') a = { verb, group: '', resource: 'namespaces', name: t.name };
      else {
        const ref = t as WorkloadRef;
        const r =
          WORKLOAD_KINDS.find((k) => k.kind === ref.kind && k.apiVersion === ref.apiVersion) ??
          WORKLOAD_KINDS.find((k) => k.kind === ref.kind);
        if (!r) continue;
        a = {
          verb,
          group: r.apiVersion.includes('/') ? r.apiVersion.split('/')[0]! : '',
          resource: r.plural,
          namespace: ref.namespace,
        };
      }
      checks.set(JSON.stringify(a), a);
    }
  }
  const missing: string[] = [];
  for (const a of checks.values()) {
    try {
      const res = await client.post<{ status?: { allowed?: boolean } }>(
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: a },
        },
      );
      if (res.body.status?.allowed === true) continue;
      const what = `${a.verb} ${a.resource}${a.group ? `.${a.group}` : ''}`;
      missing.push(a.name !== undefined ? `${what} "${a.name}"` : `${what} in namespace "${a.namespace}"`);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      return []; // the server cannot tell (old server, or no review API): the writes will say
    }
  }
  return missing;
}
