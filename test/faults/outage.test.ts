// The API server killed and restarted mid-phase, two applies at once, a full disk under the plan
// directory, and changes reverted by hand behind the journal: podsec must finish (or stop cleanly
// and finish on the next run) with nothing lost, nothing written twice and a journal it accepts.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanStep } from '../../src/plan/plan-schema.js';
import { deleteNamespace, kubeConfigFor, kubeconfigPath } from '../harness/env.js';
import {
  FaultEstate,
  P,
  auditNow,
  auditSince,
  doubledSince,
  kube,
  podsecWrites,
  recordFault,
  restartApiServer,
  workloadPath,
} from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'podsec-faults-outage-'));
let f: FaultEstate;
let p1 = '';
let p2 = '';

async function check(
  name: string,
  group: string,
  injected: number,
  ok: boolean,
  phase: string,
  want: 'applied' | 'rolledBack',
  since: number | number[],
  notes: string[] = [],
) {
  const lost = await f.lost(phase, want);
  // One window per command (and its resumption): each writes an object at most once.
  const windows = Array.isArray(since) ? since : [since];
  const doubled = windows.reduce((sum, t, i) => sum + doubledSince(t, windows[i + 1] ?? Infinity), 0);
  const journalProblems = f.journalProblemCount();
  recordFault({
    group,
    name,
    injected,
    survived: ok && lost.length === 0,
    lost: lost.length,
    doubled,
    journalProblems,
    notes: [...lost, ...notes],
  });
  expect(ok, `${name}: ${notes.join(' ')}`).toBe(true);
  expect(lost, name).toEqual([]);
  expect(doubled, name).toBe(0);
  expect(journalProblems, name).toBe(0);
}

