// Trial records change the plan (issue 12): `podsec plan --trials DIR` proposes the fix that passed
// (the log lines that drove it are evidence again), holds a patch whose trial failed (review, no
// 2-fix step, the namespace stays below the level it blocks, PLAN.md names the reason), and ignores
// a record of another template or patch, saying why. `podsec apply` refuses a plan whose recorded
// trials contradict its patch files. Records come from the real loop over a recorded port.
import { describe, expect, it } from 'vitest';
import { trialObjections } from '../../src/apply/apply-phase.js';
import { templateFingerprint, sha256 } from '../../src/files/generate-plan.js';
import { loadPlanTemplates } from '../../src/files/templates.js';
import { answersSchema, type Answers } from '../../src/fix/index.js';
import { proposeFix } from '../../src/fix/propose.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import type { Workload } from '../../src/inventory/types.js';
import { buildPlan, renderPlanFiles, type PlanBundle } from '../../src/plan/index.js';
import type { PlanWorkload } from '../../src/plan/plan-schema.js';
import { trialWorkload, type TrialPort } from '../../src/trial/loop.js';
import { judgeTrial, manifestLookup, recordEvidence, trialLookup } from '../../src/trial/records.js';
import type { TrialRecord, TrialRunResult } from '../../src/trial/types.js';
import { loadCatalogue } from '../fix/helpers.js';
import { FIXED_TIME, TEMPLATES } from '../plan/helpers.js';

const catalogue = loadCatalogue();
const GUNICORN =
  "FileNotFoundError: [Errno 2] No usable temporary directory found in ['/tmp', '/var/tmp', '/usr/tmp', '/app']";
const CHOWN = 'chown: /srv/spool: Operation not permitted';

const SHOP = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vote, namespace: shop}
spec:
  selector: {matchLabels: {app: vote}}
  template:
    metadata: {labels: {app: vote}}
    spec:
      containers: [{name: vote, image: "example.com/vote:1", securityContext: {runAsUser: 1000, readOnlyRootFilesystem: true}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: shop}
spec:
  selector: {matchLabels: {app: legacy}}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: legacy, image: "example.com/rootonly:1"}]
