// readPlan: a valid plan comes back typed; a broken one is a UserError naming the field path.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlanText, readPlan } from '../../src/files/read-plan.js';
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

describe('plan.json with hostile names and paths', () => {
  it.each([
    [
      'a step namespace that is a path',
      (p: any) => (p.phases[1].steps[0].namespace = 'kube-system/secrets/podsec-canary'),
      /phases\.1\.steps\.0\.namespace: not a valid namespace name/,
    ],
    [
      'a step name that reaches a subresource',
      (p: any) => (p.phases[1].steps[0].name = 'vote/status'),
      /phases\.1\.steps\.0\.name: not a valid/,
    ],
    [
      'a step name that is an option',
      (p: any) => (p.phases[1].steps[0].name = '--server=https://127.0.0.1:1'),
      /not a valid/,
    ],
    ['a namespace of ..', (p: any) => (p.namespaces[0].name = '..'), /namespaces\.0\.name: not a valid namespace name/],
    [
      'a step kind that is not a workload',
      (p: any) => (p.phases[1].steps[0].kind = 'Secret'),
      /phases\.1\.steps\.0\.kind/,
    ],
    [
      'a NUL byte in a file path',
      (p: any) => (p.phases[1].steps[0].file = '2-fix/shop/a\u0000b.yaml'),
      /must be a relative path inside the plan directory/,
    ],
    [
      'a file outside DIR',
      (p: any) => (p.phases[1].steps[0].file = '../kubeconfig'),
      /must be a relative path inside the plan directory/,
    ],
    ['a bad digest', (p: any) => (p.files['PLAN.md'] = 'x'), /files\.PLAN\.md: must be a SHA-256 digest/],
  ])('refuses %s', (_what, edit, re) => {
    const p = JSON.parse(readFileSync(join(import.meta.dirname, '../../plans/demo/plan.json'), 'utf8'));
    edit(p);
    expect(() => parsePlanText(JSON.stringify(p))).toThrow(re);
  });
});

describe('readPlan streaming (plan.json above the size limit, read workload by workload)', () => {
  const streamed = { streamAbove: 0 };

  it('returns the same plan as the whole-text read, pretty-printed or compact', async () => {
    const { bundle, files } = await demoPlan();
    const pretty = mkdtempSync(join(tmpdir(), 'podsec-read-'));
    writeFileSync(join(pretty, 'plan.json'), files.find((f) => f.path === 'plan.json')!.contents);
    const whole = await readPlan(pretty);
    expect(await readPlan(pretty, streamed)).toEqual(whole);
    expect(whole.workloads.length).toBe(bundle.plan.workloads.length);
    expect(await readPlan(await withPlan(() => {}), streamed)).toEqual(bundle.plan);
  });

  it.each([
    ['a wrong workload value', (p: any) => (p.workloads[3].status = 'great')],
    ['a hostile workload path', (p: any) => (p.workloads[0].patch = '../../etc/passwd')],
    ['a wrong step outside the workloads', (p: any) => (p.phases[1].steps[0].name = 'vote/status')],
    ['an unknown top-level field', (p: any) => (p.extra = 1)],
    ['workloads that are not a list', (p: any) => (p.workloads = 'none')],
    [
      'problems inside and outside the workloads',
      (p: any) => {
        p.apiVersion = 'x';
        p.workloads[1].kind = 7;
        p.summary = [];
      },
    ],
  ])('gives the same error as the whole-text read for %s', async (_what, mutate) => {
    const dir = await withPlan(mutate);
    const whole = await readPlan(dir).then(
      () => 'accepted',
      (e: Error) => e.message,
    );
    expect(whole).toMatch(/is not a valid plan: /);
    await expect(readPlan(dir, streamed)).rejects.toThrow(whole);
  });

  it('is a clean error for broken or truncated JSON', async () => {
    const { files } = await demoPlan();
    const text = files.find((f) => f.path === 'plan.json')!.contents;
    for (const broken of [
      text.slice(0, Math.floor(text.length / 2)),
      text.replace('"workloads": [', '"workloads": [,'),
      '{',
    ]) {
      const dir = mkdtempSync(join(tmpdir(), 'podsec-read-'));
      writeFileSync(join(dir, 'plan.json'), broken);
      await expect(readPlan(dir, streamed)).rejects.toThrow(/plan\.json is not valid JSON/);
    }
  });
});
