// kill -9 at every write boundary of a phase and of its rollback. A "write event" is a journal
// append or a real cluster write; for k = 1, 2, ... the run is killed right after its k-th event
// (after an intent: before the cluster write; after the write: before its result; after the
// result: before the next step), then the same command is run again. The end state must be the
// plan's (or, for rollback, the state before), every object written once (audit log), and the
// journal consistent. The next k starts from the state the previous case left.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteNamespace, kubeConfigFor } from '../harness/env.js';
import { FaultEstate, auditNow, doubledSince, recordFault } from './helpers.js';

let f: FaultEstate;
const KILL = 'PODSEC_TEST_KILL_AFTER_EVENT';

describe('kill -9 at every write boundary', () => {
  beforeAll(async () => {
    f = await FaultEstate.create(join(mkdtempSync(join(tmpdir(), 'podsec-faults-kill-')), 'plan'), ['web']);
  });
  afterAll(async () => {
    for (const n of f?.estate.all ?? []) await deleteNamespace(kubeConfigFor(), n);
  });

  async function killCase(verb: 'apply' | 'rollback', phase: string, k: number): Promise<boolean> {
    const since = auditNow();
    const first = await f.run([verb, '--phase', phase], { [KILL]: String(k) });
    const killed = first.signal === 'SIGKILL';
    const last = killed ? await f.run([verb, '--phase', phase]) : first;
    const lost = await f.lost(phase, verb === 'apply' ? 'applied' : 'rolledBack');
    const doubled = doubledSince(since);
    const journalProblems = f.journalProblemCount();
    const survived = last.code === 0 && lost.length === 0;
    if (killed)
      recordFault({
        group: 'kill -9',
        name: `${verb} ${phase}, killed after write event ${k}`,
        injected: 1,
        survived,
        lost: lost.length,
        doubled,
        journalProblems,
        notes: [...lost, ...(last.code === 0 ? [] : [last.stderr.trim().split('\n').pop() ?? ''])],
      });
    expect(last.code, `${verb} ${phase} k=${k}: ${last.stdout}${last.stderr}`).toBe(0);
    expect(lost, `${verb} ${phase} k=${k}`).toEqual([]);
    expect(doubled, `${verb} ${phase} k=${k}`).toBe(0);
    expect(journalProblems, `${verb} ${phase} k=${k}`).toBe(0);
    return killed;
  }

  async function everyBoundary(phase: string): Promise<number> {
    let kills = 0;
    for (let k = 1; k < 40; k++) {
      const a = await killCase('apply', phase, k);
      const r = await killCase('rollback', phase, k);
      kills += Number(a) + Number(r);
      if (!a && !r) return kills;
    }
    throw new Error('a phase with more than 40 write events');
  }

  it('phase 1 (namespace labels): apply and rollback', async () => {
    const kills = await everyBoundary(f.plan.phases[0]!.id);
    expect(kills).toBeGreaterThanOrEqual(4);
  });

  it('phase 2 (workload patches): apply and rollback', async () => {
    const [p1, p2] = f.plan.phases;
    expect(f.steps(p2!.id).length).toBeGreaterThan(0);
    const ready = await f.run(['apply', '--phase', p1!.id]);
    expect(ready.code, ready.stderr).toBe(0);
    const kills = await everyBoundary(p2!.id);
    expect(kills).toBeGreaterThanOrEqual(6);
  });
});