`;
const inventory = inventoryFromTexts([{ file: 'shop.yaml', text: SHOP }]);
const answers = answersSchema.parse({ uids: { 'shop/Deployment/legacy/legacy': 1000 } });
const byName = (name: string) => inventory.workloads.find((w) => w.name === name)!;

const observation = (ready: boolean): TrialRunResult['observation'] => ({
  phase: 'Running',
  ready,
  readyForMs: ready ? 5000 : 0,
  elapsedMs: 5000,
  conditions: [],
  events: [],
  containers: [
    {
      name: 'x',
      init: false,
      ready,
      restartCount: ready ? 0 : 2,
      ...(ready ? {} : { waiting: { reason: 'CrashLoopBackOff' }, lastTerminated: { reason: 'Error', exitCode: 1 } }),
    },
  ],
});

/** Plays a workload's image: crashes with `log` unless `passes(pod)`. */
function port(container: string, log: string, passes: (pod: Record<string, unknown>) => boolean): TrialPort {
  return {
    run: async (pod) => {
      const ok = passes(pod);
      const o = observation(ok);
      o.containers[0]!.name = container;
      return {
        pod: 'p',
        deleted: true,
        observation: o,
        classification: ok
          ? { verdict: 'pass', reason: 'Ready', message: 'Ready' }
          : { verdict: 'fail', reason: 'CrashLoopBackOff', message: `container "${container}": exited 1 (Error)` },
        logs: { [container]: ok ? '' : log },
      };
    },
  };
}

async function trial(w: Workload, p: TrialPort, a: Answers = answers): Promise<TrialRecord> {
  const { record } = await trialWorkload(w, p, {
    plan: 'p',
    iterate: 3,
    timeoutMs: 60_000,
    signal: new AbortController().signal,
    now: () => 0,
    suffix: (r) => `r${r}`,
    fingerprint: templateFingerprint,
    propose: (evidence) =>
      proposeFix(w, { target: 'restricted', version: 'v1.37', answers: a, catalogue, evidence, harden: false }),
  });
  return record;
}

const mounted = (pod: Record<string, unknown>) => JSON.stringify(pod).includes('"mountPath":"/tmp"');
const plan = (trials: Record<string, TrialRecord> = {}, a: Answers = answers): PlanBundle =>
  buildPlan(inventory, {
    target: 'restricted',
    policyVersion: 'v1.37',
    answers: a,
    exempt: [],
    harden: false,
    catalogue,
    createdAt: FIXED_TIME,
    hash: sha256,
    trialFor: trialLookup(inventory.workloads.map((w) => ({ ...w, trial: trials[w.name] as PlanWorkload['trial'] }))),
  });
const wl = (b: PlanBundle, name: string) => b.plan.workloads.find((w) => w.name === name)!;

describe('plan --trials: the records change the plan files', () => {
  it('a fix that passed in round 2 becomes the patch file (the emptyDirs from the real log line)', async () => {
    const record = await trial(byName('vote'), port('vote', GUNICORN, mounted));
    expect(record.rounds.map((r) => r.result)).toEqual(['fail', 'pass']);
    expect(record.rounds[0]!.containerLines).toEqual({ vote: [GUNICORN] });
    expect(recordEvidence(record)?.containers['vote']?.writablePaths).toEqual(['/tmp', '/var/tmp']);

    const before = plan();
    expect(JSON.stringify(before.documents.get(wl(before, 'vote').patch!)!.data)).not.toContain('/tmp');
    // plan.json of the first plan after `podsec trial`: its patch is not the one that passed.
    const tried = structuredClone(before.plan);
    tried.workloads.find((w) => w.name === 'vote')!.trial = record as PlanWorkload['trial'];
    expect(trialObjections(tried, '2-fix')).toEqual([
      expect.stringMatching(/^shop\/Deployment\/vote: its trial passed only after changes that are not in this plan/),
    ]);

    const after = plan({ vote: record });
    const vote = wl(after, 'vote');
    expect(vote).toMatchObject({ status: 'fixed', held: null, trial: { result: 'pass' } });
    const patch = JSON.stringify(after.documents.get(vote.patch!)!.data);
    expect(patch).toContain('"mountPath":"/tmp"');
    expect(patch).toContain('"mountPath":"/var/tmp"');
    expect(patch).toContain('"emptyDir":{}');
    expect(vote.fingerprintAfter).toBe(record.rounds[1]!.template);
    expect(trialObjections(after.plan, '2-fix')).toEqual([]);
    expect(after.trialNotes).toEqual([]);
  });

  it('a crash the loop could not fix holds the patch: review, no 2-fix step, namespace below restricted, named in PLAN.md', async () => {
    const legacy = byName('legacy');
    const record = await trial(
      legacy,
      port('legacy', CHOWN, () => false),
    );
    expect(record).toMatchObject({ result: 'fail', rounds: [{ round: 1, result: 'fail' }] });

    const before = plan();
    expect(wl(before, 'legacy')).toMatchObject({ status: 'fixed', held: null });
    expect(before.plan.namespaces[0]!.planned).toBe('restricted');
    const tried = structuredClone(before.plan);
    tried.workloads.find((w) => w.name === 'legacy')!.trial = record as PlanWorkload['trial'];
    expect(trialObjections(tried, '2-fix')).toEqual([
      expect.stringMatching(/^shop\/Deployment\/legacy: its trial failed: CrashLoopBackOff/),
    ]);

    const after = plan({ legacy: record });
    const w = wl(after, 'legacy');
    expect(w).toMatchObject({ status: 'review', patch: null, applyMethod: null, trial: { result: 'fail' } });
    expect(w.held).toMatch(
      /^trial run failed in round 1 \(the patch is not applied until a trial passes\): CrashLoopBackOff: container "legacy": exited 1 \(Error\); log: legacy: chown: \/srv\/spool: Operation not permitted$/,
    );
    const fix = after.plan.phases.find((p) => p.id === '2-fix')!;
    expect(fix.steps.some((s) => s.type === 'patch' && s.name === 'legacy')).toBe(false);
    expect(fix.steps.some((s) => s.type === 'patch' && s.name === 'vote')).toBe(true);
    const ns = after.plan.namespaces[0]!;
    expect(ns).toMatchObject({ planned: 'baseline', blockers: ['shop/Deployment/legacy'] });
    expect(ns.exemption?.reason).toContain('trial run failed');
    expect(after.plan.phases.find((p) => p.id === '4-enforce-restricted')!.steps).toEqual([]);
    expect(trialObjections(after.plan, '2-fix')).toEqual([]);
    const files = renderPlanFiles(after, await loadPlanTemplates(TEMPLATES));
    const md = files.find((f) => f.path === 'PLAN.md')!.contents;
    expect(md).toMatch(/1 patch\(es\) failed their trial run on the cluster and are not applied/);
    expect(md).toMatch(/\| shop\/Deployment\/legacy \| review \| {2}\| trial run failed in round 1/);
    const kustomize = files
      .filter((f) => f.path.endsWith('kustomization.yaml'))
      .map((f) => f.contents)
      .join('\n');
    expect(kustomize).not.toContain('legacy');
    const script = files.find((f) => f.path === '2-fix/apply.sh')!.contents;
    expect(script).not.toContain('deployment-legacy');
  });

  it('a record of another patch (the answers changed since) is not used, and the note says why', async () => {
    const legacy = byName('legacy');
    const record = await trial(
      legacy,
      port('legacy', CHOWN, () => false),
    );
    const other = answersSchema.parse({ uids: { 'shop/Deployment/legacy/legacy': 2000 } });
    const after = plan({ legacy: record }, other);
    expect(wl(after, 'legacy')).toMatchObject({ status: 'fixed', held: null });
    expect(wl(after, 'legacy').trial).toBeUndefined();
    expect(after.trialNotes).toEqual([
      expect.stringMatching(/^trial of shop\/Deployment\/legacy not used: the proposed patch differs/),
    ]);
    expect(judgeTrial({ ...record, fingerprint: 'other' }, record.fingerprint!, 'x')).toMatchObject({
      use: 'none',
      why: expect.stringContaining('the workload changed'),
    });
  });

  it('two objects with the same identity from different files never share a record', () => {
    const rec = (reason: string) => ({ result: 'fail', reason, rounds: [], durationMs: 0 }) as TrialRecord;
    const lookup = trialLookup([
      { namespace: 'a', kind: 'Deployment', name: 'x', source: { file: 'one.yaml', document: 0 }, trial: rec('one') },
      { namespace: 'a', kind: 'Deployment', name: 'x', source: { file: 'two.yaml', document: 0 }, trial: rec('two') },
    ]);
    const at = (file: string) => ({ namespace: 'a', kind: 'Deployment', name: 'x', source: { file, document: 0 } });
    expect(lookup(at('one.yaml'))?.reason).toBe('one');
    expect(lookup(at('two.yaml'))?.reason).toBe('two');
    expect(lookup(at('three.yaml'))).toBeUndefined();
  });
});

describe('trial DIR -f FILES: the manifest the plan read is what the trial copies', () => {
  const reread = (files: { file: string; text: string }[]) =>
    manifestLookup(inventoryFromTexts(files).workloads, templateFingerprint);

  it('finds each planned workload in the files read again; the trial of it is the record the re-plan uses', async () => {
    const before = plan();
    const planned = wl(before, 'vote');
    const found = reread([{ file: 'shop.yaml', text: SHOP }])(planned);
    if (!('workload' in found)) throw new Error(found.why);
    // Read again (a new object), not the planner's own: the identity and fingerprint matched.
    expect(found.workload).not.toBe(byName('vote'));
    expect(found.workload.source).toEqual({ file: 'shop.yaml', document: 1, line: 5 });
    const record = await trial(found.workload, port('vote', GUNICORN, mounted));
    expect(record.fingerprint).toBe(planned.fingerprint);
    const after = plan({ vote: record });
    expect(after.trialNotes).toEqual([]);
    expect(wl(after, 'vote')).toMatchObject({ status: 'fixed', held: null, trial: { result: 'pass' } });
    expect(JSON.stringify(after.documents.get(wl(after, 'vote').patch!)!.data)).toContain('"mountPath":"/tmp"');
  });

  it('refuses, naming the file, a workload whose file changed, is gone, or is the live object with defaults', () => {
    const planned = wl(plan(), 'vote');
    const changed = reread([{ file: 'shop.yaml', text: SHOP.replace('example.com/vote:1', 'example.com/vote:2') }]);
    expect(changed(planned)).toEqual({
      problem: 'changed',
      why: 'shop/Deployment/vote in shop.yaml document 2 (line 5): its pod template is not the one the plan read (changed since the plan was made)',
    });
    const gone = reread([
      {
        file: 'shop.yaml',
        text: SHOP.split('---')
          .filter((d) => !d.includes('name: vote'))
          .join('---'),
      },
    ]);
    expect(gone(planned)).toEqual({
      problem: 'missing',
      why: 'shop/Deployment/vote (planned from shop.yaml document 2 (line 5)) is in none of the files read',
    });
    // What the API server returns adds defaults: another fingerprint, so the live copy never matched.
    const defaulted = reread([
      {
        file: 'shop.yaml',
        text: SHOP.replace(
          'readOnlyRootFilesystem: true}',
          'readOnlyRootFilesystem: true}, terminationMessagePath: /dev/termination-log',
        ),
      },
    ]);
    expect(defaulted(planned)).toMatchObject({ problem: 'changed' });
  });

  it('duplicates: the copy read from the same file, never its twin; none at that place is refused', () => {
    const dep = (image: string) =>
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "${image}"}]
`;
    const files = [
      { file: 'base.yaml', text: dep('example.com/api:1') },
      { file: 'prod.yaml', text: dep('example.com/api:2') },
    ];
    const inv = inventoryFromTexts(files);
    const fp = (file: string) =>
      templateFingerprint(inv.workloads.find((w) => 'file' in w.source && w.source.file === file)!.template);
    const at = (file: string, fingerprint = fp(file)) => ({
      namespace: 'shop',
      kind: 'Deployment',
      name: 'api',
      source: { file, document: 0 },
      fingerprint,
    });
    const find = reread(files);
    const prod = find(at('prod.yaml'));
    expect('workload' in prod && prod.workload.template.spec).toMatchObject({
      containers: [{ image: 'example.com/api:2' }],
    });
    expect(find(at('base.yaml'))).toHaveProperty('workload.source.file', 'base.yaml');
    expect(find(at('other.yaml', fp('base.yaml')))).toEqual({
      problem: 'ambiguous',
      why: 'shop/Deployment/api is defined 2 times in the files read (base.yaml document 1 (line 1); prod.yaml document 1 (line 1)) and none is other.yaml document 1, where the plan read it',
    });
    // And in an earlier plan's records: a copy without a record never takes its twin's.
    const lookup = trialLookup([
      { ...at('base.yaml'), trial: 'base' },
      { ...at('prod.yaml'), trial: undefined },
    ]);
    expect(lookup(at('base.yaml'))).toBe('base');
    expect(lookup(at('prod.yaml'))).toBeUndefined();
  });
});
