// readPlan: a valid plan comes back typed; a broken one is a UserError naming the field path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlan } from '../../src/files/read-plan.js';
import { UserError } from '../../src/errors.js';
import { demoPlan } from '../plan/helpers.js';

async function withPlan(mutate: (p: Record<string, unknown>) => void): Promise<string> {
  const { bundle } = await demoPlan();
  const data = structuredClone(bundle.plan) as unknown as Record<string, unknown>;
  mutate(data);
  const dir = mkdtempSync(join(tmpdir(), 'podsec-read-'));
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(data));
  return dir;
}

describe('readPlan', () => {
  it('returns the plan as written', async () => {
    const { bundle } = await demoPlan();
    expect(await readPlan(await withPlan(() => {}))).toEqual(bundle.plan);
  });

  it('names the field of a wrong value', async () => {
    const dir = await withPlan((p) => {
      (p['workloads'] as Record<string, unknown>[])[3]!['status'] = 'great';
    });
    await expect(readPlan(dir)).rejects.toThrow(/workloads\.3\.status/);
  });

  it('refuses a patch path that leaves the plan directory', async () => {
    const dir = await withPlan((p) => {
      (p['workloads'] as Record<string, unknown>[])[0]!['patch'] = '../../etc/passwd';
    });
    await expect(readPlan(dir)).rejects.toThrow(/workloads\.0\.patch: must be a relative path/);
  });

  it('is a UserError for a missing plan or broken JSON', async () => {
    await expect(readPlan(mkdtempSync(join(tmpdir(), 'podsec-read-')))).rejects.toBeInstanceOf(UserError);
    const dir = mkdtempSync(join(tmpdir(), 'podsec-read-'));
    writeFileSync(join(dir, 'plan.json'), '{');
    await expect(readPlan(dir)).rejects.toThrow(/not valid JSON/);
  });
});