describe('API server restart, concurrent runs, full disk, hand-reverted changes', () => {
  beforeAll(async () => {
    f = await FaultEstate.create(join(tmp, 'plan'), ['shop']);
    p1 = f.plan.phases[0]!.id;
    p2 = f.plan.phases[1]!.id;
    const r = await f.run(['apply', '--phase', p1!]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const n of f?.estate.all ?? []) await deleteNamespace(kubeConfigFor(), n);
  });

  it('a user without write access is refused once, before any read or write, with the applier role named', async () => {
    const since = auditNow();
    // --force: the plan names the admin context.
    const r = await f.run(['apply', '--phase', p2, '--force'], {}, kubeconfigPath('limited'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: not allowed to apply phase \S+: get deployments\.apps in namespace "[^"]+"; patch deployments\.apps .*\(checked before any write; nothing was changed\)$/m,
    );
    expect(r.stderr).toContain('podsec-applier');
    expect(r.stderr).not.toMatch(/403/);
    // Only /version (connect) and the self-subject reviews: no request for any object.
    const touched = auditSince(since).filter(
      (e) =>
        e.user?.username === 'limited' && e.objectRef !== undefined && !/^selfsubject/.test(e.objectRef.resource ?? ''),
    );
    expect(touched.map((e) => `${e.verb} ${e.requestURI}`)).toEqual([]);
  });

  it('the API server is killed and restarted mid-phase: the phase waits for it and completes', async () => {
    const since = auditNow();
    const running = f.run(['apply', '--phase', p2]);
    // Restart as soon as the first patch is journalled as intended: the kill then lands while that
    // write or its read-back is on the way, with every later step still ahead (waiting for the
    // first 'applied' left a fast phase room to finish before the kill).
    const t0 = Date.now();
    while (!f.journal().some((e) => e.phase === p2 && e.status === 'intended') && Date.now() - t0 < 60_000)
      await new Promise((r) => setTimeout(r, 100));
    await restartApiServer(2000, true);
    const r = await running;
    await check(
      'apply killed apiserver mid-phase, down 2 s',
      'apiserver restart',
      1,
      r.code === 0,
      p2,
      'applied',
      since,
      [r.stderr.slice(-400)],
    );
    expect(r.stderr).toMatch(/API server: .* failed \((ECONNREFUSED|ECONNRESET)\); retry \d+ in/);
  });

  it('the API server restarts mid-rollback', async () => {
    const since = auditNow();
    const running = f.run(['rollback', '--phase', p2]);
    const t0 = Date.now();
    while (
      !f.journal().some((e) => e.phase === p2 && e.action === 'rollback' && e.status === 'rolledBack') &&
      Date.now() - t0 < 60_000
    )
      await new Promise((r) => setTimeout(r, 100));
    await restartApiServer(1000);
    const r = await running;
    await check(
      'rollback, apiserver restarted mid-phase (SIGTERM), down 1 s',
      'apiserver restart',
      1,
      r.code === 0,
      p2,
      'rolledBack',
      since,
      [r.stderr.slice(-400)],
    );
  });

  it('two applies at once: one holds the lock, the other stops naming it; nothing is written twice', async () => {
    const since = auditNow();
    const [a, b] = await Promise.all([f.run(['apply', '--phase', p2]), f.run(['apply', '--phase', p2])]);
    const codes = [a.code, b.code].sort();
    const loser = a.code === 0 ? b : a;
    const ok =
      codes[0] === 0 &&
      (codes[1] === 0 ||
        /another podsec run holds the journal of this plan: pid \d+ on .+, started \S+ \(podsec apply --phase/.test(
          loser.stderr,
        ));
    await check('two concurrent applies of one phase', 'concurrent runs', 1, ok, p2, 'applied', since, [
      loser.stderr.trim(),
    ]);
    const seqs = f.journal().map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('a run while another live process holds the lock stops at once, naming it, and writes nothing', async () => {
    // This test process stands in for the other podsec run: alive, on this host.
    const lock = join(f.dir, 'journal.lock');
    writeFileSync(
      lock,
      JSON.stringify({
        pid: process.pid,
        host: hostname(),
        started: '2026-12-02T03:00:00.000Z',
        command: 'podsec apply --phase 2-fix',
        token: 'other',
      }),
    );
    const since = auditNow();
    try {
      const r = await f.run(['rollback', '--phase', p2]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `error: another podsec run holds the journal of this plan: pid ${process.pid} on ${hostname()}, started 2026-12-02T03:00:00.000Z (podsec apply --phase 2-fix)`,
      );
      expect([...podsecWrites(since).keys()]).toEqual([]);
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('a hand-reverted workload is applied again, not skipped as already applied', async () => {
    const step = f.steps(p2)[0] as Extract<PlanStep, { type: 'patch' }>;
    const orig = f.before.get(f.key(p2, step));
    const revert = await kube(
      'PATCH',
      workloadPath(step),
      [
        {
          op: 'replace',
          path: step.kind === 'CronJob' ? '/spec/jobTemplate/spec/template' : '/spec/template',
          value: orig,
        },
      ],
      'application/json-patch+json',
    );
    expect(revert.status).toBe(200);
    const since = auditNow();
    const r = await f.run(['apply', '--phase', p2]);
    await check(
      'apply after a workload was reverted by hand',
      'hand-reverted',
      1,
      r.code === 0 && r.stdout.includes(`applied`),
      p2,
      'applied',
      since,
      [r.stdout],
    );
    expect(r.stderr).toContain('was found reverted outside podsec; applying it again');
    expect([...podsecWrites(since).keys()]).toHaveLength(1);
  });

  it('labels reverted by hand, then rollback: the journal stays valid and needs no --force', async () => {
    const rb2 = await f.run(['rollback', '--phase', p2]);
    expect(rb2.code, rb2.stderr).toBe(0);
    const ns = f.estate.all[0]!;
    const labels = (
      (await kube('GET', `/api/v1/namespaces/${ns}`)).body['metadata'] as { labels: Record<string, string> }
    ).labels;
    const patch = Object.fromEntries(
      Object.keys(labels)
        .filter((k) => k.startsWith(P))
        .map((k) => [k, null]),
    );
    expect(
      (await kube('PATCH', `/api/v1/namespaces/${ns}`, { metadata: { labels: patch } }, 'application/merge-patch+json'))
        .status,
    ).toBe(200);
    const since = [auditNow()];
    const rb = await f.run(['rollback', '--phase', p1]);
    since.push(auditNow());
    const again = await f.run(['apply', '--phase', p1]);
    since.push(auditNow());
    const back = await f.run(['rollback', '--phase', p1, '--namespace', ns]);
    await check(
      'hand-reverted labels, then rollback, apply, rollback --namespace (no --force)',
      'hand-reverted',
      1,
      rb.code === 0 && again.code === 0 && back.code === 0,
      p1,
      'rolledBack',
      since,
      [rb.stderr, again.stderr, back.stderr],
    );
    expect(rb.stdout).toContain('labels were already as before the phase');
  });

  it('a full disk under the plan directory stops the phase before any unjournalled write; the next run completes', async () => {
    const mnt = join(tmp, 'small-disk');
    mkdirSync(mnt);
    const mounted = await sh('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt]);
    if (mounted !== 0) throw new Error('cannot mount a tmpfs (the fault run needs root)');
    try {
      const small = new FaultEstate(join(mnt, 'plan'));
      Object.assign(small, { plan: f.plan, estate: f.estate, before: f.before, expected: f.expected });
      cpSync(f.dir, small.dir, { recursive: true });
      rmSync(join(small.dir, 'journal.jsonl'), { force: true });
      // The phase-1 history this directory lacks: apply phase 1 there first (labels are as planned: recorded, not written).
      expect((await small.run(['apply', '--phase', p1])).code).toBe(0);
      // Leave room for about two workload entries, then fill the disk.
      const free = () => Number(statfsSync(mnt).bavail) * Number(statfsSync(mnt).bsize);
      writeFileSync(join(mnt, 'filler'), Buffer.alloc(Math.max(0, free() - 16384)));
      const since = auditNow();
      const full = await small.run(['apply', '--phase', p2]);
      const journal = small.journal();
      const written = [...podsecWrites(since).keys()];
      const intents = new Set(journal.filter((e) => e.status === 'intended').map((e) => `${e.kind}/${e.name}`));
      const unjournalled = written.filter((k) => ![...intents].some((i) => k.endsWith(`/${i.split('/')[1]}`)));
      // The phase report still comes before the error: each step applied (journalled), the one that
      // stopped it, and every later step as not run; together they cover the phase's steps.
      const reported = full.stdout.split('\n').filter((l) => /^ {2}\S/.test(l));
      const appliedLines = reported.filter((l) => /^ {2}applied /.test(l));
      const stopLine = reported.filter((l) => /^ {2}FAILED .*stopped here: cannot write the journal .*ENOSPC/.test(l));
      const notRun = reported.filter((l) => /^ {2}skipped .*not run: the phase stopped at an earlier step/.test(l));
      const verified = new Set(
        journal
          .filter((e) => e.status === 'verified' && e.action === 'apply' && e.phase === p2)
          .map((e) => `${e.kind}/${e.name}`),
      );
      const reportOk =
        full.stdout.startsWith(`apply ${p2}\n`) &&
        /^summary: /m.test(full.stdout) &&
        stopLine.length === 1 &&
        appliedLines.length === verified.size &&
        appliedLines.length + stopLine.length + notRun.length === reported.length &&
        reported.length === f.plan.phases.find((p) => p.id === p2)!.steps.length;
      const stopped =
        full.code === 1 &&
        reportOk &&
        /cannot write the journal .*ENOSPC.*stopped before the next cluster write/.test(full.stderr);
      expect(full.stderr, full.stdout).toMatch(/cannot write the journal/);
      expect(full.code).toBe(1);
      expect(stopLine, full.stdout).toHaveLength(1);
      expect(appliedLines.length, full.stdout).toBe(verified.size);
      expect(reportOk, full.stdout).toBe(true);
      rmSync(join(mnt, 'filler'));
      const resumed = await small.run(['apply', '--phase', p2]);
      await check(
        'apply on a full disk (ENOSPC mid-phase), then again with space',
        'full disk',
        1,
        stopped && unjournalled.length === 0 && resumed.code === 0,
        p2,
        'applied',
        since,
        [full.stderr.trim(), resumed.stderr.slice(-300), ...unjournalled],
      );
      const rb = await small.run(['rollback', '--phase', p2]);
      expect(rb.code, rb.stderr).toBe(0);
      expect(await small.lost(p2, 'rolledBack')).toEqual([]);
    } finally {
      await sh('umount', [mnt]);
    }
  });
});

function sh(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: 'ignore' });
    c.on('close', (code) => resolve(code ?? 1));
    c.on('error', () => resolve(1));
  });
}
