// Placeholder substitution for the shipped templates (templates/plan/*.tmpl): `{{name}}` is
// replaced in one pass, so values are never expanded again. Pure; the shell loads the text.

import { InternalError } from '../errors.js';

/** Template file names under templates/plan/ that the renderer needs. */
export const PLAN_TEMPLATE_FILES = [
  'PLAN.md.tmpl',
  'phase.md.tmpl',
  'apply.sh.tmpl',
  'rollback.sh.tmpl',
  'check-files.sh.tmpl',
] as const;
export type PlanTemplateName = (typeof PLAN_TEMPLATE_FILES)[number];
/** The loaded template texts, by file name. */
export type PlanTemplates = Record<PlanTemplateName, string>;

/** A placeholder value: a string, or a function giving its text in pieces (a large table). */
export type TemplateValue = string | (() => Iterable<string>);

/** The text of a filled template in pieces; a placeholder without a value is a packaging bug. */
export function* fillTemplateChunks(text: string, values: Readonly<Record<string, TemplateValue>>): Generator<string> {
  let at = 0;
  for (const m of text.matchAll(/\{\{(\w+)\}\}/g)) {
    const name = m[1] as string;
    const v = values[name];
    if (v === undefined) throw new InternalError(`template placeholder {{${name}}} has no value`);
    yield text.slice(at, m.index);
    if (typeof v === 'string') yield v;
    else yield* v();
    at = m.index + m[0].length;
  }
  yield text.slice(at);
}

/** Fills `{{name}}` placeholders in one pass, so values are never expanded again. */
export function fillTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return [...fillTemplateChunks(text, values)].join('');
}

/** `items` mapped (each to a string or its pieces) and joined with `sep`, in pieces. */
export function* joinedChunks<T>(
  items: Iterable<T>,
  line: (item: T) => string | Iterable<string>,
  sep = '\n',
): Generator<string> {
  let first = true;
  for (const item of items) {
    if (!first) yield sep;
    first = false;
    const l = line(item);
    if (typeof l === 'string') yield l;
    else yield* l;
  }
}

/** The pieces of `chunks` with the whole text's trailing whitespace removed (String#trimEnd). */
export function* trimEndChunks(chunks: Iterable<string>): Generator<string> {
  let last = '';
  let pending = '';
  for (const c of chunks) {
    if (c.trimEnd() === '') pending += c;
    else {
      if (last !== '' || pending !== '') yield last + pending;
      last = c;
      pending = '';
    }
  }
  yield last.trimEnd();
}
