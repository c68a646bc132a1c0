// What the session knows after a scan (inventory, proposals, the operator's decisions) and pure
// helpers over it: overview rows, decisions recorded as fix-engine Answers. Pure.

import type { Answers, FixProposal } from '../fix/index.js';
import type { ServerCheck } from './ports.js';
import { workloadKey, type Inventory, type NamespaceInfo, type Workload } from '../inventory/types.js';
import { findDuplicates, sourceText } from '../inventory/duplicates.js';
import { compareLevels, strictestLevel, type Level } from '../policy/index.js';

/** The operator's decision on one workload. */
export type Decision = 'accepted' | 'skipped' | 'edited';

export interface Session {
  inventory: Inventory;
  proposals: FixProposal[];
  target: Level;
  version: string;
  /** Decisions so far, as the fix engine's answers (what --answers would hold). */
  answers: Answers;
  /** By session key (`sessionKey`: namespace/Kind/name, plus the source for duplicates). */
  decisions: Record<string, Decision>;
  /** Session keys of the workloads whose evidence has been gathered. */
  evidence: string[];
  outDir: string;
  /** Decisions not yet written to a plan. */
  dirty: boolean;
  /** The API server's verdict per namespace (live clusters), and why there is none otherwise. */
  verification?: Record<string, ServerCheck>;
  verificationNote?: string;
}

/** One line of the overview table. */
export interface NamespaceRow {
  name: string;
  system: boolean;
  /** e.g. `enforce=baseline warn=restricted`, or `none`. */
  labels: string;
  /** Strictest level every workload passes today. */
  strictest: Level;
  /** Check IDs no safe patch can clear. */
  blockers: string[];
  recommended: Level;
  workloads: number;
  /** Workloads with a fix proposal (fixed or review). */
  toFix: number;
  exempted: boolean;
}

export type SortKey = 'name' | 'strictest' | 'blockers';
export const SORT_KEYS: readonly SortKey[] = ['name', 'strictest', 'blockers'];

/** Per inventory (computed once): keys read more than once, and each session key's position. */
interface Identities {
  duplicates: ReadonlySet<string>;
  index: ReadonlyMap<string, number>;
}
const identitiesOf = new WeakMap<Inventory, Identities>();
function identities(inv: Inventory): Identities {
  let ids = identitiesOf.get(inv);
  if (ids === undefined) {
    const duplicates = new Set(findDuplicates(inv.workloads).map((d) => d.key));
    const index = new Map<string, number>();
    inv.workloads.forEach((w, i) => {
      const key = workloadKey(w);
      index.set(duplicates.has(key) ? `${key}@${sourceText(w.source)}` : key, i);
    });
    ids = { duplicates, index };
    identitiesOf.set(inv, ids);
  }
  return ids;
}

/**
 * The session's key of a workload: namespace/Kind/name, and where that names several objects
 * (duplicates in different files or documents), also where it was read (`ns/Kind/name@a.yaml
 * document 2`), so proposals, decisions and evidence of two copies are never mixed up.
 */
export function sessionKey(inv: Inventory, w: Workload): string {
  const key = workloadKey(w);
  return identities(inv).duplicates.has(key) ? `${key}@${sourceText(w.source)}` : key;
}

/** The workload a session key names. */
export function workloadFor(inv: Inventory, key: string): Workload | undefined {
  const i = identities(inv).index.get(key);
  return i === undefined ? undefined : inv.workloads[i];
}

/** The key answers use for the workload a session key names (answers are per namespace/Kind/name). */
export function answerKey(inv: Inventory, key: string): string {
  const w = workloadFor(inv, key);
  return w === undefined ? key : workloadKey(w);
}

/**
 * The proposal for a workload's session key (`sessionKey`). The session's proposals are
 * `proposeFixes(inventory)`: one per workload, in inventory order, so a duplicate's proposal is the
 * one at its own position, never its twin's.
 */
export function proposalFor(s: Pick<Session, 'proposals' | 'inventory'>, key: string): FixProposal | undefined {
  const i = identities(s.inventory).index.get(key);
  const w = i === undefined ? undefined : s.inventory.workloads[i];
  if (w === undefined) return undefined;
  const p = s.proposals[i!];
  if (p !== undefined && workloadKey(p.workload) === workloadKey(w)) return p;
  // Not in step with the inventory: only an unambiguous key may be looked up by name.
  return identities(s.inventory).duplicates.has(workloadKey(w))
    ? undefined
    : s.proposals.find((x) => workloadKey(x.workload) === key);
}

/** Workloads of a namespace, sorted by kind and name. */
export function workloadsIn(inv: Inventory, ns: string): Workload[] {
  return inv.workloads
    .filter((w) => w.namespace === ns)
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind.localeCompare(b.kind)));
}

/** The Pod Security labels as set on the namespace (not PSA's defaults): `enforce=baseline@v1.30 warn=restricted`. */
function labelText(ns: NamespaceInfo | undefined): string {
  if (ns === undefined) return 'none';
  const parts = (['enforce', 'warn', 'audit'] as const).flatMap((m) => {
    const level = ns.labels[`pod-security.kubernetes.io/${m}`];
    const pin = ns.labels[`pod-security.kubernetes.io/${m}-version`];
    return level === undefined ? [] : [`${m}=${level}${pin !== undefined ? `@${pin}` : ''}`];
  });
  return parts.length === 0 ? 'none' : parts.join(' ');
}

const minLevel = (xs: Level[], start: Level): Level => xs.reduce((m, l) => (compareLevels(l, m) < 0 ? l : m), start);

