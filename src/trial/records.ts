// What a recorded trial means for a new plan (`podsec plan --trials DIR`, issue 12). The log lines
// that drove the re-proposals are evidence again (so the planner proposes the fix that passed), and
// the record's verdict applies to the patch it tried: a pass vouches for it, a failure holds it
// (status review, no patch step, the namespace stays below the level it blocks). A record of
// another template (the workload changed) or of another patch (answers or evidence changed) is not
// used, with the reason. Pure.

import { analyzeLogs, mergeContainerEvidence, type Evidence } from '../fix/evidence.js';
import { sourceText } from '../inventory/duplicates.js';
import { workloadKey, type WorkloadRef } from '../inventory/types.js';
import type { TrialRecord, TrialRound } from './types.js';

/** The parts of a trial record these rules read (plan.json's copy or the loop's). */
export type TrialRecordView = Pick<TrialRecord, 'result' | 'reason' | 'fingerprint'> & {
  rounds: readonly Pick<TrialRound, 'round' | 'lines' | 'containerLines' | 'template' | 'logTail'>[];
};

/** Merges two workloads' evidence container by container (notes appended). */
export function mergeEvidence(a: Evidence | undefined, b: Evidence | undefined): Evidence | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const names = new Set([...Object.keys(a.containers), ...Object.keys(b.containers)]);
  const containers: Evidence['containers'] = {};
  for (const n of names) containers[n] = mergeContainerEvidence(a.containers[n] ?? {}, b.containers[n] ?? {});
  return { containers, notes: [...a.notes, ...b.notes] };
}

/**
 * The evidence of the rounds that led to the last one (their lines drove its re-proposal), read
 * back from the recorded lines per container. The last round's own lines changed nothing that ran.
 */
export function recordEvidence(record: TrialRecordView): Evidence | undefined {
  let out: Evidence | undefined;
  for (const round of record.rounds.slice(0, -1)) {
    const containers: Evidence['containers'] = {};
    for (const [name, lines] of Object.entries(round.containerLines ?? {}))
      containers[name] = mergeContainerEvidence(analyzeLogs(lines.join('\n')));
    out = mergeEvidence(out, { containers, notes: [] });
  }
  return out;
}

/** The recorded template fingerprint matches the workload's: the trial copied this very template. */
export function recordFits(record: TrialRecordView, fingerprint: string): boolean {
  return record.fingerprint === fingerprint;
}

/**
 * Why a failed trial holds its patch: the round, the kubelet's or container's reason, and the
 * lines behind it (those the evidence engine read, then the last round's last log lines), each
 * once and none that only repeats the reason.
 */
export function trialHeldReason(record: TrialRecordView): string {
  const last = record.rounds[record.rounds.length - 1];
  const said = (l: string) => record.reason.includes(l.replace(/^Error:\s*/, ''));
  const lines = [...new Set([...record.rounds.flatMap((r) => r.lines), ...(last?.logTail ?? [])])].filter(
    (l) => !said(l),
  );
  return `trial run failed${last !== undefined ? ` in round ${last.round}` : ''} (the patch is not applied until a trial passes): ${record.reason}${lines.length > 0 ? `; log: ${lines.join(' | ')}` : ''}`;
}

export type TrialVerdict =
  /** The trial passed with exactly this patch. */
  | { use: 'pass' }
  /** The trial failed with exactly this patch: hold it with `held` as the reason. */
  | { use: 'hold'; held: string }
  /** Refused (not run): kept as information, no effect on the patch. */
  | { use: 'info' }
  /** Not about this template or patch: `why`. */
  | { use: 'none'; why: string };

/**
 * What a record says about the patch the planner proposes now. `fingerprint`: the workload's
 * template as read; `after`: the fingerprint of the fix phase's template the planner proposes.
 */
export function judgeTrial(record: TrialRecordView, fingerprint: string, after: string): TrialVerdict {
  if (record.result === 'refused') return { use: 'info' };
  if (record.fingerprint === undefined || record.rounds.some((r) => r.template === undefined))
    return { use: 'none', why: 'recorded by an older podsec without template fingerprints; run podsec trial again' };
  if (!recordFits(record, fingerprint))
    return { use: 'none', why: 'the workload changed since the trial (another pod template); run podsec trial again' };
  const last = record.rounds[record.rounds.length - 1];
  if (last === undefined) return { use: 'none', why: 'the trial was cancelled before its first round' };
  if (last.template !== after)
    return {
      use: 'none',
      why: 'the proposed patch differs from the one the trial ran (other answers or evidence); run podsec trial again',
    };
  return record.result === 'pass' ? { use: 'pass' } : { use: 'hold', held: trialHeldReason(record) };
}

