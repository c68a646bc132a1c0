// Plain-words views of a workload for the namespace step: failing checks with their details, the
// proposed fix as a line diff of the pod template (YAML), and every value's confidence and source.
// Shared by the TUI and line mode. Pure.

import { stringify } from 'yaml';
import type { FixChange, FixProposal, ValueSource } from '../fix/index.js';
import type { PodTemplate, Workload } from '../inventory/types.js';
import { evaluatePod } from '../policy/index.js';
import { EXPLANATIONS } from '../policy/explain.js';

/** A failing check in plain words. */
export interface FailingCheck {
  check: string;
  title: string;
  detail: string;
}

/** The checks the workload fails at the proposal's target, with upstream details. */
export function failingChecks(w: Workload, p: FixProposal): FailingCheck[] {
  const ev = evaluatePod(w.template, p.target, p.version, { isPod: w.kind === 'Pod' });
  return ev.violations.map((v) => ({
    check: v.check,
    title: EXPLANATIONS.find((x) => x.id === v.check)?.title ?? v.check,
    detail: v.detail,
  }));
}

/** One line of a diff: added, removed, unchanged context, or `~` between two hunks that are not adjacent. */
export interface DiffLine {
  op: '+' | '-' | ' ' | '~';
  text: string;
}

/** A diff line as text (`+ x`, `- x`, `  x`, and `  ...` between hunks). */
export function diffLineText(l: DiffLine): string {
  return l.op === '~' ? '  ...' : `${l.op} ${l.text}`;
}

/** Line diff (LCS) of two texts, with `context` unchanged lines kept around each change. */
export function lineDiff(before: string, after: string, context = 1): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const all: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      all.push({ op: ' ', text: a[i] ?? '' });
      i++;
      j++;
    } else if (j < m && (i >= n || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      all.push({ op: '+', text: b[j] ?? '' });
      j++;
    } else {
      all.push({ op: '-', text: a[i] ?? '' });
      i++;
    }
  }
  const near = (k: number) => all.slice(Math.max(0, k - context), k + context + 1).some((l) => l.op !== ' ');
  const out: DiffLine[] = [];
  let last = -1;
  all.forEach((l, k) => {
    if ((l.op === ' ' && !near(k)) || (l.text === '' && l.op === ' ')) return;
    if (last >= 0 && k > last + 1) out.push({ op: '~', text: '' });
    out.push(l);
    last = k;
  });
  return out;
}

/** The fix as a diff of the pod template's spec (YAML). Empty when nothing changes. */
export function templateDiff(before: PodTemplate, after: PodTemplate): DiffLine[] {
  const y = (t: PodTemplate) => stringify(t.spec, { lineWidth: 0 }).trimEnd();
  const a = y(before);
  const b = y(after);
  return a === b ? [] : lineDiff(a, b);
}

/** Where a value came from, in a few words (no source: what the level requires, or hardening beyond any level). */
export function sourceText(s: ValueSource | undefined, purpose: FixChange['purpose'] = 'required'): string {
  if (s === undefined) return purpose === 'hardening' ? 'not required by any level' : 'what the level requires';
  switch (s.kind) {
    case 'workload':
      return `workload: ${s.detail}`;
    case 'catalogue':
      return `image catalogue: ${s.image}`;
    case 'evidence':
      return `evidence: ${s.detail}`;
    case 'answer':
      return s.prefilled === true ? `prefilled by the demo (${s.key})` : `your answer (${s.key})`;
    case 'default':
      return `default: ${s.detail}`;
  }
}

/** One line per change: the marks first (behaviour, hardening), then path = value, confidence and source. */
export function changeLines(changes: readonly FixChange[]): string[] {
  return changes.map((c) => {
    const value = c.op === 'remove' ? '(removed)' : JSON.stringify(c.value);
    const mark = c.behavioural ? '[changes behaviour] ' : c.purpose === 'hardening' ? '[hardening] ' : '';
    return `${mark}${c.path} = ${value}  (${c.confidence} confidence, ${sourceText(c.source, c.purpose)})`;
  });
}

/** A status in words that do not rely on colour: what the proposal is before anyone accepts it. */
export function statusLabel(p: FixProposal | undefined): string {
  if (p === undefined) return '?';
  return { compliant: 'OK compliant', fixed: '+ fix proposed', review: '! needs review', blocked: 'x blocked' }[
    p.status
  ];
}

/** Live pod health of a workload in a few words (`2 pods CrashLoopBackOff, 27 restarts`), or null when unknown. */
export function podHealth(w: Workload): string | null {
  const pods = w.live?.podStatuses;
  if (pods === undefined) return w.live !== undefined ? `${w.live.pods} pod${w.live.pods === 1 ? '' : 's'}` : null;
  if (pods.length === 0) return w.replicas === 0 ? 'scaled to 0' : 'no pods';
  const states = [...new Set(pods.map((p) => p.reason ?? p.phase))].join('/');
  const restarts = pods.reduce((n, p) => n + p.restarts, 0);
  return `${pods.length} pod${pods.length === 1 ? '' : 's'} ${states}${restarts > 0 ? `, ${restarts} restart${restarts === 1 ? '' : 's'}` : ''}`;
}
