// Test helpers for plans: the demo estate and the real-world manifests as plan files, built the
// way `podsec plan` builds them (shell loaders, SHA-256, a fixed clock).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAnswersText } from '../../src/files/answers-file.js';
import { loadDemoEstate } from '../../src/files/demo.js';
import { generatePlan } from '../../src/files/generate-plan.js';
import { readFileInventory } from '../../src/files/read-manifests.js';
import { EMPTY_ANSWERS, type Answers } from '../../src/fix/index.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { PlanBundle, PlanFile } from '../../src/plan/index.js';
import { FIXTURES_DIR, REALWORLD_DIR } from '../helpers/corpora.js';

export const ROOT = join(import.meta.dirname, '../..');
export const TEMPLATES = join(ROOT, 'templates');
export const REALWORLD = REALWORLD_DIR;
export const FIXED_TIME = '2026-01-01T00:00:00.000Z';

export interface Generated {
  bundle: PlanBundle;
  files: PlanFile[];
}

export async function demoPlan(answers: Answers = EMPTY_ANSWERS): Promise<Generated> {
  const demo = await loadDemoEstate(TEMPLATES);
  return generatePlan(demo.inventory, {
    target: 'restricted',
    answers,
    exempt: [],
    harden: answers.harden,
    createdAt: FIXED_TIME,
    templatesDir: TEMPLATES,
    evidenceFor: demo.evidenceFor,
  });
}

/** The bundled demo answers (templates/demo/answers.yaml), used for plans/demo. */
export function demoAnswers(): Answers {
  return parseAnswersText(readFileSync(join(TEMPLATES, 'demo/answers.yaml'), 'utf8'), 'templates/demo/answers.yaml');
}

export async function realworldInventory(): Promise<Inventory> {
  return readFileInventory([REALWORLD], { cwd: FIXTURES_DIR });
}

export async function realworldPlan(): Promise<Generated> {
  return generatePlan(await realworldInventory(), {
    target: 'restricted',
    answers: EMPTY_ANSWERS,
    exempt: [],
    harden: false,
    createdAt: FIXED_TIME,
    templatesDir: TEMPLATES,
  });
}

/** Every file under a directory, by relative path. */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}
