// Apply and rollback on paths where the outcome or the journal could go wrong: journal writes
// that fail, outcomes settled by reading, changes reverted outside podsec, podsec's own recovery
// paths (each must leave a journal it accepts), and the access check before the first write.
import { describe, expect, it } from 'vitest';
import { applyPhase } from '../../src/apply/apply-phase.js';
import { journalProblems, stepState, type JournalEntry } from '../../src/apply/journal-model.js';
import { rollbackPhase } from '../../src/apply/rollback-phase.js';
import type { RunOptions } from '../../src/apply/run.js';
import { checkedWrite } from '../../src/apply/write.js';
import { ClusterError, UserError } from '../../src/errors.js';
import { FakeCluster, MemoryJournal, labelPlan, observe, ports } from './fakes.js';

const P = 'pod-security.kubernetes.io/';
const opts = (over: Partial<RunOptions> = {}): RunOptions => ({
  confirm: async () => true,
  progress: () => {},
  dryRun: false,
  force: false,
  assumeYes: true,
  ...over,
});
function setup(names = ['a', 'b']) {
  const cluster = new FakeCluster();
  for (const n of names) cluster.addNamespace(n, { team: 'x' });
  return { cluster, journal: new MemoryJournal(), plan: labelPlan(names) };
}

describe('a journal write that fails stops the phase', () => {
  it('before any further cluster write, and the step is settled by the next run', async () => {
    const { cluster, journal, plan } = setup(['a', 'b', 'c']);
    let appends = 0;
    const failing = {
      read: journal.read.bind(journal),
      append: async (e: JournalEntry) => {
        if (++appends === 4) throw new UserError('cannot write the journal: ENOSPC');
        await journal.append(e);
      },
    };
    // Entry 4 is b's result: b was written, c must not be.
    await expect(
      applyPhase(plan, '1-observe', opts(), { ...ports(cluster, journal), journal: failing }),
    ).rejects.toThrow(/ENOSPC/);
    expect(cluster.writes).toEqual(['a', 'b']);
    expect(stepState(journal.entries, '1-observe/labels/b').state).toBe('inDoubt');
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal, 'run-2'));
    expect(r.outcomes.map((o) => o.outcome)).toEqual(['alreadyDone', 'alreadyDone', 'applied']);
    expect(cluster.writes).toEqual(['a', 'b', 'c']);
    expect(journalProblems(journal.entries)).toEqual([]);
  });
});

describe('ambiguous outcomes are settled by reading', () => {
  const standingOf = (s: 'after' | 'before') => async () => ({ standing: s, resourceVersion: '9', value: { ok: s } });

  it('a 422 after the client resent a write that went through is a success', async () => {
    let writes = 0;
    const r = await checkedWrite({
      resourceVersion: '1',
      write: async () => {
        writes++;
        throw new ClusterError('invalid', 'the server rejected our request: the test operation failed');
      },
      standing: standingOf('after'),
    });
    expect(r).toEqual({
      kind: 'written',
      value: { ok: 'after' },
      note: 'the change was found in place after a failed response',
    });
    expect(writes).toBe(1);
  });

  it('a 422 with the object unchanged is the error it says', async () => {
    const r = await checkedWrite({
      resourceVersion: '1',
      write: async () => {
        throw new ClusterError('invalid', 'spec.template: Invalid value');
      },
      standing: standingOf('before'),
    });
    expect(r).toMatchObject({ kind: 'error', error: { kind: 'invalid' } });
  });

  it('a success the object does not show is written again', async () => {
    const { cluster, journal, plan } = setup(['a']);
    cluster.faults = ['fakeSuccess'];
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(r.outcomes[0]?.outcome).toBe('applied');
    expect(cluster.writes).toEqual(['a']);
    expect(cluster.namespaces.get('a')?.labels[`${P}warn`]).toBe('restricted');
  });
});

