import { describe, expect, it } from 'vitest';
import {
  isDone,
  isInPlace,
  journalProblems,
  nextSeq,
  stepState,
  type JournalEntry,
} from '../../src/apply/journal-model.js';

let seq = 0;
function e(
  step: string,
  action: JournalEntry['action'],
  status: JournalEntry['status'],
  after: JournalEntry['after'] = { type: 'labels', labels: {} },
): JournalEntry {
  return {
    v: 1,
    seq: ++seq,
    run: 'r',
    step,
    phase: step.split('/')[0] ?? '',
    action,
    status,
    namespace: 'ns',
    kind: 'Namespace',
    apiVersion: 'v1',
    name: 'ns',
    before: null,
    after,
    time: 't',
    user: 'u',
  };
}

describe('stepState', () => {
  it('is pending without entries', () => {
    expect(stepState([], 's').state).toBe('pending');
  });
  it('is inDoubt after an intent without a result (the run stopped around the write)', () => {
    expect(stepState([e('s', 'apply', 'intended')], 's').state).toBe('inDoubt');
  });
  it('follows intent -> applied -> verified', () => {
    const j = [e('s', 'apply', 'intended'), e('s', 'apply', 'applied')];
    expect(stepState(j, 's').state).toBe('applied');
    j.push(e('s', 'apply', 'verified'));
    const st = stepState(j, 's');
    expect(st.state).toBe('verified');
    expect(isDone(st)).toBe(true);
  });
  it('tells a failed write (nothing changed) from a failed rollout (changed)', () => {
    const notWritten = stepState([e('s', 'apply', 'intended'), e('s', 'apply', 'failed', null)], 's');
    expect(notWritten).toMatchObject({ state: 'failed', written: false });
    expect(isInPlace(notWritten)).toBe(false);
    const written = stepState(
      [e('s', 'apply', 'intended'), e('s', 'apply', 'applied'), e('s', 'apply', 'failed')],
      's',
    );
    expect(written).toMatchObject({ state: 'failed', written: true });
    expect(isInPlace(written)).toBe(true);
    expect(isDone(written)).toBe(false);
  });
  it('is pending again after a rollback, and rollbackInDoubt during one', () => {
    const j = [e('s', 'apply', 'intended'), e('s', 'apply', 'verified'), e('s', 'rollback', 'intended')];
    expect(stepState(j, 's').state).toBe('rollbackInDoubt');
    j.push(e('s', 'rollback', 'rolledBack'));
    expect(stepState(j, 's').state).toBe('pending');
  });
  it('keeps a step applied when its rollback failed', () => {
    const j = [
      e('s', 'apply', 'intended'),
      e('s', 'apply', 'verified'),
      e('s', 'rollback', 'intended'),
      e('s', 'rollback', 'failed', null),
    ];
    expect(stepState(j, 's').state).toBe('verified');
  });
  it('reads entries by seq, not file order', () => {
    const a = e('s', 'apply', 'intended');
    const b = e('s', 'apply', 'verified');
    expect(stepState([b, a], 's').state).toBe('verified');
    expect(nextSeq([b, a])).toBe(b.seq + 1);
  });
});

describe('journalProblems', () => {
  it('accepts a consistent journal: apply, rollback, apply again', () => {
    const j = [
      e('s', 'apply', 'intended'),
      e('s', 'apply', 'applied'),
      e('s', 'apply', 'verified'),
      e('s', 'rollback', 'intended'),
      e('s', 'rollback', 'rolledBack'),
      e('s', 'apply', 'intended'),
      e('s', 'apply', 'verified'),
    ];
    expect(journalProblems(j)).toEqual([]);
  });
  it('flags a result without an intent', () => {
    expect(journalProblems([e('s', 'apply', 'applied')])[0]).toMatch(/without an intent/);
  });
  it('flags a step applied twice without a rollback between', () => {
    const j = [
      e('s', 'apply', 'intended'),
      e('s', 'apply', 'verified'),
      e('s', 'apply', 'intended'),
      e('s', 'apply', 'verified'),
    ];
    expect(journalProblems(j).join()).toMatch(/applied again/);
  });
  it('flags duplicate sequence numbers', () => {
    const a = e('s', 'apply', 'intended');
    expect(journalProblems([a, { ...a, step: 't' }]).join()).toMatch(/twice/);
  });
});
