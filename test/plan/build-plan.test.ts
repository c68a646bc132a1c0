// buildPlan on the demo estate, the real-world manifests and small crafted inventories: levels,
// exemptions, phases, answers, inverse patches, reproducibility and the schema round trip.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePlanText } from '../../src/files/read-plan.js';
import { answersSchema, applyStrategicMerge, EMPTY_ANSWERS, type Answers } from '../../src/fix/index.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import type { Inventory } from '../../src/inventory/types.js';
import { buildPlan, type PlanBundle } from '../../src/plan/index.js';
import { evaluatePod, extractPodTemplate } from '../../src/policy/index.js';
import { loadCatalogue } from '../fix/helpers.js';
import { demoAnswers, demoPlan, FIXED_TIME, realworldInventory } from './helpers.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const catalogue = loadCatalogue();

function plan(inv: Inventory, answers: Partial<Answers> = {}, extra: { exempt?: string[] } = {}): PlanBundle {
  return buildPlan(inv, {
    target: 'restricted',
    policyVersion: 'v1.37',
    answers: answersSchema.parse(answers),
    exempt: extra.exempt ?? [],
    harden: false,
    catalogue,
    createdAt: FIXED_TIME,
    hash: sha,
  });
}

const deployment = (ns: string, name: string, spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${JSON.stringify(name)}, namespace: ${JSON.stringify(ns)}}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
${spec}
---
`;
const plain = '      containers: [{name: app, image: "nginx:1.27"}]';

/** Applies every fix patch and its inverse to the original objects and checks both directions. */
function checkPatches(bundle: PlanBundle, inv: Inventory): number {
  let checked = 0;
  for (const w of bundle.plan.workloads) {
    if (w.patch === null || w.rollbackPatch === null) continue;
    const original = inv.workloads.find(
      (x) =>
        x.namespace === w.namespace &&
        x.kind === w.kind &&
        x.name === w.name &&
        JSON.stringify(x.source) === JSON.stringify(w.source),
    );
    expect(original, `${w.namespace}/${w.kind}/${w.name}`).toBeDefined();
    const obj = structuredClone(original!.object) as Record<string, unknown> & { metadata: Record<string, unknown> };
    obj.metadata = { ...obj.metadata, namespace: w.namespace };
    const patched = applyStrategicMerge(obj, bundle.documents.get(w.patch)!.data);
    const template = extractPodTemplate(patched)!.template;
    if (w.ownershipInit === null)
      expect(evaluatePod(template, 'restricted', 'v1.37', { isPod: w.kind === 'Pod' }).allowed, w.patch).toBe(true);
    else expect(evaluatePod(template, 'baseline', 'v1.37').allowed).toBe(true);
    expect(applyStrategicMerge(patched, bundle.documents.get(w.rollbackPatch)!.data), w.rollbackPatch).toEqual(obj);
    checked++;
  }
  return checked;
}

describe('buildPlan on the demo estate', () => {
  it('plans every namespace as the design describes', async () => {
    const { bundle } = await demoPlan();
    const ns = Object.fromEntries(bundle.plan.namespaces.map((n) => [n.name, n]));
    expect(ns['monitoring']).toMatchObject({
      planned: 'privileged',
      reachable: 'privileged',
      blockers: ['monitoring/DaemonSet/node-agent'],
    });
    expect(ns['monitoring']?.exemption?.reason).toMatch(/node-agent/);
    // inventory's patch waits for a UID answer: not scheduled, and legacy stays at baseline with
    // the question named as the blocker; warn/audit still go to restricted.
    expect(ns['legacy']).toMatchObject({
      current: 'baseline',
      planned: 'baseline',
      blockers: ['legacy/Deployment/inventory'],
    });
    expect(ns['legacy']?.exemption?.reason).toMatch(/open question .*Which non-root UID can container "tomcat"/);
    expect(ns['legacy']?.phases).toEqual([
      {
        id: '1-observe',
        labelsAfter: expect.objectContaining({
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/enforce': 'baseline',
        }),
      },
    ]);
    const inventory = bundle.plan.workloads.find((w) => w.name === 'inventory')!;
    expect(inventory).toMatchObject({ status: 'review', patch: null, held: expect.stringMatching(/tomcat/) });
    expect(inventory.questions.map((q) => q.kind)).toEqual(['uid']);
    expect(bundle.plan.phases.flatMap((p) => p.steps).some((s) => s.namespace === 'legacy' && s.type === 'patch')).toBe(
      false,
    );
    expect([...bundle.documents.keys()].some((k) => k.includes('inventory'))).toBe(false);
    // Without answers, vote and worker wait for a UID too: shop stops at baseline.
    expect(ns['shop']?.phases.map((p) => p.id)).toEqual(['1-observe', '3-enforce-baseline']);
    expect(ns['shop']?.blockers).toEqual(['shop/Deployment/vote', 'shop/Deployment/worker']);
    const fix = bundle.plan.phases.find((p) => p.id === '2-fix')!;
    expect(fix.namespaces).not.toContain('payments');
    expect(fix.namespaces).toContain('shop');
    const vote = bundle.plan.workloads.find((w) => w.name === 'vote')!;
    expect(vote.patch).toBeNull();
    const answered = (await demoPlan(demoAnswers())).bundle.plan;
    expect(answered.workloads.find((w) => w.name === 'vote')!.patch).toBe('2-fix/shop/deployment-vote.yaml');
    expect(answered.namespaces.find((n) => n.name === 'shop')?.phases.map((p) => p.id)).toEqual([
      '1-observe',
      '3-enforce-baseline',
      '4-enforce-restricted',
    ]);
    expect(bundle.plan.workloads.find((w) => w.name === 'node-agent')).toMatchObject({
      status: 'blocked',
      patch: null,
    });
    expect(bundle.plan.workloads.find((w) => w.name === 'checkout')).toMatchObject({
      status: 'compliant',
      patch: null,
    });
  });

  it('writes patches that pass restricted and inverses that restore the objects exactly', async () => {
    const { bundle } = await demoPlan();
    const { loadDemoEstate } = await import('../../src/files/demo.js');
    const demo = await loadDemoEstate(`${import.meta.dirname}/../../templates`);
    expect(checkPatches(bundle, demo.inventory)).toBe(5);
  });

  it('is reproducible: a second run gives the same files except createdAt', async () => {
    const a = await demoPlan();
    const b = await demoPlan();
    const texts = (g: typeof a) => g.files.map((f) => [f.path, f.contents, f.mode]);
    expect(texts(b)).toEqual(texts(a));
    const inv = inventoryFromTexts([{ file: 'x.yaml', text: deployment('a', 'b', plain) }]);
    const one = buildPlan(inv, {
      target: 'restricted',
      policyVersion: 'v1.37',
      answers: EMPTY_ANSWERS,
      exempt: [],
      harden: false,
      catalogue,
      createdAt: 'T1',
      hash: sha,
    });
    const two = buildPlan(inv, {
      target: 'restricted',
      policyVersion: 'v1.37',
      answers: EMPTY_ANSWERS,
      exempt: [],
      harden: false,
      catalogue,
      createdAt: 'T2',
      hash: sha,
    });
    expect({ ...two.plan, createdAt: 'T1' }).toEqual(one.plan);
  });

  it('survives the schema round trip', async () => {
    const { bundle } = await demoPlan();
    expect(parsePlanText(JSON.stringify(bundle.plan))).toEqual(bundle.plan);
  });
});

describe('buildPlan on test/fixtures/realworld', () => {
  it('patches pass restricted and their inverses restore every object', async () => {
    const inv = await realworldInventory();
    expect(checkPatches(plan(inv), inv)).toBeGreaterThan(3);
  });

  it('records kube-system as a system namespace without label changes or patches', async () => {
    const bundle = plan(await realworldInventory());
    expect(bundle.plan.namespaces.find((n) => n.name === 'kube-system')).toMatchObject({
      system: true,
      phases: [],
      exemption: { reason: 'system namespace' },
    });
    expect(
      bundle.plan.workloads
        .filter((w) => w.namespace === 'kube-system')
        .every((w) => w.patch === null && w.skipped === 'system namespace'),
    ).toBe(true);
  });
});

describe('decisions', () => {
  const inv = inventoryFromTexts([
    {
      file: 'x.yaml',
      text: deployment('team', 'api', plain) + deployment('team', 'tool', plain) + deployment('other', 'web', plain),
    },
  ]);

  it('reports a workload of a system namespace as skipped, never fixed (issue 12 item 4)', () => {
    const sys = inventoryFromTexts([{ file: 'k.yaml', text: deployment('kube-system', 'descheduler', plain) }]);
    const b = plan(sys);
    expect(b.plan.workloads[0]).toMatchObject({ status: 'skipped', skipped: 'system namespace', patch: null });
    expect(b.plan.summary).toMatchObject({ fixed: 0, review: 0, skipped: 1, patches: 0 });
  });

  it('skips a workload named in answers.skip and holds its namespace at what it passes', () => {
    const b = plan(inv, { skip: ['team/Deployment/tool'] });
    expect(b.plan.workloads.find((w) => w.name === 'tool')).toMatchObject({
      skipped: 'skipped by the answers file',
      patch: null,
    });
    expect(b.plan.namespaces.find((n) => n.name === 'team')).toMatchObject({
      planned: 'baseline',
      blockers: ['team/Deployment/tool'],
    });
  });

  it('exempts namespaces from answers.exemptions and --exempt: no enforce change, no patches, warn/audit at the target', () => {
    const b = plan(inv, { exemptions: { team: 'vendor appliance' } }, { exempt: ['other'] });
    expect(b.plan.namespaces.find((n) => n.name === 'team')?.exemption?.reason).toBe('vendor appliance');
    expect(b.plan.namespaces.find((n) => n.name === 'other')?.exemption?.reason).toBe('exempted with --exempt');
    expect(b.plan.phases.filter((p) => p.id !== '1-observe').every((p) => p.steps.length === 0)).toBe(true);
    const observe = b.plan.phases.find((p) => p.id === '1-observe')!.steps;
    expect(observe.map((s) => s.namespace).sort()).toEqual(['other', 'team']);
    for (const s of observe) {
      if (s.type !== 'labels') throw new Error('observe has label steps only');
      expect(s.after).not.toHaveProperty(['pod-security.kubernetes.io/enforce']);
      expect(s.after).toMatchObject({
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      });
    }
    expect(b.plan.decisions.exempt).toEqual(['other']);
  });

  it('leaves a namespace it could not fully read alone (no labels, no patches)', () => {
    const partial: Inventory = {
      ...inv,
      namespaces: inv.namespaces.map((n) =>
        n.name === 'team'
          ? { ...n, unreadable: [{ kinds: ['pods'], permission: 'list pods', message: 'forbidden' }] }
          : n,
      ),
    };
    const b = plan(partial);
    const team = b.plan.namespaces.find((n) => n.name === 'team')!;
    expect(team.exemption?.reason).toMatch(/could not read pods/);
    expect(team.phases).toEqual([]);
    expect(b.plan.workloads.filter((w) => w.namespace === 'team').every((w) => w.patch === null)).toBe(true);
  });

  it('uses a per-namespace target from answers.targets', () => {
    const b = plan(inv, { targets: { other: 'baseline' } });
    const other = b.plan.namespaces.find((n) => n.name === 'other')!;
    expect(other).toMatchObject({ target: 'baseline', planned: 'baseline' });
    expect(other.phases.map((p) => p.id)).not.toContain('4-enforce-restricted');
    expect(b.plan.workloads.find((w) => w.name === 'web')).toMatchObject({ status: 'compliant', patch: null });
  });

  it('removes a temporary ownership init container first in 4-enforce-restricted, with its inverse', () => {
    const spec = `      containers: [{name: db, image: "postgres:17", volumeMounts: [{name: blob, mountPath: /blob}]}]
      volumes: [{name: blob, csi: {driver: blob.csi.example.com}}]`;
    const ownInv = inventoryFromTexts([{ file: 'x.yaml', text: deployment('data', 'db', spec) }]);
    const b = plan(ownInv);
    const w = b.plan.workloads[0]!;
    expect(w.ownershipInit).toMatchObject({
      container: 'podsec-chown',
      removePatch: '4-enforce-restricted/data/deployment-db.yaml',
    });
    const steps = b.plan.phases.find((p) => p.id === '4-enforce-restricted')!.steps;
    expect(steps.map((s) => s.type)).toEqual(['patch', 'labels']);
    const obj = { ...ownInv.workloads[0]!.object };
    const fixed = applyStrategicMerge(obj, b.documents.get(w.patch!)!.data);
    expect(JSON.stringify(fixed)).toContain('podsec-chown');
    const final = applyStrategicMerge(fixed, b.documents.get(w.ownershipInit!.removePatch)!.data);
    expect(JSON.stringify(final)).not.toContain('podsec-chown');
    expect(evaluatePod(extractPodTemplate(final)!.template, 'restricted', 'v1.37').allowed).toBe(true);
    const back = steps[0]!.rollbackFile;
    expect(applyStrategicMerge(final, b.documents.get(back)!.data)).toEqual(fixed);
  });
});
