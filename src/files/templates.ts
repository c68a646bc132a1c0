// Shell: loads the plan templates (templates/plan/*.tmpl) from the shipped templates folder; the
// pure renderer in src/plan/ substitutes their placeholders.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../errors.js';
import { PLAN_TEMPLATE_FILES, type PlanTemplates } from '../plan/template.js';

/** Folder of the plan templates inside templatesDir. */
export const PLAN_TEMPLATE_DIR = 'plan';

/** Reads every plan template; a missing one is a packaging bug (InternalError). */
export async function loadPlanTemplates(templatesDir: string): Promise<PlanTemplates> {
  const entries = await Promise.all(
    PLAN_TEMPLATE_FILES.map(async (name) => {
      const path = join(templatesDir, PLAN_TEMPLATE_DIR, name);
      try {
        return [name, await readFile(path, 'utf8')] as const;
      } catch (err) {
        throw new InternalError(`cannot read the plan template ${path}: ${(err as Error).message}`);
      }
    }),
  );
  return Object.fromEntries(entries) as PlanTemplates;
}
