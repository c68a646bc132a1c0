// `podsec apply` killed in the middle of a phase (SIGKILL right after its N-th write, before the
// result reaches the journal) and run again: every step is applied exactly once, the step that
// was in flight is found applied from the live state, and the journal stays consistent.
// The behaviour under test is the journal's, not the pods': rollouts are followed until the new
// pods are admitted (`--wait admitted`) on the plain control plane, whose pods never start. The
// rollout gate on real pods (readiness, restarts, a failed rollout rolled back) is tested on the
// real node: apply-rollout.test.ts, apply-migration.test.ts, node-incident.test.ts.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalProblems, stepState, type JournalEntry } from '../../src/apply/journal-model.js';
import { deleteNamespace, kubeConfigFor, kubeconfigPath } from '../harness/env.js';
import { podsec, seedCopy, type Estate } from '../helpers/apply-estate.js';

const P = 'pod-security.kubernetes.io/';
const kc = kubeConfigFor();
const dir = join(mkdtempSync(join(tmpdir(), 'podsec-resume-it-')), 'plan');
let estate: Estate;

const journal = (): JournalEntry[] =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);
const intents = (step: string) =>
  journal().filter((e) => e.step === step && e.action === 'apply' && e.status === 'intended').length;
const crash = (args: string[], n: number) =>
  podsec(['apply', dir, '--yes', '--wait', 'admitted', '--timeout', '60', ...args], kubeconfigPath(), {
    PODSEC_TEST_EXIT_AFTER_WRITES: String(n),
  });
const run = (args: string[]) =>
  podsec(['apply', dir, '--yes', '--wait', 'admitted', '--timeout', '60', ...args], kubeconfigPath());

describe('podsec apply: killed mid-phase, then resumed', () => {
  beforeAll(async () => {
    estate = await seedCopy(kc, ['shop', 'web']);
    const r = await podsec(['plan', ...estate.all.flatMap((n) => ['-n', n]), '--out', dir], kubeconfigPath());
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const n of estate?.all ?? []) await deleteNamespace(kc, n);
  });

  it('a label phase killed after its first write resumes without writing it again', async () => {
    const killed = await crash([], 1);
    expect(killed.signal).toBe('SIGKILL');
    const [first] = journal();
    expect(first?.status).toBe('intended');
    expect(stepState(journal(), first!.step).state).toBe('inDoubt');
    const resumed = await run([]);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('found applied after an interruption');
    expect(intents(first!.step)).toBe(1);
    for (const ns of estate.all)
      expect((await kc.makeApiClient(CoreV1Api).readNamespace({ name: ns })).metadata?.labels?.[`${P}warn`]).toBe(
        'restricted',
      );
    expect(journalProblems(journal())).toEqual([]);
  });

  it('a workload phase killed after its third patch resumes: each Deployment patched exactly once', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const killed = await crash(['--phase', '2-fix'], 3);
    expect(killed.signal).toBe('SIGKILL');
    const inDoubt = journal().at(-1)!;
    expect(inDoubt).toMatchObject({ action: 'apply', status: 'intended', phase: '2-fix' });
    const resumed = await run(['--phase', '2-fix']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    const steps = [
      ...new Set(
        journal()
          .filter((e) => e.phase === '2-fix')
          .map((e) => e.step),
      ),
    ];
    // shop's vote and worker are held by the planner (unanswered questions), so fewer than all.
    expect(steps.length).toBeGreaterThanOrEqual(4);
    for (const s of steps) {
      expect(intents(s), s).toBe(1);
      expect(stepState(journal(), s).state, s).toBe('verified');
    }
    expect(journal().find((e) => e.step === inDoubt.step && e.status === 'applied')?.message).toBe(
      'found applied after an interruption',
    );
    const patched = new Set(
      journal()
        .filter((e) => e.phase === '2-fix' && e.kind === 'Deployment')
        .map((e) => `${e.namespace}/${e.name}`),
    );
    for (const namespace of estate.all) {
      for (const d of (await apps.listNamespacedDeployment({ namespace })).items) {
        // One template change for each patched Deployment: revision 2, one new ReplicaSet; none for the others.
        expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], d.metadata?.name).toBe(
          patched.has(`${namespace}/${d.metadata?.name}`) ? '2' : '1',
        );
      }
    }
    expect(patched.size).toBeGreaterThanOrEqual(3);
    expect(journalProblems(journal())).toEqual([]);
  });

  it('refuses a plan made for another cluster, naming both contexts, unless --force', async () => {
    const other = join(mkdtempSync(join(tmpdir(), 'podsec-other-')), 'plan');
    cpSync(dir, other, { recursive: true });
    const planFile = join(other, 'plan.json');
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { cluster: { context: string } };
    plan.cluster.context = 'prod-eu';
    writeFileSync(planFile, JSON.stringify(plan));
    const r = await podsec(['apply', other, '--yes', '--dry-run'], kubeconfigPath());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: the plan was made for context "prod-eu" \(https:\/\/127\.0\.0\.1:\d+\), but the current one is "[^"]+"/,
    );
    expect(r.stderr).toContain('--force');
    const forced = await podsec(['apply', other, '--dry-run', '--force'], kubeconfigPath());
    expect(forced.stderr).toContain('(continuing: --force)');
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(forced.stdout).toContain('(dry run: nothing was written)');
  });
});
