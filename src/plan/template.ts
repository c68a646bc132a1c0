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

/** Fills `{{name}}` placeholders; a placeholder without a value is a packaging bug. */
export function fillTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new InternalError(`template placeholder {{${name}}} has no value`);
    return v;
  });
}