describe('apply checks the live object before trusting "verified"', () => {
  it('re-applies a change reverted outside podsec (e.g. a rollback whose response was lost)', async () => {
    const { cluster, journal, plan } = setup(['a', 'b']);
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    cluster.namespaces.get('a')!.labels = { team: 'x' }; // reverted behind the journal's back
    const progress: string[] = [];
    const r = await applyPhase(
      plan,
      '1-observe',
      opts({ progress: (l) => progress.push(l) }),
      ports(cluster, journal, 'run-2'),
    );
    expect(r.outcomes.map((o) => `${o.target}:${o.outcome}`)).toEqual([
      'namespace b:alreadyDone',
      'namespace a:applied',
    ]);
    expect(progress).toContain('1-observe: namespace a was found reverted outside podsec; applying it again');
    expect(cluster.namespaces.get('a')?.labels).toEqual({ team: 'x', ...observe() });
    expect(journalProblems(journal.entries)).toEqual([]);
    expect(journal.entries.find((e) => e.observed && e.step === '1-observe/labels/a')).toMatchObject({
      action: 'rollback',
      status: 'rolledBack',
    });
  });

  it('skips a change someone altered since (not as applied, not as before) unless --force', async () => {
    const { cluster, journal, plan } = setup(['a']);
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    cluster.namespaces.get('a')!.labels = { team: 'x', [`${P}warn`]: 'baseline' };
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal, 'run-2'));
    expect(r.outcomes[0]).toMatchObject({
      outcome: 'skipped',
      message: expect.stringMatching(/changed outside podsec/),
    });
    const forced = await applyPhase(plan, '1-observe', opts({ force: true }), ports(cluster, journal, 'run-3'));
    expect(forced.outcomes[0]?.outcome).toBe('applied');
    expect(journalProblems(journal.entries)).toEqual([]);
  });
});

describe('apply checks the live object: later phases', () => {
  it('trusts the journal for a phase whose objects a later applied phase changed on top', async () => {
    const { cluster, journal, plan } = setup(['a']);
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    await applyPhase(plan, '3-enforce-baseline', opts(), ports(cluster, journal, 'run-2'));
    const again = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal, 'run-3'));
    expect(again.outcomes[0]).toMatchObject({
      outcome: 'alreadyDone',
      message: 'already applied (journal; later phases are applied on top)',
    });
    expect(cluster.writes).toEqual(['a', 'a']);
  });
});

describe("podsec's own recovery paths leave a journal it accepts", () => {
  it('labels reverted by hand, then rollback, then apply and rollback again without --force', async () => {
    const { cluster, journal, plan } = setup(['a']);
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    cluster.namespaces.get('a')!.labels = { team: 'x' };
    const rb = await rollbackPhase(plan, '1-observe', opts(), ports(cluster, journal, 'run-2'));
    expect(rb.outcomes[0]?.outcome).toBe('alreadyDone');
    expect(journalProblems(journal.entries)).toEqual([]);
    await applyPhase(plan, '1-observe', opts(), ports(cluster, journal, 'run-3'));
    const rb2 = await rollbackPhase(plan, '1-observe', opts(), ports(cluster, journal, 'run-4'));
    expect(rb2.outcomes[0]?.outcome).toBe('rolledBack');
    expect(cluster.namespaces.get('a')?.labels).toEqual({ team: 'x' });
    expect(journalProblems(journal.entries)).toEqual([]);
  });

  it('a read-back that differs records what was written, and apply --force then rollback --force restores the original', async () => {
    const { cluster, journal, plan } = setup(['a']);
    let meddle = true;
    cluster.afterWrite = (name) => {
      if (meddle)
        cluster.namespaces.get(name)!.labels = { ...cluster.namespaces.get(name)!.labels, [`${P}warn`]: 'baseline' };
    };
    // The write is settled by reading: someone changed it right after, so the result is "changed".
    const r = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal));
    expect(r.outcomes[0]?.outcome).toBe('failed');
    meddle = false;
    const forced = await applyPhase(plan, '1-observe', opts({ force: true }), ports(cluster, journal, 'run-2'));
    expect(forced.outcomes[0]?.outcome).toBe('applied');
    const rb = await rollbackPhase(plan, '1-observe', opts({ force: true }), ports(cluster, journal, 'run-3'));
    expect(rb.outcomes[0]?.outcome).toBe('rolledBack');
    expect(cluster.namespaces.get('a')?.labels).toEqual({ team: 'x' });
    expect(journalProblems(journal.entries)).toEqual([]);
  });
});

describe('access is checked once, before the first write', () => {
  it('a user without patch rights gets one error naming what is missing and the applier role', async () => {
    const { cluster, journal, plan } = setup(['a', 'b']);
    const asked: unknown[] = [];
    Object.assign(cluster, {
      missingAccess: async (t: unknown[]) => (asked.push(...t), ['patch namespaces "a"', 'patch namespaces "b"']),
    });
    const err = await applyPhase(plan, '1-observe', opts(), ports(cluster, journal)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'not allowed to apply phase 1-observe: patch namespaces "a"; patch namespaces "b" (checked before any write; nothing was changed)',
    );
    expect((err as UserError).hint).toContain('podsec-applier');
    expect(asked).toEqual([
      { kind: 'Namespace', name: 'a' },
      { kind: 'Namespace', name: 'b' },
    ]);
    expect(cluster.writes).toEqual([]);
    expect(journal.entries).toEqual([]);
  });
});
