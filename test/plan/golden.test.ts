// Golden plans: plans/demo (from the bundled demo estate) and test/fixtures/plans/realworld are
// regenerated and compared byte for byte. UPDATE_GOLDEN=1 rewrites them (then review the diff).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writePlan } from '../../src/files/write-plan.js';
import { demoAnswers, demoPlan, readTree, realworldPlan, ROOT, type Generated } from './helpers.js';

const update = process.env['UPDATE_GOLDEN'] === '1';

async function compare(dir: string, gen: Generated): Promise<void> {
  if (update) {
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    await writePlan(dir, gen.files);
  }
  const onDisk = readTree(dir);
  expect([...onDisk.keys()].sort()).toEqual(gen.files.map((f) => f.path).sort());
  for (const f of gen.files) expect(onDisk.get(f.path), f.path).toBe(f.contents);
}

describe('golden plans', () => {
  it('plans/demo is what the demo estate and its answers give today', async () => {
    await compare(join(ROOT, 'plans/demo'), await demoPlan(demoAnswers()));
  });

  it('test/fixtures/plans/realworld is what test/fixtures/realworld gives today', async () => {
    await compare(join(ROOT, 'test/fixtures/plans/realworld'), await realworldPlan());
  });
});
