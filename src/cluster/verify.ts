// Shell: server-side verification of verdicts. For each namespace, a dry-run (dryRun=All, nothing
// is changed) merge patch of the enforce label at the strictest level its workloads pass and at
// the target level; the API server's PodSecurity warnings are compared with the engine's.

import { checksFor, evaluatePod, strictestLevel } from '../policy/index.js';
import type { Level } from '../policy/types.js';
import { workloadKey, type Inventory, type NamespaceInfo } from '../inventory/types.js';
import { parseWarningHeader } from '../inventory/psa-warnings.js';
import { namespaceVersion } from '../report/scan-report.js';
import { releaseMinor, resolveLiveVersion } from '../inventory/server-policy.js';
import {
  compareWithServer,
  versionForDryRun,
  worstStatus,
  type LevelVerification,
  type NamespaceVerification,
  type PodCheck,
} from '../inventory/verification.js';
import type { ClusterSession } from './connect.js';
import { ApiResponseError, toClusterError } from './errors.js';
import type { LivePod } from './workloads.js';
import { mapLimit } from './list.js';
import { pathSegment } from '../inventory/object-names.js';

export interface VerifyOptions {
  /** Target level (default restricted). */
  target: Level;
  /** --version, overriding namespace pins. */
  version?: string | undefined;
  concurrency?: number;
  progress?: (line: string) => void;
  /** Re-asks when the server reports fewer violations than predicted (informer lag): default 1 retry after 1.5 s. */
  settleRetries?: number;
  settleDelayMs?: number;
}

export interface VerifyResult {
  /** Per namespace name. Absent namespaces were not verified (see `note`). */
  namespaces: Map<string, NamespaceVerification>;
  /** Why verification was skipped, when it was. */
  note?: string;
}

const LABEL = 'pod-security.kubernetes.io/';
const RANK: Record<Level, number> = { privileged: 0, baseline: 1, restricted: 2 };

/** SelfSubjectAccessReview: may the user patch namespaces (all, or the named one)? */
export async function canPatchNamespaces(session: ClusterSession, name?: string): Promise<boolean> {
  const body = {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    spec: { resourceAttributes: { verb: 'patch', resource: 'namespaces', ...(name ? { name } : {}) } },
  };
  try {
    const res = await session.client.post<{ status?: { allowed?: boolean } }>(
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body,
    );
    return res.body.status?.allowed === true;
  } catch (err) {
    if (err instanceof ApiResponseError && (err.status === 403 || err.status === 404)) return false;
    throw toClusterError(err, session.server, 'check permissions (SelfSubjectAccessReview)');
  }
}

/** Verifies every readable namespace; never changes anything. */
export async function verifyNamespaces(
  session: ClusterSession,
  inventory: Inventory,
  pods: Map<string, LivePod[]>,
  opts: VerifyOptions,
): Promise<VerifyResult> {
  const candidates = inventory.namespaces.filter(
    (n) => !(n.unreadable ?? []).some((u) => u.kinds.includes('Namespace')),
  );
  let allowed = new Set(candidates.map((n) => n.name));
  if (!(await canPatchNamespaces(session))) {
    const few = candidates.length <= 20;
    const checks = few
      ? await mapLimit(candidates, 4, async (n) => ((await canPatchNamespaces(session, n.name)) ? n.name : ''))
      : [];
    allowed = new Set(checks.filter((n) => n));
    if (allowed.size === 0) {
      return {
        namespaces: new Map(),
        note: 'verification skipped: you may not patch namespaces (a dry-run needs patch on namespaces; templates/rbac/podsec-applier.yaml grants it)',
      };
    }
  }
  const minor = releaseMinor(session.serverVersion) ?? session.policyMinor;
  const out = new Map<string, NamespaceVerification>();
  const targets = candidates.filter((n) => allowed.has(n.name));
  await mapLimit(targets, opts.concurrency ?? 4, async (ns) => {
    opts.progress?.(`verifying namespace ${ns.name} with a server-side dry-run`);
    out.set(ns.name, await verifyOne(session, inventory, ns, pods.get(ns.name) ?? [], opts, minor));
  });
  for (const n of candidates) {
    if (!out.has(n.name))
      out.set(n.name, { status: 'skipped', levels: [], note: `you may not patch namespace "${n.name}"` });
  }
  return { namespaces: out };
}

