// What a patch file that apply reads may change: every patch the planner writes passes; edits
// outside the pod template's security-relevant fields (replicas, image, a Secret volume, another
// object) are refused, whatever the digest says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyPhase } from '../../src/apply/apply-phase.js';
import { patchFileProblems } from '../../src/apply/plan-files.js';
import { UserError } from '../../src/errors.js';
import { FakeCluster, MemoryJournal, ports } from './fakes.js';
import { parsePlanText } from '../../src/files/read-plan.js';
import type { Plan, PlanStep } from '../../src/plan/plan-schema.js';

const ROOT = join(import.meta.dirname, '../..');
type PatchStep = Extract<PlanStep, { type: 'patch' }>;

function load(dir: string): { plan: Plan; steps: PatchStep[]; read: (f: string) => Record<string, unknown> } {
  const plan = parsePlanText(readFileSync(join(ROOT, dir, 'plan.json'), 'utf8'));
  const steps = plan.phases.flatMap((p) => p.steps).filter((s): s is PatchStep => s.type === 'patch');
  return { plan, steps, read: (f) => parse(readFileSync(join(ROOT, dir, f), 'utf8')) as Record<string, unknown> };
}

describe('patchFileProblems', () => {
  for (const dir of ['plans/demo', 'test/fixtures/plans/realworld']) {
    it(`accepts every patch the planner wrote in ${dir}`, () => {
      const { plan, steps, read } = load(dir);
      expect(steps.length).toBeGreaterThan(3);
      for (const s of steps) expect(patchFileProblems(plan, s, read(s.file)), s.file).toEqual([]);
    });
  }

  const { plan, steps, read } = load('plans/demo');
  const vote = steps.find((s) => s.name === 'vote')!;
  const cron = steps.find((s) => s.kind === 'CronJob')!;
  const edit = (f: (p: any) => void, step = vote) => {
    const p = read(step.file);
    f(p);
    return patchFileProblems(plan, step, p);
  };

  it.each([
    ['replicas: 0', (p: any) => (p.spec.replicas = 0), /spec\.replicas: outside the pod template \(replicas/],
    [
      'a new image',
      (p: any) => (p.spec.template.spec.containers[0].image = 'evil.example/miner'),
      /containers\[vote\]\.image: outside/,
    ],
    ['a command', (p: any) => (p.spec.template.spec.containers[0].command = ['sh']), /command: outside/],
    [
      'env',
      (p: any) => (p.spec.template.spec.containers[0].env = [{ name: 'LD_PRELOAD', value: '/x' }]),
      /env: outside/,
    ],
    [
      'a Secret volume',
      (p: any) => p.spec.template.spec.volumes.push({ name: 's', secret: { secretName: 'db' } }),
      /volumes\[s\]: only emptyDir/,
    ],
    [
      'a mount of a volume the patch does not add',
      (p: any) => p.spec.template.spec.containers[0].volumeMounts.push({ name: 'data', mountPath: '/x' }),
      /only mounts of the emptyDir/,
    ],
    ['another object', (p: any) => (p.metadata.name = 'other'), /metadata\.name: "other" is not the step's object/],
    ['another namespace', (p: any) => (p.metadata.namespace = 'kube-system'), /metadata\.namespace/],
    ['another kind', (p: any) => (p.kind = 'Secret'), /kind: "Secret"/],
    ['a label', (p: any) => (p.metadata.labels = { a: 'b' }), /metadata\.labels: outside/],
    [
      'hostNetwork: true',
      (p: any) => (p.spec.template.spec.hostNetwork = true),
      /hostNetwork: may only be set to false/,
    ],
    [
      'a serviceAccountName',
      (p: any) => (p.spec.template.spec.serviceAccountName = 'admin'),
      /serviceAccountName: outside/,
    ],
    [
      'a removed container',
      (p: any) => p.spec.template.spec.containers.push({ name: 'vote', $patch: 'delete' }),
      /removes a container/,
    ],
    ['a replaced list', (p: any) => p.spec.template.spec.containers.push({ $patch: 'replace' }), /without a name/],
    [
      'template labels',
      (p: any) => (p.spec.template.metadata = { labels: { app: 'x' } }),
      /template\.metadata\.labels: outside/,
    ],
    ['a strategy', (p: any) => (p.spec.strategy = { type: 'Recreate' }), /spec\.strategy: outside/],
    ['not a mapping', (p: any) => (p.spec = 'x'), /spec: not a mapping/],
  ])('refuses %s', (_what, f, re) => {
    const problems = edit(f);
    expect(problems.join('\n')).toMatch(re);
  });

  it('follows the CronJob template path', () => {
    expect(edit((p) => (p.spec.schedule = '* * * * *'), cron).join('\n')).toMatch(/spec\.schedule: outside/);
    expect(edit((p) => (p.spec.jobTemplate.spec.parallelism = 100), cron).join('\n')).toMatch(
      /spec\.jobTemplate\.spec\.parallelism: outside/,
    );
    expect(edit(() => undefined, cron)).toEqual([]);
  });

  it('refuses a patch that is not a mapping (an empty or scalar file)', () => {
    expect(patchFileProblems(plan, vote, null)).toEqual(['the patch is not a mapping']);
    expect(patchFileProblems(plan, vote, 'x')).toEqual(['the patch is not a mapping']);
  });
});

describe('applyPhase with a bad plan file', () => {
  it('checks every patch file first: one bad file refuses its step, skips the rest, writes nothing, and reports all', async () => {
    const { plan, steps, read } = load('plans/demo');
    const fix = plan.phases.find((p) => p.id === '2-fix')!;
    const fixSteps = steps.filter((s) => fix.steps.includes(s) && s.method === 'patch');
    const bad = fixSteps[2]!;
    const cluster = new FakeCluster();
    const journal = new MemoryJournal();
    let reads = 0;
    const p = {
      ...ports(cluster, journal),
      readPlanFile: async (rel: string) => {
        reads++;
        if (rel === bad.file)
          throw new UserError(`plan file ${rel} was changed after podsec plan wrote it`, 'regenerate the plan');
        if (rel === fixSteps[3]!.file) return { ...read(rel), spec: { replicas: 0 } };
        return read(rel);
      },
    };
    const report = await applyPhase(
      plan,
      '2-fix',
      { confirm: async () => true, progress: () => undefined, dryRun: false, force: true, assumeYes: true },
      p,
    );
    expect(reads).toBe(fixSteps.length);
    const by = (o: string) => report.outcomes.filter((x) => x.outcome === o);
    expect(by('refused').map((o) => o.message)).toEqual([
      `plan file ${bad.file} was changed after podsec plan wrote it`,
      `plan file ${fixSteps[3]!.file} changes more than the pod template's security settings`,
    ]);
    expect(by('refused')[0]!.details).toEqual(['regenerate the plan']);
    expect(by('skipped')).toHaveLength(fixSteps.length - 2);
    expect(cluster.writes).toEqual([]);
    expect(cluster.dryRuns).toEqual([]);
    expect(journal.entries).toEqual([]);
  });
});
