// Objects that appear more than once (same kind, namespace and name in two files or documents):
// detected and reported, never merged. Each copy keeps its own verdicts and its own patch; applying
// both would leave only the last one in the cluster. Pure.

import { workloadKey, type Source, type WorkloadRef } from './types.js';

/** One kind/namespace/name read more than once, with every place it was read from. */
export interface Duplicate {
  key: string;
  sources: Source[];
}

/** A source as read back from plan.json (optional fields may be explicitly undefined). */
type LooseSource =
  { file: string; document: number; item?: number | undefined; line?: number | undefined } | { context: string };

/** Where an object was read, in words: `a.yaml document 2` or `cluster context x`. */
export function sourceText(s: LooseSource): string {
  if ('context' in s) return `cluster context ${s.context}`;
  return `${s.file} document ${s.document + 1}${s.item !== undefined ? ` item ${s.item + 1}` : ''}${s.line !== undefined ? ` (line ${s.line})` : ''}`;
}

/** Keys read more than once, in first-seen order, with their sources in reading order. */
export function findDuplicates(objects: readonly (WorkloadRef & { source: Source })[]): Duplicate[] {
  // Most keys are seen once: one Source per key, a list only for a repeat (100k-workload plans).
  const by = new Map<string, Source | Source[]>();
  for (const o of objects) {
    const key = workloadKey(o);
    const seen = by.get(key);
    if (seen === undefined) by.set(key, o.source);
    else if (Array.isArray(seen)) seen.push(o.source);
    else by.set(key, [seen, o.source]);
  }
  const out: Duplicate[] = [];
  for (const [key, sources] of by) if (Array.isArray(sources)) out.push({ key, sources });
  return out;
}

/** One line per duplicate, for scan and plan output. */
export function duplicateLines(dups: readonly { key: string; sources: readonly LooseSource[] }[]): string[] {
  return dups.map(
    (d) =>
      `${d.key} is defined ${d.sources.length} times (${d.sources.map(sourceText).join('; ')}): each copy is checked and patched on its own; applying them all keeps only the last`,
  );
}
