// Planning an inventory that is handed over (`podsec plan` of a large estate): the planner takes
// each namespace's workloads once and lets them go, and the plan files are exactly those of the
// inventory left as it is.
import { describe, expect, it } from 'vitest';
import { generatePlan } from '../../src/files/generate-plan.js';
import { EMPTY_ANSWERS } from '../../src/fix/index.js';
import { findDuplicates } from '../../src/inventory/duplicates.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import type { Inventory } from '../../src/inventory/types.js';
import { planInput } from '../../src/plan/index.js';
import { FIXED_TIME, realworldInventory, TEMPLATES } from './helpers.js';

const pod = (ns: string, name: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}}
spec:
  containers:
  - name: main
    image: registry.example/${name}:1
${extra}---
`;

/** Two namespaces (one with a Namespace object), a duplicate, a privileged pod and a bad name. */
function crafted(): Inventory {
  return inventoryFromTexts([
    {
      file: 'a.yaml',
      text:
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: zeta, labels: {pod-security.kubernetes.io/enforce: baseline}}\n---\n' +
        pod('zeta', 'web') +
        pod('alpha', 'db', '    securityContext: {privileged: true}\n') +
        pod('alpha', 'Bad_Name'),
    },
    { file: 'b.yaml', text: pod('zeta', 'web') + pod('alpha', 'cache') },
  ]);
}

const options = {
  target: 'restricted' as const,
  answers: EMPTY_ANSWERS,
  exempt: [],
  harden: false,
  createdAt: FIXED_TIME,
  templatesDir: TEMPLATES,
};

const contents = (files: { path: string; contents: string }[]) => files.map((f) => [f.path, f.contents]);

describe('planInput', () => {
  it('gives the namespaces in order, the duplicates, and each namespace its workloads', () => {
    const inv = crafted();
    const input = planInput(inv);
    expect(input.names).toEqual(['alpha', 'zeta']);
    expect(input.duplicates).toEqual(findDuplicates(inv.workloads));
    expect(input.duplicates.map((d) => d.key)).toEqual(['zeta/Pod/web']);
    expect(input.take('alpha').map((w) => w.name)).toEqual(['db', 'Bad_Name', 'cache']);
    // Without release the workloads stay (buildPlan on an inventory the caller still uses).
    expect(input.take('alpha')).toHaveLength(3);
    expect(inv.workloads).toHaveLength(5);
    expect('workloads' in input.inventory).toBe(false);
  });

  it('with release, lets each namespace go once taken', () => {
    const input = planInput(crafted(), true);
    expect(input.take('zeta').map((w) => w.name)).toEqual(['web', 'web']);
    expect(input.take('zeta')).toEqual([]);
    expect(input.take('nowhere')).toEqual([]);
  });
});

describe('generatePlan with handOver', () => {
  it.each([
    ['crafted', async () => crafted()],
    ['real-world manifests', realworldInventory],
  ])('writes the same files as without it, and empties the inventory (%s)', async (_name, read) => {
    const kept = await read();
    const given = await read();
    const before = kept.workloads.length;
    const a = await generatePlan(kept, options);
    const b = await generatePlan(given, { ...options, handOver: true });
    expect(contents(b.files)).toEqual(contents(a.files));
    expect(b.bundle.plan.workloads.length).toBeGreaterThan(0);
    expect(kept.workloads).toHaveLength(before);
    expect(given.workloads).toEqual([]);
  });
});
