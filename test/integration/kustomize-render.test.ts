// The two routes of a plan's 2-fix phase give the same objects: `kubectl patch --type strategic`
// with each patch file (what apply.sh runs) and `kubectl kustomize` of an overlay that adds the
// namespace folder as a Component (the GitOps route; kustomize of the kubectl under test). The
// rendered objects carry no patch directive ($setElementOrder, $patch) and the real API server
// takes them (server-side apply, dry run). Plans: the demo estate with its answers, the real-world
// manifests, and the real-world manifests with --harden (volumes appended to existing lists).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadDemoEstate } from '../../src/files/demo.js';
import { generatePlan } from '../../src/files/generate-plan.js';
import { writePlan } from '../../src/files/write-plan.js';
import { EMPTY_ANSWERS, type Answers } from '../../src/fix/index.js';
import type { Inventory } from '../../src/inventory/types.js';
import { createTestNamespace, deleteNamespace, kubeConfigFor, kubeconfigPath, kubectlPath } from '../harness/env.js';
import { demoAnswers, FIXED_TIME, realworldInventory, TEMPLATES } from '../plan/helpers.js';

type Obj = Record<string, unknown>;

function kubectl(args: string[], input?: string): string {
  const r = spawnSync(kubectlPath(), args, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Every key of a value, at any depth. */
function keysOf(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) for (const x of v) keysOf(x, out);
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) keysOf(x, out.add(k));
  return out;
}

const work = mkdtempSync(join(tmpdir(), 'podsec-kustomize-'));
let ns = '';

interface Case {
  name: string;
  inventory: () => Promise<Inventory>;
  answers: Answers;
  harden: boolean;
}

/**
 * The real-world manifests come from several projects, and a few share a kind and name in one
 * namespace (two `default/Job buildkit`): one kustomize build cannot hold both, so only the first
 * of each is kept.
 */
async function realworldUnique(): Promise<Inventory> {
  const inventory = await realworldInventory();
  const seen = new Set<string>();
  const workloads = inventory.workloads.filter((w) => {
    const key = `${w.namespace}/${w.kind}/${w.name}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
  return { ...inventory, workloads };
}

const cases: Case[] = [
  {
    name: 'demo',
    inventory: async () => (await loadDemoEstate(TEMPLATES)).inventory,
    answers: demoAnswers(),
    harden: demoAnswers().harden,
  },
  { name: 'realworld', inventory: realworldUnique, answers: EMPTY_ANSWERS, harden: false },
  { name: 'realworld --harden', inventory: realworldUnique, answers: EMPTY_ANSWERS, harden: true },
];

describe('kustomize Component and kubectl patch render the same objects', () => {
  beforeAll(async () => {
    ns = await createTestNamespace(kubeConfigFor(), { prefix: 'kustomize' });
  });
  afterAll(async () => {
    if (ns) await deleteNamespace(kubeConfigFor(), ns);
    rmSync(work, { recursive: true, force: true });
  });

  it.each(cases)('$name', async (c) => {
    const inventory = await c.inventory();
    const { bundle, files } = await generatePlan(inventory, {
      target: 'restricted',
      answers: c.answers,
      exempt: [],
      harden: c.harden,
      createdAt: FIXED_TIME,
      templatesDir: TEMPLATES,
    });
    const root = join(work, c.name.replace(/\W+/g, '-'));
    const planDir = join(root, 'plan');
    await writePlan(planDir, files);
    const phase = bundle.plan.phases.find((p) => p.id === '2-fix');
    const steps = (phase?.steps ?? []).filter((s) => s.type === 'patch');
    expect(steps.length).toBeGreaterThan(0);
    const byKey = new Map(inventory.workloads.map((w) => [`${w.namespace}/${w.kind}/${w.name}`, w]));
    const dirs = new Map(bundle.plan.namespaces.map((n) => [n.name, n.dir]));
    const rendered: Obj[] = [];
    let compared = 0;
    for (const nsName of [...new Set(steps.map((s) => s.namespace))]) {
      const nsSteps = steps.filter((s) => s.namespace === nsName);
      const base = join(root, 'base', nsName);
      const overlay = join(root, 'overlay', nsName);
      mkdirSync(base, { recursive: true });
      mkdirSync(overlay, { recursive: true });
      const originals = nsSteps.map((s) => {
        const w = byKey.get(`${s.namespace}/${s.kind}/${s.name}`);
        if (w === undefined) throw new Error(`no workload for ${s.namespace}/${s.kind}/${s.name}`);
        const object = structuredClone(w.object) as { metadata: Obj };
        object.metadata = { ...object.metadata, namespace: w.namespace };
        return { step: s, object };
      });
      originals.forEach((o, i) => writeFileSync(join(base, `o${i}.json`), JSON.stringify(o.object)));
      writeFileSync(
        join(base, 'kustomization.yaml'),
        `resources:\n${originals.map((_, i) => `  - o${i}.json`).join('\n')}\n`,
      );
      const component = relative(overlay, join(planDir, '2-fix', dirs.get(nsName) ?? nsName));
      writeFileSync(
        join(overlay, 'kustomization.yaml'),
        `resources:\n  - ${relative(overlay, base)}\ncomponents:\n  - ${component}\n`,
      );
      const out = parseAllDocuments(kubectl(['kustomize', overlay])).map((d) => ('toJS' in d ? (d.toJS() as Obj) : {}));
      for (const [i, o] of originals.entries()) {
        const meta = o.object.metadata;
        const fromKustomize = out.find(
          (x) => x['kind'] === o.step.kind && (x['metadata'] as Obj)['name'] === meta['name'],
        );
        expect(fromKustomize, `${o.step.kind}/${String(meta['name'])} in the kustomize output`).toBeDefined();
        const k = fromKustomize as Obj;
        const directives = [...keysOf(k)].filter((key) => key.startsWith('$'));
        expect(directives, `${c.name} ${o.step.file}: patch directives left in the rendered object`).toEqual([]);
        // Both through the same typed round trip (kubectl patch --local fills the same empty fields).
        const viaPatch = JSON.parse(
          kubectl([
            'patch',
            '--local',
            '-f',
            join(base, `o${i}.json`),
            '--type',
            'strategic',
            '--patch-file',
            join(planDir, o.step.file),
            '-o',
            'json',
          ]),
        ) as Obj;
        const kFile = join(root, `k-${nsName}-${i}.json`);
        writeFileSync(kFile, JSON.stringify(k));
        const viaKustomize = JSON.parse(
          kubectl(['patch', '--local', '-f', kFile, '--type', 'merge', '-p', '{}', '-o', 'json']),
        ) as Obj;
        expect(viaKustomize, `${c.name} ${o.step.file}`).toEqual(viaPatch);
        compared++;
        rendered.push(k);
      }
    }
    expect(compared).toBe(steps.length);

    // The API server takes every rendered object (in the test namespace, server-side dry run).
    const docs = rendered
      .map((o) => JSON.stringify({ ...o, metadata: { ...(o['metadata'] as Obj), namespace: ns } }))
      .join('\n');
    kubectl(
      [
        '--kubeconfig',
        kubeconfigPath(),
        'apply',
        '--server-side',
        '--dry-run=server',
        '--field-manager',
        'podsec-test',
        '-f',
        '-',
      ],
      docs,
    );
  });
});