/**
 * Whether a plan's scheduled patch is vouched for by its workload's trial record: null when there
 * is no record, the record is a refusal, or the trial passed with exactly this patch (`after`, the
 * plan's fingerprintAfter); otherwise why applying it would ignore what the trial showed.
 */
export function trialObjection(record: TrialRecordView | undefined, after: string): string | null {
  if (record === undefined || record.result === 'refused') return null;
  const last = record.rounds[record.rounds.length - 1];
  // Without fingerprints (older records) only a first-round pass is known to be this patch.
  if (record.result === 'pass' && (last?.template ?? (record.rounds.length === 1 ? after : undefined)) === after)
    return null;
  if (record.result === 'pass')
    return `its trial passed only after changes that are not in this plan's patch (${record.reason})`;
  return `its trial failed: ${record.reason}`;
}

/** A recorded workload of an earlier plan: its identity and its trial record. */
export interface RecordedTrial<R> {
  namespace: string;
  kind: string;
  name: string;
  source: unknown;
  trial?: R | undefined;
}

/** An object's identity as plan.json and the inventory hold it: namespace/Kind/name and where it was read. */
export interface Identified {
  namespace: string;
  kind: string;
  name: string;
  source: unknown;
}

/** Two sources name the same place: the same file, document and list item, or the same cluster context. */
export function sameSource(a: unknown, b: unknown): boolean {
  const f = (s: unknown) => (typeof s === 'object' && s !== null ? (s as Record<string, unknown>) : {});
  const x = f(a);
  const y = f(b);
  return ['file', 'document', 'item', 'context'].every((k) => x[k] === y[k]);
}

/**
 * Groups objects by namespace/Kind/name and finds the one meant by an identity: the only object
 * with its key, or, where the key names several (duplicates from different files), the one read
 * from the same source. Two objects never stand for each other.
 */
function identityIndex<T extends Identified>(objects: readonly T[]): (w: Identified) => { hit?: T; all: T[] } {
  const byKey = new Map<string, T[]>();
  for (const o of objects) {
    const k = workloadKey(o);
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [o]);
    else list.push(o);
  }
  return (w) => {
    const all = byKey.get(workloadKey(w)) ?? [];
    const hit = all.length === 1 ? all[0] : all.find((o) => sameSource(o.source, w.source));
    return hit === undefined ? { all } : { hit, all };
  };
}

/**
 * Looks up a workload's trial record among an earlier plan's workloads: by namespace/kind/name,
 * and where that names several objects (duplicates from different files), by source too, so two
 * objects never share a record.
 */
export function trialLookup<R>(
  recorded: readonly RecordedTrial<R>[],
): (w: Pick<WorkloadRef, 'namespace' | 'kind' | 'name'> & { source: unknown }) => R | undefined {
  // Every recorded object counts, with a record or not: a copy without one never takes its twin's.
  const find = identityIndex(recorded);
  return (w) => find(w).hit?.trial;
}

/** A planned workload found in the manifests read for its trial, or why it cannot be tried from them. */
export type ManifestMatch<W> =
  | { workload: W }
  | {
      /** missing: no such object; ambiguous: duplicates, none where the plan read it; changed: another template. */
      problem: 'missing' | 'ambiguous' | 'changed';
      why: string;
    };

/**
 * Finds each planned workload in manifests read again (`podsec trial DIR -f FILES`), so the trial
 * copies the very pod template the plan read and its record is used by `plan -f FILES --trials
 * DIR`: the same identity (namespace/Kind/name, and the source where duplicates share it) and
 * the same template fingerprint, or a problem naming what differs.
 */
export function manifestLookup<W extends Identified & { template: unknown }>(
  read: readonly W[],
  fingerprint: (template: W['template']) => string,
): (planned: Identified & { fingerprint: string }) => ManifestMatch<W> {
  const find = identityIndex(read);
  const where = (s: unknown) => sourceText(s as Parameters<typeof sourceText>[0]);
  return (planned) => {
    const key = workloadKey(planned);
    const { hit, all } = find(planned);
    if (hit === undefined && all.length === 0)
      return {
        problem: 'missing',
        why: `${key} (planned from ${where(planned.source)}) is in none of the files read`,
      };
    if (hit === undefined)
      return {
        problem: 'ambiguous',
        why: `${key} is defined ${all.length} times in the files read (${all.map((o) => where(o.source)).join('; ')}) and none is ${where(planned.source)}, where the plan read it`,
      };
    if (fingerprint(hit.template) !== planned.fingerprint)
      return {
        problem: 'changed',
        why: `${key} in ${where(hit.source)}: its pod template is not the one the plan read (changed since the plan was made)`,
      };
    return { workload: hit };
  };
}
