// Shell: YAML that an operator hands podsec outside the manifest scan (an --answers file, a plan's
// patch files), parsed without surprises: one document, bounded alias expansion (an alias bomb is
// an error, not gigabytes), no mapping or list as a key (the yaml library would stringify it and
// print a Node warning on stderr), duplicate keys refused. Problems are thrown as plain Errors with
// a one-line message (line number included); callers wrap them in their own error type.

import { isCollection, LineCounter, parseDocument, visit } from 'yaml';

/** Alias nodes a document may resolve (the yaml library's default, stated here on purpose). */
export const MAX_ALIASES = 100;

/** The data of a single-document YAML (or JSON) text; throws an Error with a one-line reason. */
export function parseYamlInput(text: string): unknown {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, logLevel: 'error', prettyErrors: true, lineCounter });
  const first = doc.errors[0];
  if (first !== undefined) throw new Error(first.message.split('\n')[0] ?? 'invalid YAML');
  let bad: string | undefined;
  visit(doc, {
    Pair(_key, pair) {
      if (isCollection(pair.key)) {
        const line = pair.key.range ? ` (line ${lineCounter.linePos(pair.key.range[0]).line})` : '';
        bad = `a mapping or list cannot be a key${line}`;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (bad !== undefined) throw new Error(bad);
  return doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
}
