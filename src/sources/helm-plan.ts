// Pure: the plan's Helm section for `plan --chart`: which fixed workloads go into the values file,
// the values search (through the render port), the post-renderer patches for what values cannot
// express, and the target-level check of the chart rendered with the values.

import { applyStrategicMerge, patchedObject, toStrategicPatch } from '../fix/index.js';
import { workloadKey, type Inventory, type PodTemplate, type Workload } from '../inventory/types.js';
import { evaluatePod } from '../policy/index.js';
import type { PlanBundle } from '../plan/index.js';
import type { HelmSection } from '../plan/sources.js';
import type { RenderChart, Values } from './helm/model.js';
import { findValues } from './helm/search.js';

export interface HelmPlanInput {
  chart: string;
  release: string;
  namespace: string;
  valuesFiles: readonly string[];
  defaults: Values;
  render: RenderChart;
  /** The `helm upgrade` command for a values file path. */
  command: (valuesFile: string) => string;
}

export const VALUES_FILE = 'values-podsec.yaml';
export const POST_RENDERER_DIR = 'helm-post-renderer/';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function templateAt(w: Workload, object: Obj): PodTemplate {
  let cur: unknown = object;
  for (const k of w.templatePath) cur = isObj(cur) ? cur[k] : undefined;
  const t = isObj(cur) ? cur : {};
  return {
    metadata: (isObj(t['metadata']) ? t['metadata'] : {}) as PodTemplate['metadata'],
    spec: isObj(t['spec']) ? t['spec'] : {},
  };
}

/** The template a plan leaves a workload with after its last phase (fix, then removal of a temporary init). */
export function finalTemplate(bundle: PlanBundle, w: Workload): PodTemplate | null {
  const pw = bundle.plan.workloads.find((x) => x.namespace === w.namespace && x.kind === w.kind && x.name === w.name);
  if (pw?.patch === null || pw === undefined) return null;
  const fix = bundle.documents.get(pw.patch)?.data;
  if (fix === undefined) return null;
  let object = applyStrategicMerge(w.object, fix);
  const remove = pw.ownershipInit !== null ? bundle.documents.get(pw.ownershipInit.removePatch)?.data : undefined;
  if (remove !== undefined) object = applyStrategicMerge(object, remove);
  return templateAt(w, object);
}

/** The Helm section of the plan, plus the post-renderer patch documents to add to the bundle. */
export async function helmSection(
  bundle: PlanBundle,
  inventory: Inventory,
  input: HelmPlanInput,
): Promise<{ section: HelmSection; documents: Map<string, { data: Obj; header: string[] }> }> {
  const plan = bundle.plan;
  const fixes = new Map<string, { before: PodTemplate; after: PodTemplate }>();
  const notIncluded: { key: string; reason: string }[] = [];
  const byKey = new Map(inventory.workloads.map((w) => [workloadKey(w), w]));
  for (const pw of plan.workloads) {
    const key = workloadKey(pw);
    const w = byKey.get(key);
    if (w === undefined || (pw.patch === null && pw.questions.length === 0)) continue;
    if (pw.status !== 'fixed' || pw.questions.length > 0 || pw.patch === null) {
      notIncluded.push({
        key,
        reason:
          pw.questions.length > 0
            ? `open question: ${pw.questions.map((q) => q.prompt).join('; ')}`
            : `status ${pw.status}: the owner reviews the patch first`,
      });
      continue;
    }
    const after = finalTemplate(bundle, w);
    if (after !== null) fixes.set(key, { before: w.template, after });
  }

  const found = await findValues(input.defaults, fixes, input.render);
  const documents = new Map<string, { data: Obj; header: string[] }>();
  const workloads: HelmSection['workloads'] = [];
  for (const wv of found.workloads) {
    const w = byKey.get(wv.key)!;
    const after = fixes.get(wv.key)!.after;
    const rendered = found.rendered.get(wv.key);
    let postRenderPatch: string | null = null;
    if (!wv.verified && rendered !== undefined) {
      const patch = toStrategicPatch(patchedObject(w, rendered), patchedObject(w, after));
      if (patch !== null) {
        postRenderPatch = `${POST_RENDERER_DIR}patches/${w.namespace}-${w.kind.toLowerCase()}-${w.name}.yaml`;
        const { metadata, ...rest } = patch;
        documents.set(postRenderPatch, {
          data: {
            apiVersion: w.apiVersion,
            kind: w.kind,
            metadata: { name: w.name, ...(isObj(metadata) ? metadata : {}) },
            ...rest,
          },
          header: [`${wv.key}: the fields the chart cannot set through values (${wv.unexpressible.join('; ')}).`],
        });
      }
    }
    const final = postRenderPatch !== null || rendered === undefined ? after : rendered;
    const target = plan.namespaces.find((n) => n.name === w.namespace)?.target ?? plan.target;
    const passesTarget = evaluatePod(final, target, plan.policyVersion, { isPod: w.kind === 'Pod' }).allowed;
    workloads.push({
      key: wv.key,
      keys: wv.keys,
      unexpressible: wv.unexpressible,
      verified: wv.verified,
      passesTarget,
      postRenderPatch,
    });
  }
  const postRenderer = documents.size > 0 ? POST_RENDERER_DIR : null;
  return {
    section: {
      chart: input.chart,
      release: input.release,
      namespace: input.namespace,
      valuesFiles: [...input.valuesFiles],
      valuesFile: VALUES_FILE,
      overrides: found.overrides,
      comments: Object.fromEntries(found.comments),
      command: input.command(VALUES_FILE),
      postRenderer,
      workloads,
      notIncluded,
      renders: found.renders,
    },
    documents,
  };
}
