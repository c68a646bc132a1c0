import { describe, expect, it } from 'vitest';
import { applyPhase } from '../../src/apply/apply-phase.js';
import { journalProblems, stepState } from '../../src/apply/journal-model.js';
import { rollbackPhase } from '../../src/apply/rollback-phase.js';
import type { RunOptions } from '../../src/apply/run.js';
import { gateBlockers, lastAppliedPhase, nextPhase } from '../../src/apply/steps.js';
import { CancelledError } from '../../src/errors.js';
import { FakeCluster, MemoryJournal, labelPlan, observe, ports } from './fakes.js';

const P = 'pod-security.kubernetes.io/';

function opts(over: Partial<RunOptions> = {}): RunOptions {
  return { confirm: async () => true, progress: () => {}, dryRun: false, force: false, assumeYes: true, ...over };
}

function setup(names = ['a', 'b']) {
  const cluster = new FakeCluster();
  for (const n of names) cluster.addNamespace(n, { team: 'x' });
  return { cluster, journal: new MemoryJournal(), plan: labelPlan(names) };
}

describe('applyPhase (labels)', () => {
  it('applies, journals intent before result, and verifies by reading back', async () => {
    const { cluster, journal, plan } = setup();
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['applied', 'applied']);
    expect(cluster.namespaces.get('a')?.labels).toEqual({ team: 'x', ...observe() });
    expect(journal.entries.map((e) => `${e.step}:${e.status}`)).toEqual([
      '1-observe/labels/a:intended',
      '1-observe/labels/a:verified',
      '1-observe/labels/b:intended',
      '1-observe/labels/b:verified',
    ]);
    expect(journal.entries[0]).toMatchObject({
      user: 'tester',
      before: { type: 'labels', labels: {} },
      resourceVersionBefore: '1',
    });
    expect(journalProblems(journal.entries)).toEqual([]);
  });

  it('never writes in a dry run, not even the journal', async () => {
    const { cluster, journal, plan } = setup();
    const r = await applyPhase(plan, '1-observe', opts({ dryRun: true }), ports(cluster, journal));
    expect(r.outcomes.every((o) => o.outcome === 'wouldApply')).toBe(true);
    expect(cluster.writes).toEqual([]);
    expect(cluster.dryRuns).toEqual(['a', 'b']);
    expect(journal.entries).toEqual([]);
  });

  it('does not apply a step twice when run again', async () => {
    const { cluster, journal, plan } = setup();
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    const again = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal, 'run-2'));
    expect(again.outcomes.map((o) => o.outcome)).toEqual(['alreadyDone', 'alreadyDone']);
    expect(cluster.writes).toEqual(['a', 'b']);
  });

  it('resumes an interrupted step from the live state: written before the crash -> recorded, not rewritten', async () => {
    const { cluster, journal, plan } = setup(['a']);
    // The first run wrote its intent and the label, then died before the result.
    cluster.faults = ['lostResponse'];
    const crashing = ports(cluster, journal);
    const crashJournal = {
      read: journal.read.bind(journal),
      append: async (e: Parameters<typeof journal.append>[0]) => {
        if (e.status !== 'intended') throw new Error('crash');
        await journal.append(e);
      },
    };
    await expect(applyPhase(plan, '1-observe', opts(), { ...crashing, journal: crashJournal })).rejects.toThrow(
      'crash',
    );
    expect(stepState(journal.entries, '1-observe/labels/a').state).toBe('inDoubt');
    expect(cluster.writes).toEqual(['a']);
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal, 'run-2'));
    expect(r.outcomes[0]).toMatchObject({ outcome: 'alreadyDone', message: 'found applied after an interruption' });
    expect(cluster.writes).toEqual(['a']);
    expect(journalProblems(journal.entries)).toEqual([]);
  });

  it('settles a lost response by reading back instead of writing again', async () => {
    const { cluster, journal, plan } = setup(['a']);
    cluster.faults = ['lostResponse'];
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(r.outcomes[0]?.outcome).toBe('applied');
    expect(cluster.writes).toEqual(['a']);
    expect(journal.entries.at(-1)?.message).toMatch(/found in place/);
  });

  it('retries after a conflict when the labels are still as before', async () => {
    const { cluster, journal, plan } = setup(['a']);
    cluster.faults = ['conflictBeforeWrite'];
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(r.outcomes[0]?.outcome).toBe('applied');
    expect(cluster.writes).toEqual(['a']);
  });

  it('records a failed write when the server keeps failing, with nothing in place', async () => {
    const { cluster, journal, plan } = setup(['a']);
    cluster.faults = ['serverErrorBeforeWrite', 'serverErrorBeforeWrite', 'serverErrorBeforeWrite'];
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(r.outcomes[0]?.outcome).toBe('failed');
    expect(journal.entries.map((e) => e.status)).toEqual(['intended', 'failed']);
    expect(stepState(journal.entries, '1-observe/labels/a')).toMatchObject({ state: 'failed', written: false });
  });

  it('gates phases per namespace unless --force', async () => {
    const { cluster, journal, plan } = setup();
    await applyPhase(plan, '1-observe', opts({ namespaces: ['a'] }), ports(cluster, journal));
    const phase3 = plan.phases[1]!;
    expect(gateBlockers(plan, phase3, 'a', journal.entries)).toEqual([]);
    expect(gateBlockers(plan, phase3, 'b', journal.entries)).toEqual(['1-observe']);
    const r = await applyPhase(plan, '3-enforce-baseline', opts(), ports(cluster, journal));
    expect(r.outcomes.find((o) => o.namespace === 'b')).toMatchObject({ outcome: 'skipped' });
    expect(r.outcomes.find((o) => o.namespace === 'a')).toMatchObject({ outcome: 'applied' });
    expect(nextPhase(plan, journal.entries)?.id).toBe('1-observe');
    expect(nextPhase(plan, journal.entries, ['a'])?.id).toBe('4-enforce-restricted');
  });

  it('refuses an enforce step with violating pods under --yes, asks otherwise, and proceeds with --force', async () => {
    const { cluster, journal, plan } = setup(['a']);
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    cluster.warnings.set('a', [
      'existing pods in namespace "a" violate the new PodSecurity enforce level "baseline:v1.35"',
      'web-1: privileged',
    ]);
    const refused = await applyPhase(plan, '3-enforce-baseline', opts(), ports(cluster, journal));
    expect(refused.outcomes[0]).toMatchObject({
      outcome: 'refused',
      details: ['pod web-1 (a/Deployment/web): privileged'],
    });
    const asked: string[][] = [];
    const declined = await applyPhase(
      plan,
      '3-enforce-baseline',
      opts({
        assumeYes: false,
        confirm: async (q) => (asked.push([...q.details]), q.message.startsWith('Apply phase')),
      }),
      ports(cluster, journal),
    );
    expect(declined.outcomes[0]?.outcome).toBe('refused');
    expect(asked[1]).toEqual(['pod web-1 (a/Deployment/web): privileged']);
    const forced = await applyPhase(plan, '3-enforce-baseline', opts({ force: true }), ports(cluster, journal));
    expect(forced.outcomes[0]?.outcome).toBe('applied');
    expect(cluster.namespaces.get('a')?.labels[`${P}enforce`]).toBe('baseline');
  });

  it('skips a namespace whose labels drifted since planning unless confirmed', async () => {
    const { cluster, journal, plan } = setup(['a']);
    cluster.namespaces.get('a')!.labels[`${P}warn`] = 'baseline';
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(r.outcomes[0]).toMatchObject({
      outcome: 'skipped',
      details: [`${P}warn: plan expected (unset), cluster has baseline`],
    });
    const ok = await applyPhase(
      plan,
      '1-observe',
      opts({ assumeYes: false, confirm: async () => true }),
      ports(cluster, journal),
    );
    expect(ok.outcomes[0]?.outcome).toBe('applied');
  });

  it('throws CancelledError when the phase is declined, before any write', async () => {
    const { cluster, journal, plan } = setup(['a']);
    await expect(
      applyPhase(plan, '1-observe', opts({ assumeYes: false, confirm: async () => false }), ports(cluster, journal)),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(cluster.writes).toEqual([]);
    expect(journal.entries).toEqual([]);
  });

  it('asks the phase question once: not again when the operator confirmed after the dry run (the wizard); drift still asks', async () => {
    const { cluster, journal, plan } = setup(['a', 'b']);
    cluster.namespaces.get('b')!.labels[`${P}warn`] = 'baseline';
    const asked: string[] = [];
    const r = await applyPhase(
      plan,
      '1-observe',
      opts({ assumeYes: false, phaseConfirmed: true, confirm: async (q) => (asked.push(q.message), true) }),
      ports(cluster, journal),
    );
    expect(asked.some((m) => m.startsWith('Apply phase'))).toBe(false);
    expect(asked).toHaveLength(1);
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['applied', 'applied']);
  });
});

