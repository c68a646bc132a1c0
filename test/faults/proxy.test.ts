// Network faults between podsec and the API server, injected by the fault proxy on the writes of
// a phase and of its rollback: 429 with Retry-After, 500, 503, 409, a connection dropped before
// and after forwarding, a request held past the client's timeout (the client resends while the
// first copy is still on its way), a response held past it, and a 200 that never reached the
// server. Each case: end state as planned, each object written once, journal consistent.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PlanStep } from '../../src/plan/plan-schema.js';
import { deleteNamespace, kubeConfigFor, kubeTokens } from '../harness/env.js';
import { startFaultProxy, type Fault, type FaultProxy, type FaultRule } from '../helpers/fault-proxy.js';
import { FaultEstate, auditNow, doubledSince, recordFault, workloadPath } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'podsec-faults-proxy-'));
let f: FaultEstate;
let proxy: FaultProxy;
let proxyConfig = '';
// Short client timeout so "held past the client timeout" costs seconds, not minutes.
const ENV = { PODSEC_TEST_REQUEST_TIMEOUT_MS: '1500' };

const writeOf = (path: string) => new RegExp(`^${path.replace(/[/.]/g, '\\$&')}\\?fieldManager=podsec$`);
const pathOf = (s: PlanStep) => (s.type === 'labels' ? `/api/v1/namespaces/${s.namespace}` : workloadPath(s));

describe('podsec apply and rollback through network faults', () => {
  beforeAll(async () => {
    proxy = await startFaultProxy(inject('kubeServer'), inject('kubeCaFile'));
    proxyConfig = proxy.kubeconfig(join(tmp, 'kubeconfig'), kubeTokens().admin);
    f = await FaultEstate.create(join(tmp, 'plan'), ['shop', 'web'], proxyConfig);
  });
  afterAll(async () => {
    await proxy?.close();
    for (const n of f?.estate.all ?? []) await deleteNamespace(kubeConfigFor(), n);
  });

  /** Runs `verb` on `phase` with one fault per step (cycling through `faults`); records and checks the case. */
  async function faultCase(verb: 'apply' | 'rollback', phase: string, faults: (Fault | [Fault, Partial<FaultRule>])[]) {
    const steps = f.steps(phase);
    const before = proxy.log.length;
    steps.forEach((s, i) => {
      const spec = faults[i % faults.length]!;
      const [fault, extra] = Array.isArray(spec) ? spec : [spec, {}];
      proxy.addRule({ method: 'PATCH', path: writeOf(pathOf(s)), fault, ...extra });
    });
    const since = auditNow();
    const r = await f.run([verb, '--phase', phase], ENV, proxyConfig);
    // A request held past the client's timeout lands after the client gave up on it: wait for it,
    // so it counts in this case (end state, doubled writes) and cannot revert the next case's writes.
    await proxy.idle();
    const injected = proxy.log.slice(before).filter((l) => l.action !== 'forward');
    const lost = await f.lost(phase, verb === 'apply' ? 'applied' : 'rolledBack');
    const doubled = doubledSince(since);
    const journalProblems = f.journalProblemCount();
    const kinds = [...new Set(injected.map((l) => l.action))].sort().join(', ');
    recordFault({
      group: 'proxy',
      name: `${verb} ${phase}: ${kinds}`,
      injected: injected.length,
      survived: r.code === 0 && lost.length === 0,
      lost: lost.length,
      doubled,
      journalProblems,
      notes: lost,
    });
    expect(r.code, `${verb} ${phase} with ${kinds}: ${r.stdout}${r.stderr}`).toBe(0);
    expect(injected.length).toBe(steps.length);
    expect(lost).toEqual([]);
    expect(doubled).toBe(0);
    expect(journalProblems).toBe(0);
    return r;
  }

  it('labels: 429 with Retry-After, 500, 503 on apply; lost responses on rollback; a dropped request and a fake 200 on apply again', async () => {
    const p1 = f.plan.phases[0]!.id;
    await faultCase('apply', p1, [['429', { retryAfter: 1 }], '503']);
    await faultCase('rollback', p1, ['dropAfterForward', '500']);
    // The rollback's responses were lost: apply must re-apply, not trust an old "verified".
    const again = await faultCase('apply', p1, ['drop', 'fake200']);
    expect(again.stdout).not.toContain('already applied');
  });

  it('workload patches: 409, response lost after the write, request held past the timeout, slow response, fake 200', async () => {
    const p2 = f.plan.phases[1]!.id;
    await faultCase('apply', p2, [
      '409',
      'dropAfterForward',
      ['delay', { delayMs: 4000 }],
      ['slowResponse', { delayMs: 4000 }],
      'fake200',
    ]);
  });

  it('rollback of workload patches (JSON Patch with a test op): response lost, so the resend draws 422; held past the timeout; 503', async () => {
    const p2 = f.plan.phases[1]!.id;
    await faultCase('rollback', p2, [
      'dropAfterForward',
      ['delay', { delayMs: 4000 }],
      '503',
      ['slowResponse', { delayMs: 4000 }],
    ]);
    // Applied again afterwards: every step is written again (none skipped as "already applied").
    const r = await faultCase('apply', p2, ['dropAfterForward', '429']);
    expect(r.stdout).not.toContain('already applied');
  });
});
