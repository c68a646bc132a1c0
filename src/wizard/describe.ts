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
  return ev.violations.map((v) => ({ check: v.check, title: EXPLANATIONS.find((x) => x.id === v.check)?.title ?? v.check, detail: v.detail }));
}

/** One line of a diff: added, removed or unchanged context. */
export interface DiffLine {
  op: '+' | '-' | ' ';
  text: string;
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
  return all.filter((l, k) => l.op !== ' ' || near(k)).filter((l) => l.text !== '' || l.op !== ' ');
}

/** The fix as a diff of the pod template's spec (YAML). Empty when nothing changes. */
export function templateDiff(before: PodTemplate, after: PodTemplate): DiffLine[] {
  const y = (t: PodTemplate) => stringify(t.spec, { lineWidth: 0 }).trimEnd();
  const a = y(before);
  const b = y(after);
  return a === b ? [] : lineDiff(a, b);
}

/** Where a value came from, in a few words. */
export function sourceText(s: ValueSource | undefined): string {
  if (s === undefined) return 'what the level requires';
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

/** One line per change: path = value, confidence, source; behavioural changes are marked. */
export function changeLines(changes: readonly FixChange[]): string[] {
  return changes.map((c) => {
    const value = c.op === 'remove' ? '(removed)' : JSON.stringify(c.value);
    const mark = c.behavioural ? ' [changes behaviour]' : c.purpose === 'hardening' ? ' [hardening]' : '';
    return `${c.path} = ${value}  (${c.confidence} confidence, ${sourceText(c.source)})${mark}`;
  });
}

/** A status word that does not rely on colour. */
export function statusLabel(p: FixProposal | undefined): string {
  if (p === undefined) return '?';
  return { compliant: 'OK compliant', fixed: '+ fixed', review: '! review', blocked: 'x blocked' }[p.status];
}