async function verifyOne(
  session: ClusterSession,
  inventory: Inventory,
  ns: NamespaceInfo,
  pods: readonly LivePod[],
  opts: VerifyOptions,
  serverMinor: number,
): Promise<NamespaceVerification> {
  // The same version the scan report judges the namespace at (enforce, warn, audit pin or --version).
  const version = namespaceVersion(ns, opts.version).version;
  const evalVersion = resolveLiveVersion(version, session.policyMinor);
  let strictest: Level = 'restricted';
  for (const w of inventory.workloads) {
    if (w.namespace !== ns.name) continue;
    const l = strictestLevel(w.template, evalVersion, { isPod: w.kind === 'Pod' });
    if (RANK[l] < RANK[strictest]) strictest = l;
  }
  for (const p of pods) {
    const l = strictestLevel(p, evalVersion, { isPod: true });
    if (RANK[l] < RANK[strictest]) strictest = l;
  }
  const levels = [...new Set<Level>([strictest, opts.target])].filter((l) => l !== 'privileged');
  const current = {
    level:
      (['privileged', 'baseline', 'restricted'] as const).find((l) => l === ns.labels[`${LABEL}enforce`]) ??
      'privileged',
    version: ns.labels[`${LABEL}enforce-version`] ?? 'latest',
  };
  const results: LevelVerification[] = [];
  for (const level of levels) {
    const sent = versionForDryRun(
      level,
      version,
      current,
      serverMinor,
      (a, b) => b <= session.policyMinor && sameRules(level, a, b),
    );
    if (sent === null) {
      results.push(
        skippedLevel(
          level,
          version,
          'PodSecurity does not re-check pods when the enforce level and version stay the same',
        ),
      );
      continue;
    }
    const checks: PodCheck[] = pods.map((p) => {
      const e = evaluatePod(p, level, resolveLiveVersion(sent, session.policyMinor), { isPod: true });
      return { name: p.name, reasons: e.violations.map((v) => v.reason), workload: p.workload };
    });
    try {
      let result: LevelVerification;
      for (let attempt = 0; ; attempt++) {
        const res = await session.client.mergePatch(
          `/api/v1/namespaces/${pathSegment('Namespace', ns.name)}`,
          { metadata: { labels: { [`${LABEL}enforce`]: level, [`${LABEL}enforce-version`]: sent } } },
          { dryRun: 'All', fieldManager: 'podsec' },
        );
        result = compareWithServer(ns.name, level, sent, checks, parseWarningHeader(res.headers.warning));
        // PSA reads pods from an informer cache: pods created a moment ago may not be seen yet.
        const lagging =
          (result.status === 'disagrees' || result.status === 'exemptOrUnseen') && result.onlyServer.length === 0;
        if (!lagging || attempt >= (opts.settleRetries ?? 1)) break;
        await new Promise((r) => setTimeout(r, opts.settleDelayMs ?? 1500));
      }
      attributeCauses(result, inventory, pods, level, resolveLiveVersion(sent, session.policyMinor));
      results.push(result);
    } catch (err) {
      const e = toClusterError(err, session.server, `dry-run the enforce label of namespace "${ns.name}"`);
      results.push({ ...skippedLevel(level, sent, e.message), status: e.kind === 'forbidden' ? 'skipped' : 'failed' });
    }
  }
  if (levels.length === 0)
    return { status: 'skipped', levels: [], note: 'workloads pass only privileged: nothing to dry-run' };
  return { status: worstStatus(results), levels: results };
}

/** True when two policy minors run the same check revisions at `level`. */
function sameRules(level: Level, a: number, b: number): boolean {
  if (level === 'privileged') return true;
  const x = checksFor(level, a);
  const y = checksFor(level, b);
  return x.length === y.length && x.every((c, i) => c.id === y[i]?.id && c.checkPod === y[i]?.checkPod);
}

/** Says per violator whether its workload's template fails too, or only the live pod does. */
function attributeCauses(
  result: LevelVerification,
  inventory: Inventory,
  pods: readonly LivePod[],
  level: Level,
  version: string,
): void {
  const byKey = new Map(inventory.workloads.map((w) => [workloadKey(w), w]));
  for (const v of result.violators) {
    const pod = pods.find((p) => p.name === v.pod);
    const w = pod ? byKey.get(pod.workload) : undefined;
    if (!w) {
      v.cause = 'unknownPod';
      continue;
    }
    const templateAllowed = evaluatePod(w.template, level, version, { isPod: w.kind === 'Pod' }).allowed;
    v.cause = !templateAllowed
      ? 'template'
      : (w.live?.injectedContainers.length ?? 0) > 0
        ? 'injectedContainers'
        : 'podDiffersFromTemplate';
  }
}

function skippedLevel(level: Level, version: string, note: string): LevelVerification {
  return {
    level,
    version,
    policy: `${level}:${version}`,
    status: 'skipped',
    warnings: [],
    violators: [],
    onlyServer: [],
    onlyEngine: [],
    truncated: false,
    note,
  };
}
