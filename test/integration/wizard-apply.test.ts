// The wizard's Apply step on the real control plane, driven by the session runner with scripted
// answers: scan a namespace, write the plan, pick the preselected next phase (1-observe) with all
// its namespaces, dry-run it server-side, confirm, apply; the namespace labels change as planned
// and the journal records the steps.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cli/context.js';
import { driveSession, SessionRunner, type Decider } from '../../src/wizard/runner.js';
import { livePorts } from '../../src/cli/wizard-ports.js';
import { EMPTY_ANSWERS } from '../../src/fix/index.js';
import type { ApplyQuestion, PhaseRun } from '../../src/wizard/ports.js';
import { initialState } from '../../src/wizard/state.js';
import { createTestNamespace, deleteNamespace, kubeConfigFor, kubeconfigPath } from '../harness/env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const P = 'pod-security.kubernetes.io/';
let ns = '';

beforeAll(async () => {
  const kc = kubeConfigFor('admin');
  ns = await createTestNamespace(kc, { prefix: 'wizapply' });
  await kc.makeApiClient(AppsV1Api).createNamespacedDeployment({
    namespace: ns,
    body: {
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginxinc/nginx-unprivileged:1.27' }] },
        },
      },
    },
  });
}, 60_000);

afterAll(async () => {
  if (ns !== '') await deleteNamespace(kubeConfigFor('admin'), ns);
});

describe('wizard Apply step on a live cluster', () => {
  it('dry-runs 1-observe, confirms, applies it: labels as planned, journal entries written', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-wizard-apply-'));
    const ctx: CommandContext = {
      io: {
        out: () => {},
        err: () => {},
        stdoutIsTTY: false,
        stdinIsTTY: false,
        stderrIsTTY: false,
        color: false,
        columns: 100,
      },
      env: {},
      cwd,
      templatesDir: join(ROOT, 'templates'),
      now: () => new Date(),
      version: 'test',
      globals: { nonInteractive: false, line: true, color: false },
      signal: new AbortController().signal,
    };
    const ports = livePorts(ctx, {
      answers: EMPTY_ANSWERS,
      force: false,
      source: { file: [], kubeconfig: kubeconfigPath('admin'), namespace: [ns], allNamespaces: false },
    });
    const seen: {
      server?: { status: string; detail: string } | undefined;
      preselected?: string | undefined;
      namespaces?: string[];
      dry?: PhaseRun | undefined;
      real?: PhaseRun | undefined;
      questions: ApplyQuestion[];
      progress: string[];
    } = { questions: [], progress: [] };
    const decide: Decider = (s) => {
      switch (s.step) {
        case 'cluster':
          return { type: 'pickContext', name: s.contexts?.find((c) => c.current)?.name ?? '' };
        case 'overview':
          seen.server = s.session.verification?.[ns];
          return { type: 'openPlan' };
        case 'namespace':
          return { type: 'openPlan' };
        case 'plan':
          if (s.error !== null) throw new Error(s.error);
          return { type: 'writePlan' };
        case 'written':
          return { type: 'showApply' };
        case 'apply':
          if (s.error !== null) throw new Error(s.error);
          if (s.question !== null) {
            seen.questions.push(s.question);
            return { type: 'confirm', yes: true };
          }
          if (s.stage === 'phase') {
            seen.preselected = s.overview?.phases[s.cursor]?.id;
            return { type: 'select' };
          }
          if (s.stage === 'namespaces') {
            seen.namespaces = s.namespaces;
            return { type: 'select' };
          }
          if (s.stage === 'reviewed') {
            seen.dry = s.report ?? undefined;
            return { type: 'confirm', yes: true };
          }
          if (s.stage === 'applied') {
            seen.real = s.report ?? undefined;
            seen.progress = s.progress;
            return { type: 'quit' };
          }
          return null;
        case 'failed':
          throw new Error(`${s.message} ${s.hint ?? ''}`);
        default:
          return null;
      }
    };
    const end = await driveSession(
      new SessionRunner(initialState({ live: true, context: null, outDir: 'plan' }), ports),
      decide,
      ctx.signal,
    );
    expect(end).toMatchObject({ step: 'done', exitCode: 0 });

    const dir = join(cwd, 'plan');
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as {
      namespaces: { name: string; phases: { id: string; labelsAfter: Record<string, string> }[] }[];
    };
    const planned = plan.namespaces.find((n) => n.name === ns)?.phases.find((p) => p.id === '1-observe')?.labelsAfter;
    expect(planned).toBeDefined();
    expect(seen.preselected).toBe('1-observe');
    // the overview carries the API server's own verdict (server-side dry-run) for the namespace
    expect(seen.server).toMatchObject({ status: 'agrees', detail: expect.stringContaining('restricted:') });
    expect(seen.namespaces).toContain(ns);
    // the dry run wrote nothing and said what would change
    expect(seen.dry?.dryRun).toBe(true);
    expect(seen.dry?.outcomes.map((o) => o.outcome)).toContain('wouldApply');
    // one confirmation: the yes after the dry run; the phase does not ask "Apply phase?" again
    expect(seen.questions.some((q) => q.message.startsWith('Apply phase'))).toBe(false);
    expect(seen.real?.dryRun).toBe(false);
    expect(seen.real?.outcomes.find((o) => o.namespace === ns)?.outcome).toBe('applied');
    expect(seen.progress.some((l) => l.includes(ns))).toBe(true);

    const live =
      (await kubeConfigFor('admin').makeApiClient(CoreV1Api).readNamespace({ name: ns })).metadata?.labels ?? {};
    const psa = Object.fromEntries(Object.entries(live).filter(([k]) => k.startsWith(P)));
    expect(psa).toEqual(Object.fromEntries(Object.entries(planned ?? {}).filter(([k]) => k.startsWith(P))));
    const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { phase: string; namespace: string; status: string });
    expect(journal.filter((e) => e.phase === '1-observe' && e.namespace === ns).map((e) => e.status)).toEqual(
      expect.arrayContaining(['intended', 'verified']),
    );
  }, 120_000);
});