describe('rollbackPhase (labels)', () => {
  it('restores the labels recorded before the phase, newest first, and refuses while later phases are in place', async () => {
    const { cluster, journal, plan } = setup();
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    await applyPhase(plan, '3-enforce-baseline', opts(), ports(cluster, journal));
    const blocked = await rollbackPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(blocked.outcomes.every((o) => o.outcome === 'skipped')).toBe(true);
    expect(lastAppliedPhase(plan, journal.entries)?.id).toBe('3-enforce-baseline');
    const r3 = await rollbackPhase(plan, '3-enforce-baseline', opts(), ports(cluster, journal));
    expect(r3.outcomes.map((o) => `${o.namespace}:${o.outcome}`)).toEqual(['b:rolledBack', 'a:rolledBack']);
    expect(cluster.namespaces.get('a')?.labels).toEqual({ team: 'x', ...observe() });
    await rollbackPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(cluster.namespaces.get('a')?.labels).toEqual({ team: 'x' });
    expect(lastAppliedPhase(plan, journal.entries)).toBeNull();
    expect(journalProblems(journal.entries)).toEqual([]);
  });

  it('refuses to revert labels someone changed since, unless forced', async () => {
    const { cluster, journal, plan } = setup(['a']);
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    cluster.namespaces.get('a')!.labels[`${P}warn`] = 'baseline';
    const r = await rollbackPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(r.outcomes[0]?.outcome).toBe('refused');
    expect(cluster.namespaces.get('a')?.labels[`${P}warn`]).toBe('baseline');
    const forced = await rollbackPhase(plan, '1-observe', opts({ force: true }), ports(cluster, journal));
    expect(forced.outcomes[0]?.outcome).toBe('rolledBack');
    expect(cluster.namespaces.get('a')?.labels).toEqual({ team: 'x' });
  });

  it('can apply a phase again after rolling it back', async () => {
    const { cluster, journal, plan } = setup(['a']);
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    await rollbackPhase(plan, '1-observe', opts(), ports(cluster, journal));
    const again = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(again.outcomes[0]?.outcome).toBe('applied');
    expect(cluster.namespaces.get('a')?.labels).toEqual({ team: 'x', ...observe() });
    expect(journalProblems(journal.entries)).toEqual([]);
  });
});
