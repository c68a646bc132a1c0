// Shell: YAML that an operator hands podsec outside the manifest scan (an --answers file, a plan's
// patch files), parsed without surprises: one document, bounded alias expansion (an alias bomb is
// an error, not gigabytes), no mapping or list as a key (the yaml library would stringify it and
// print a Node warning on stderr), duplicate keys refused. Problems are thrown as plain Errors with
// a one-line message (line number included); callers wrap them in their own error type.

import { isCollection, isScalar, LineCounter, parseDocument, visit } from 'yaml';

/** Alias nodes a document may resolve (the yaml library's default, stated here on purpose). */
export const MAX_ALIASES = 100;

/**
 * The data of a single-document YAML (or JSON) text; throws an Error with a one-line reason.
 *
 * Duplicate keys are found here with a set per mapping, not by the yaml library's `uniqueKeys`,
 * which compares each key with every earlier one (a 100,000-entry answers file took 143 s). The
 * message is the library's own ("Map keys must be unique at line L, column C"), and it is reported
 * when it comes before the first other parse error, as the library would have listed it.
 */
export function parseYamlInput(text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, logLevel: 'error', prettyErrors: true, lineCounter });
  let duplicateAt = -1;
  let bad: string | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key;
        if (!isScalar(key)) continue;
        const value = key.value;
        // the library compares scalar values with ===: NaN is never a duplicate
        if (seen.has(value) && !Number.isNaN(value)) {
          const at = key.range?.[0] ?? -1;
          if (at >= 0 && (duplicateAt < 0 || at < duplicateAt)) duplicateAt = at;
        } else seen.add(value);
      }
      return undefined;
    },
    Pair(_key, pair) {
      if (bad === undefined && isCollection(pair.key)) {
        const line = pair.key.range ? ` (line ${lineCounter.linePos(pair.key.range[0]).line})` : '';
        bad = `a mapping or list cannot be a key${line}`;
      }
      return undefined;
    },
  });
  const first = doc.errors[0];
  if (duplicateAt >= 0 && (first === undefined || duplicateAt < first.pos[0])) {
    const { line, col } = lineCounter.linePos(duplicateAt);
    // prettyErrors ends the line with ':' when the source line (or the one before) has text
    const starts = lineCounter.lineStarts;
    const context = text.slice(starts[line - 2] ?? starts[line - 1], starts[line]);
    const colon = /[^ \r\n]/.test(context) ? ':' : '';
    throw new Error(`Map keys must be unique at line ${line}, column ${col}${colon}`);
  }
  if (first !== undefined) throw new Error(first.message.split('\n')[0] ?? 'invalid YAML');
  if (bad !== undefined) throw new Error(bad);
  return doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
}