/** The overview table of a session, one row per namespace, sorted by `sort`, filtered by substring. */
export function namespaceRows(s: Session, sort: SortKey = 'name', filter = ''): NamespaceRow[] {
  const names = [
    ...new Set([...s.inventory.namespaces.map((n) => n.name), ...s.inventory.workloads.map((w) => w.namespace)]),
  ];
  const rows = names.map((name): NamespaceRow => {
    const info = s.inventory.namespaces.find((n) => n.name === name);
    const ws = workloadsIn(s.inventory, name);
    const levels = ws.map((w) => strictestLevel(w.template, s.version, { isPod: w.kind === 'Pod' }));
    const props = ws
      .map((w) => proposalFor(s, sessionKey(s.inventory, w)))
      .filter((p): p is FixProposal => p !== undefined);
    const blocked = props.filter((p) => p.status === 'blocked');
    const blockedLevels = blocked.map((p) => levels[props.indexOf(p)] ?? 'privileged');
    const target = s.answers.targets[name] ?? s.target;
    return {
      name,
      system: info?.system ?? false,
      labels: labelText(info),
      strictest: minLevel(levels, 'restricted'),
      blockers: [...new Set(blocked.flatMap((p) => p.blockers))].sort(),
      recommended: minLevel(blockedLevels, target),
      workloads: ws.length,
      toFix: props.filter((p) => p.status === 'fixed' || p.status === 'review').length,
      exempted: s.answers.exemptions[name] !== undefined,
    };
  });
  const needle = filter.toLowerCase();
  const shown = needle === '' ? rows : rows.filter((r) => r.name.toLowerCase().includes(needle));
  const cmp: Record<SortKey, (a: NamespaceRow, b: NamespaceRow) => number> = {
    name: (a, b) => a.name.localeCompare(b.name),
    strictest: (a, b) => compareLevels(a.strictest, b.strictest) || a.name.localeCompare(b.name),
    blockers: (a, b) => b.blockers.length - a.blockers.length || a.name.localeCompare(b.name),
  };
  return shown.sort(cmp[sort]);
}

/** Answers with a workload added to (`skip`) or removed from the skip list; the same object when nothing changes. */
export function withSkip(a: Answers, key: string, skip: boolean): Answers {
  if (a.skip.includes(key) === skip) return a;
  const rest = a.skip.filter((k) => k !== key);
  return { ...a, skip: skip ? [...rest, key].sort() : rest };
}

/** The field an edit changes. */
export type EditField = 'uid' | 'writablePaths' | 'exemption';

/** Applies an edit to the answers, or returns a message saying what is wrong with `value`. */
export function applyEdit(
  a: Answers,
  field: EditField,
  key: string,
  namespace: string,
  value: string,
): Answers | string {
  const v = value.trim();
  switch (field) {
    case 'uid': {
      if (!/^\d+$/.test(v) || Number(v) < 1) return 'a UID is a whole number of 1 or more (0 is root)';
      // The operator's own answer: no longer a prefilled (demo) value.
      return { ...a, uids: { ...a.uids, [key]: Number(v) }, prefilled: a.prefilled.filter((k) => k !== key) };
    }
    case 'writablePaths': {
      const paths = v.split(/[\s,]+/).filter((p) => p !== '');
      if (paths.length === 0 || paths.some((p) => !p.startsWith('/')))
        return 'writable paths are absolute, separated by spaces or commas (e.g. /tmp /var/cache)';
      return {
        ...a,
        harden: true,
        writablePaths: { ...a.writablePaths, [key]: paths },
        prefilled: a.prefilled.filter((k) => k !== key),
      };
    }
    case 'exemption': {
      if (v === '') return 'an exemption needs a reason (it is recorded in the plan)';
      return { ...a, exemptions: { ...a.exemptions, [namespace]: v } };
    }
  }
}

/** The server's verdict on a namespace in one line (`server dry-run: agrees, restricted:v1.37 clean`), or why there is none. */
export function serverText(s: Pick<Session, 'verification' | 'verificationNote'>, namespace: string): string {
  const v = s.verification?.[namespace];
  if (v !== undefined) return `server dry-run: ${v.status}${v.detail !== '' ? `, ${v.detail}` : ''}`;
  if (s.verification !== undefined && Object.keys(s.verification).length > 0)
    return 'server dry-run: not checked for this namespace';
  return s.verificationNote ?? 'no server-side verification';
}

/** How far the operator got: each workload counted once, as decided, exempt (its namespace is) or open. */
export interface DecisionCounts {
  workloads: number;
  decided: number;
  exempt: number;
  open: number;
}

/** Decision counts of a session, or of one namespace; they always add up to the workloads. */
export function decisionCounts(
  s: Pick<Session, 'inventory' | 'decisions' | 'answers'>,
  namespace?: string,
): DecisionCounts {
  const ws = s.inventory.workloads.filter((w) => namespace === undefined || w.namespace === namespace);
  const exempt = ws.filter((w) => s.answers.exemptions[w.namespace] !== undefined).length;
  const decided = ws.filter(
    (w) => s.answers.exemptions[w.namespace] === undefined && s.decisions[sessionKey(s.inventory, w)] !== undefined,
  ).length;
  return { workloads: ws.length, decided, exempt, open: ws.length - decided - exempt };
}

/** `11 workloads: 3 decided, 2 exempt, 6 open` (parts that are 0 left out, open always shown). */
export function decisionText(c: DecisionCounts): string {
  const parts = [
    c.decided > 0 ? `${c.decided} decided` : null,
    c.exempt > 0 ? `${c.exempt} exempt` : null,
    `${c.open} open`,
  ].filter((x): x is string => x !== null);
  return `${c.workloads} workload${c.workloads === 1 ? '' : 's'}: ${parts.join(', ')}`;
}
