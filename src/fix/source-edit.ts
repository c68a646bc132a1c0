// Edits a manifest file's text to carry a proposal: only the workload's document is re-rendered
// (comments and key order kept by the yaml Document API, only changed nodes touched); every
// other document stays byte-identical. Pure: receives and returns text.

import jsonpatch from 'fast-json-patch';
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type ToStringOptions } from 'yaml';
import { isObj } from './draft.js';
import type { FixProposal } from './types.js';

type Path = (string | number)[];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Writes only what differs between `before` and `after` into the document at `path`. */
function applyDiff(doc: Document, path: Path, before: unknown, after: unknown): void {
  if (same(before, after)) return;
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (isObj(before) && isObj(after) && isMap(node)) {
    for (const key of Object.keys(before)) if (!(key in after)) doc.deleteIn([...path, key]);
    for (const [key, value] of Object.entries(after)) {
      if (key in before) applyDiff(doc, [...path, key], before[key], value);
      else doc.setIn([...path, key], doc.createNode(value));
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && isSeq(node) && after.length >= before.length) {
    before.forEach((b, i) => applyDiff(doc, [...path, i], b, after[i]));
    for (let i = before.length; i < after.length; i++) node.add(doc.createNode(after[i]));
    return;
  }
  if (isScalar(node) && (after === null || typeof after !== 'object')) {
    node.value = after;
    return;
  }
  doc.setIn(path, doc.createNode(after));
}

/** Rendering options that follow the file's own style (sequence indentation, flow padding). */
function styleOf(text: string): ToStringOptions {
  const indentSeq = !/^( *)[^\s#-][^\n]*:[ \t]*\r?\n\1- /m.test(text);
  const indent = /^[^\s#][^\n]*:[ \t]*\r?\n( +)\S/m.exec(text)?.[1]?.length ?? 2;
  return { indentSeq, indent, lineWidth: 0, doubleQuotedAsJSON: true, flowCollectionPadding: /[{[] \S/.test(text) };
}

/**
 * The file text with the proposal applied to document `documentIndex` (and List item `item`).
 * Returns the text unchanged when the proposal changes nothing.
 */
export function editSourceText(
  text: string,
  documentIndex: number,
  item: number | undefined,
  proposal: Pick<FixProposal, 'jsonPatch'>,
): string {
  if (proposal.jsonPatch.length === 0) return text;
  const docs = parseAllDocuments(text);
  const doc = docs[documentIndex];
  if (doc === undefined || !('contents' in doc)) throw new Error(`document ${documentIndex} not found`);
  const base: Path = item === undefined ? [] : ['items', item];
  const js: unknown = doc.toJS();
  const items = isObj(js) && Array.isArray(js['items']) ? js['items'] : [];
  const original: unknown = item === undefined ? js : items[item];
  const patched = jsonpatch.applyPatch(
    structuredClone(original),
    jsonpatch.deepClone(proposal.jsonPatch) as jsonpatch.Operation[],
    true,
    false,
  ).newDocument;
  applyDiff(doc, base, original, patched);
  const start = documentIndex === 0 ? 0 : (docs[documentIndex - 1]?.range[2] ?? 0);
  const end = doc.range[2];
  return text.slice(0, start) + doc.toString(styleOf(text)) + text.slice(end);
}
