// Pure: `plan -f DIR --edit-sources`: each fixed workload's final template written into the
// manifest file it came from (the yaml Document API keeps comments, key order, indentation and
// the other documents), with a unified diff per file. Workloads with an open question or a
// behaviour change to review are left out: a patch with an open question is never written.

import { createTwoFilesPatch } from 'diff';
import { editSourceText, patchedObject, toJsonPatch } from '../fix/index.js';
import { workloadKey, type Inventory } from '../inventory/types.js';
import type { PlanBundle } from '../plan/index.js';
import { finalTemplate } from './helm-plan.js';

export interface SourceEdit {
  file: string;
  workloads: string[];
  before: string;
  after: string;
  diff: string;
}

/** The key of a line that ignores the spacing before an end-of-line comment (the yaml library folds it). */
const lineKey = (line: string): string => line.replace(/\s+#/, ' #');

/** `after` with every line that differs from an original line only in comment spacing put back as it was. */
export function keepOriginalLines(before: string, after: string): string {
  const originals = new Map<string, string>();
  for (const line of before.split('\n')) if (!originals.has(lineKey(line))) originals.set(lineKey(line), line);
  const exact = new Set(before.split('\n'));
  return after
    .split('\n')
    .map((line) => (exact.has(line) ? line : (originals.get(lineKey(line)) ?? line)))
    .join('\n');
}

/** The edited texts of the files whose workloads the plan fixes; `texts` maps file -> current text. */
export function sourceEdits(
  bundle: PlanBundle,
  inventory: Inventory,
  texts: ReadonlyMap<string, string>,
): { edits: SourceEdit[]; skipped: { key: string; reason: string }[] } {
  const byFile = new Map<
    string,
    { key: string; document: number; item: number | undefined; patch: ReturnType<typeof toJsonPatch> }[]
  >();
  const skipped: { key: string; reason: string }[] = [];
  for (const w of inventory.workloads) {
    if (!('file' in w.source)) continue;
    const key = workloadKey(w);
    const pw = bundle.plan.workloads.find(
      (x) =>
        x.namespace === w.namespace &&
        x.kind === w.kind &&
        x.name === w.name &&
        'file' in x.source &&
        x.source.file === (w.source as { file: string }).file,
    );
    if (pw === undefined || (pw.patch === null && pw.questions.length === 0)) continue;
    if (pw.status !== 'fixed' || pw.questions.length > 0 || pw.skipped !== null || pw.patch === null) {
      skipped.push({
        key,
        reason:
          pw.questions.length > 0
            ? `open question: ${pw.questions.map((q) => q.prompt).join('; ')}`
            : (pw.skipped ?? `status ${pw.status}: review the patch first`),
      });
      continue;
    }
    const after = finalTemplate(bundle, w);
    if (after === null) continue;
    const patch = toJsonPatch(w.object, patchedObject(w, after));
    const list = byFile.get(w.source.file) ?? [];
    list.push({ key, document: w.source.document, item: w.source.item, patch });
    byFile.set(w.source.file, list);
  }
  const edits: SourceEdit[] = [];
  for (const [file, list] of [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const before = texts.get(file);
    if (before === undefined) continue;
    let after = before;
    for (const e of list) after = editSourceText(after, e.document, e.item, { jsonPatch: e.patch });
    after = keepOriginalLines(before, after);
    if (after === before) continue;
    const diff = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, {
      context: 3,
    }).replace(/^=+\n/m, '');
    edits.push({ file, workloads: list.map((e) => e.key), before, after, diff: diff.replace(/^Index: .*\n/m, '') });
  }
  return { edits, skipped };
}
