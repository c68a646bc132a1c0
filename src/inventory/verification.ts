// Pure: compares what the API server said in a namespace relabel dry-run with what the engine
// predicts for the same pods, and maps the server's pod lines back to workloads. The result is
// carried in the scan report as `namespaces[].verification`.

import type { Level } from '../policy/types.js';
import { parsePsaWarnings, predictPsaWarnings, simulateWarningTruncation, type PodVerdict } from './psa-warnings.js';

/** Outcome of one check, worst first in VERIFICATION_SEVERITY. */
export type VerificationStatus =
  'agrees' | 'disagrees' | 'incomplete' | 'exempt' | 'exemptOrUnseen' | 'skipped' | 'failed';

export const VERIFICATION_SEVERITY: readonly VerificationStatus[] = [
  'disagrees',
  'exemptOrUnseen',
  'exempt',
  'incomplete',
  'failed',
  'skipped',
  'agrees',
];

export interface VerifiedViolator {
  /** The pod the server names (lexically first of its group). */
  pod: string;
  /** Other pods in the same group. */
  others: number;
  reasons: string;
  /** workloadKey of every workload whose pods are in the group, as far as they are known. */
  workloads: string[];
  /**
   * Set by the cluster adapter: `template` when the workload's template fails too; otherwise the
   * pod differs from its template (`injectedContainers` by a webhook, or `podDiffersFromTemplate`).
   */
  cause?: ViolationCause;
}

export interface LevelVerification {
  level: Level;
  /** The enforce-version label value sent in the dry-run. */
  version: string;
  /** `<level>:<version>` as PSA names it. */
  policy: string;
  status: VerificationStatus;
  /** The server's warnings, verbatim. */
  warnings: string[];
  violators: VerifiedViolator[];
  /** PSA lines the server sent that the engine did not predict, and the reverse. */
  onlyServer: string[];
  onlyEngine: string[];
  truncated: boolean;
  note?: string;
}

export interface NamespaceVerification {
  status: VerificationStatus;
  levels: LevelVerification[];
  note?: string;
}

/** A live pod's engine verdict at the checked level and the workload it belongs to. */
export interface PodCheck extends PodVerdict {
  workload?: string;
}

/** Builds the verification of one level from the server's warnings and the engine's pod verdicts. */
export function compareWithServer(
  namespace: string,
  level: Level,
  version: string,
  pods: readonly PodCheck[],
  serverWarnings: readonly string[],
): LevelVerification {
  const policy = `${level}:${version}`;
  const parsed = parsePsaWarnings(serverWarnings);
  const psaTexts = new Set<string>([...parsed.lines.map((l) => l.text)]);
  const serverPsa = serverWarnings.filter(
    (w) =>
      psaTexts.has(w) ||
      w.startsWith('existing pods in namespace ') ||
      w.startsWith('new PodSecurity enforce level only'),
  );
  const predicted = simulateWarningTruncation(predictPsaWarnings(namespace, policy, pods));
  const predictedSet = new Set(predicted);
  const serverSet = new Set(serverPsa);
  const onlyServer = serverPsa.filter(
    (w) => !predictedSet.has(w) && !w.startsWith('new PodSecurity enforce level only'),
  );
  const onlyEngine = predicted.filter((w) => !serverSet.has(w));

  const groups = new Map<string, PodCheck[]>();
  for (const p of pods) {
    if (p.reasons.length === 0) continue;
    const key = p.reasons.join(', ');
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const byName = new Map(pods.map((p) => [p.name, p]));
  const violators = parsed.lines.map((l): VerifiedViolator => {
    const members = groups.get(l.reasons) ?? [];
    const keys = new Set<string>();
    const named = byName.get(l.pod)?.workload;
    if (named) keys.add(named);
    for (const m of members) if (m.workload) keys.add(m.workload);
    return { pod: l.pod, others: l.others, reasons: l.reasons, workloads: [...keys].sort() };
  });

  const base = {
    level,
    version,
    policy,
    warnings: [...serverWarnings],
    violators,
    onlyServer,
    onlyEngine,
    truncated: parsed.truncated,
  };
  const engineViolating = pods.filter((p) => p.reasons.length > 0).length;
  if (parsed.exempt) {
    return {
      ...base,
      status: 'exempt',
      note: 'the API server says the namespace is exempt from Pod Security (admission configuration): labels are not enforced there',
    };
  }
  if (parsed.listFailed) {
    return { ...base, status: 'incomplete', note: 'the API server could not list the pods of the namespace' };
  }
  if (parsed.checked && parsed.checked.first < parsed.checked.of) {
    return {
      ...base,
      status: 'incomplete',
      note: `PodSecurity only checked the first ${parsed.checked.first} of ${parsed.checked.of} pods`,
    };
  }
  if (serverPsa.length === 0 && engineViolating > 0) {
    return {
      ...base,
      status: 'exemptOrUnseen',
      note: `the API server reported no violations while podsec finds ${engineViolating} violating pod(s): the namespace may be exempt in the admission configuration, or the server has not seen these pods yet`,
    };
  }
  if (onlyServer.length === 0 && onlyEngine.length === 0) {
    return parsed.truncated
      ? {
          ...base,
          status: 'agrees',
          note: 'the API server truncated its warnings (4 KiB); podsec predicted the same truncation',
        }
      : { ...base, status: 'agrees' };
  }
  if (parsed.truncated) {
    return {
      ...base,
      status: 'incomplete',
      note: 'the API server truncated its warnings (4 KiB): some pods were not reported',
    };
  }
  return {
    ...base,
    status: 'disagrees',
    note: 'the API server and podsec differ; pods may have changed since they were listed, or a webhook or exemption is involved',
  };
}

/** The worst status of a namespace's level checks. */
export function worstStatus(levels: readonly { status: VerificationStatus }[]): VerificationStatus {
  for (const s of VERIFICATION_SEVERITY) if (levels.some((l) => l.status === s)) return s;
  return 'skipped';
}

/**
 * The enforce-version to send so that PSA really evaluates pods: it skips the check when the
 * enforce level and version do not change, or when the level is relaxed at the same version. Then
 * an equivalent version is used: `latest` <-> `v1.<server minor>`, or a neighbouring minor with the
 * same rules (`sameRules(a, b)`, e.g. v1.23 and v1.24); null when there is none.
 */
export function versionForDryRun(
  level: Level,
  version: string,
  current: { level: Level; version: string },
  serverReleaseMinor: number,
  sameRules: (a: number, b: number) => boolean = () => false,
): string | null {
  const rank = (l: Level) => (l === 'privileged' ? 0 : l === 'baseline' ? 1 : 2);
  const skipped = current.version === version && rank(level) <= rank(current.level);
  if (!skipped) return version;
  if (version === 'latest') return `v1.${serverReleaseMinor}`;
  const m = /^v1\.(\d+)$/.exec(version);
  if (!m) return null;
  const n = Number(m[1]);
  if (n >= serverReleaseMinor) return 'latest';
  for (let k = n + 1; k <= serverReleaseMinor; k++) if (sameRules(n, k)) return `v1.${k}`;
  for (let k = n - 1; k >= 0; k--) if (sameRules(n, k)) return `v1.${k}`;
  return null;
}

/** What a violating pod's problem comes from, judged by its workload's template. */
export type ViolationCause = 'template' | 'injectedContainers' | 'podDiffersFromTemplate' | 'unknownPod';
