// Shell: reads DIR/plan.json back and validates it against the plan schema; a broken plan is a
// UserError naming the field paths (`workloads.3.patch: ...`).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { planIssues, planSchema, type Plan } from '../plan/plan-schema.js';

/** Reads and validates `dir/plan.json`. */
export async function readPlan(dir: string): Promise<Plan> {
  const path = join(dir, 'plan.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      'point at a directory written by `podsec plan --out DIR`',
    );
  }
  return parsePlanText(text, path);
}

/** Parses and validates plan.json text; `where` names the file in errors. */
export function parsePlanText(text: string, where = 'plan.json'): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${where} is not valid JSON: ${(err as Error).message}`,
      'regenerate the plan with `podsec plan`',
    );
  }
  const issues = planIssues(data);
  if (issues.length > 0) {
    const shown = issues.slice(0, 5).join('; ');
    throw new UserError(
      `${where} is not a valid plan: ${shown}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`,
      'regenerate the plan with `podsec plan`, or fix the named fields',
    );
  }
  return planSchema.parse(data);
}
