// Model test of the session runner and state machine (fast-check): random operator intents (only
// those the current step takes, as every driver sends), interleaved with port results that arrive
// late, out of order, or fail at random. Whatever happens, once the ports have settled the operator
// can act (the state is not waiting on anything) or the session is done; cancel (SIGTERM, Ctrl-C)
// always ends it with nothing left running; and a headless run always ends, also on SIGTERM.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headlessDecider } from '../../src/cli/wizard-runner.js';
import type { IntentEvent } from '../../src/wizard/events.js';
import type { ApplyPort, PhaseRun, WizardPorts } from '../../src/wizard/ports.js';
import { accepts, isWaiting } from '../../src/wizard/protocol.js';
import { driveSession, SessionRunner } from '../../src/wizard/runner.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { fakePorts } from '../ui/fake-ports.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/** Ports whose every call waits `delay` ticks, then fails or succeeds as the plan says. */
function chaoticPorts(plan: { fail: boolean; delay: number }[], live: boolean): WizardPorts {
  let i = 0;
  const next = () => plan[i++ % Math.max(1, plan.length)] ?? { fail: false, delay: 0 };
  const wrap =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const step = next();
      for (let t = 0; t < step.delay; t++) await tick();
      const signal = a.find((x): x is AbortSignal => x instanceof AbortSignal);
      signal?.throwIfAborted();
      if (step.fail) throw new Error('port failed');
      return f(...a);
    };
  const base = fakePorts();
  const apply: ApplyPort = {
    overview: wrap(async (dir: string) => ({
      dir,
      phases: [
        { id: '1-observe', title: 'Observe', namespaces: ['app', 'ok'], done: false, journalEntries: 0 },
        { id: '2-fix', title: 'Fix', namespaces: ['app'], done: false, journalEntries: 1 },
      ],
      next: '1-observe',
    })),
    runPhase: wrap(async (_dir, run, progress, confirm): Promise<PhaseRun> => {
      progress(`${run.phase}: started`);
      if (!run.dryRun && !(await confirm({ message: `Apply phase ${run.phase}?`, details: [], default: false })))
        throw new Error('declined');
      return { phase: run.phase, dryRun: run.dryRun, outcomes: [], stoppedAt: null };
    }),
  };
  return {
    listContexts: wrap(base.listContexts),
    scan: wrap(async (c, onProgress, s) => {
      const r = await base.scan(c, onProgress, s);
      return live ? { ...r, inventory: { ...r.inventory, origin: 'cluster' as const } } : r;
    }),
    propose: wrap(base.propose),
    gatherEvidence: wrap(base.gatherEvidence),
    previewPlan: wrap(base.previewPlan),
    writePlan: wrap(async (inv, answers, ev, outDir, opts) =>
      outDir === 'plans/t' && !opts.overwrite
        ? {
            conflict: { dir: outDir, suggestion: 'plans/t-2', canOverwrite: true },
            message: 'plans/t already holds a plan',
          }
        : base.writePlan(inv, answers, ev, outDir, opts),
    ),
    ...(live ? { apply } : {}),
  };
}

const INTENTS: IntentEvent[] = [
  { type: 'move', delta: 1 },
  { type: 'move', delta: -1 },
  { type: 'select' },
  { type: 'select' },
  { type: 'back' },
  { type: 'quit' },
  { type: 'confirm', yes: true },
  { type: 'confirm', yes: false },
  { type: 'pickContext', name: 'prod' },
  { type: 'pickContext', name: 'nope' },
  { type: 'openNamespace', name: 'app' },
  { type: 'openNamespace', name: 'nope' },
  { type: 'pickWorkload', key: 'app/Deployment/web' },
  { type: 'pickPhase', id: '2-fix' },
  { type: 'cycleSort' },
  { type: 'startFilter' },
  { type: 'changeFilter', text: 'a' },
  { type: 'openPlan' },
  { type: 'openPlan' },
  { type: 'accept' },
  { type: 'acceptAll' },
  { type: 'skip' },
  { type: 'startEdit', field: 'uid' },
  { type: 'startEdit', field: 'exemption' },
  { type: 'changeEdit', text: '1000' },
  { type: 'submitEdit', value: '1000' },
  { type: 'submitEdit', value: 'x' },
  { type: 'gatherEvidence' },
  { type: 'writePlan' },
  { type: 'overwritePlan' },
  { type: 'changeOutDir' },
  { type: 'showApply' },
  { type: 'toggle' },
  { type: 'setNamespaces', namespaces: ['app'] },
];

const step = fc.record({ intent: fc.constantFrom(...INTENTS), ticks: fc.integer({ min: 0, max: 3 }) });
const portPlan = fc.array(fc.record({ fail: fc.boolean(), delay: fc.integer({ min: 0, max: 4 }) }), {
  minLength: 1,
  maxLength: 30,
});

/** Lets the ports answer until nothing runs or the operator can act. */
async function settle(r: SessionRunner): Promise<void> {
  for (let i = 0; i < 200 && r.inFlight() > 0 && isWaiting(r.state) && r.crash === null; i++) await tick();
}

describe('wizard model', () => {
  it('the operator can always act or the session is done; cancel always ends it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), portPlan, fc.array(step, { maxLength: 60 }), async (live, plan, steps) => {
        const r = new SessionRunner(
          initialState({ live, context: live ? null : 'fixture', outDir: 'plans/t' }),
          chaoticPorts(plan, live),
        );
        r.start();
        for (const s of steps) {
          for (let t = 0; t < s.ticks; t++) await tick();
          if (r.state.step === 'done') break;
          // Drivers only send what the step takes (anything else is a loud error, tested apart).
          if (accepts(r.state.step, s.intent.type)) r.dispatch(s.intent);
          expect(r.crash).toBeNull();
        }
        await settle(r);
        expect(r.crash).toBeNull();
        const s: WizardState = r.state;
        if (s.step !== 'done') expect(isWaiting(s), `stuck waiting at ${s.step}`).toBe(false);
        // SIGTERM / Ctrl-C: cancel ends the session whatever it was doing, nothing left running.
        r.dispatch({ type: 'cancel' });
        expect(r.state.step).toBe('done');
        expect(r.inFlight()).toBe(0);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('a headless run always ends (done or a clear error), and SIGTERM ends it at any point', async () => {
    await fc.assert(
      fc.asyncProperty(
        portPlan,
        fc.option(fc.integer({ min: 0, max: 12 }), { nil: null }),
        async (plan, abortAfter) => {
          const ac = new AbortController();
          const r = new SessionRunner(
            initialState({ live: false, context: 'fixture', outDir: 'plans/h' }),
            chaoticPorts(plan, false),
          );
          if (abortAfter !== null)
            void (async () => {
              for (let t = 0; t < abortAfter; t++) await tick();
              ac.abort();
            })();
          const outcome = await driveSession(r, headlessDecider, ac.signal).then(
            (s) => ({ s }),
            (err: unknown) => ({ err }),
          );
          if ('err' in outcome) expect((outcome.err as Error).name).toBe('UserError');
          else expect(outcome.s.step).toBe('done');
          expect(r.inFlight()).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
