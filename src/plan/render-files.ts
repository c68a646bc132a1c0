// Renders a plan bundle into the files of the plan directory: plan.json, PLAN.md, and per phase
// the patch documents (with inverses), a kustomize Component per namespace, NOTE.md where a GitOps
// controller or Helm manages a workload, apply.sh and rollback.sh. Pure: returns {path, contents}.

import { workloadKey } from '../inventory/types.js';
import type { PlanBundle } from './build-plan.js';
import { PlanDocument } from './document.js';
import { planMarkdownChunks } from './render-markdown.js';
import { commentText, renderApplyScript, renderRollbackScript } from './render-scripts.js';
import { renderSourceFiles } from './sources.js';
import type { PlanTemplates } from './template.js';
import { jsonChunks } from './json-stream.js';
import type { Plan, PlanStep, PlanWorkload } from './plan-schema.js';

/** A file of the plan directory; `path` is relative to DIR and uses `/`. */
export interface PlanFile {
  path: string;
  /** The whole text. For plan.json, PLAN.md and patches it is produced from `chunks` on each read (tests, small plans). */
  readonly contents: string;
  /** The text in pieces: writers use this, so a huge plan.json is never one string. */
  chunks?: () => Iterable<string>;
  /** Unix mode (0o755 for scripts); default 0o644. */
  mode?: number;
}

/** The pieces of a file's text. */
export function fileChunks(f: PlanFile): Iterable<string> {
  return f.chunks ? f.chunks() : [f.contents];
}

/**
 * How deep plan.json is written piece by piece: no piece is large (a namespace's exemption and
 * blockers are split down to each reason and key), and what is small is one piece (each workload,
 * each step, each file digest).
 */
const PLAN_JSON_DEPTH = 6;
const PLAN_JSON_MEMBER_DEPTH = { workloads: 1, phases: 3, files: 1 };

/**
 * A file whose text is produced when it is written (and again whenever `contents` is read): the
 * files of a 100k-workload plan are never all in memory at once.
 */
function lazyFile(path: string, chunks: () => Iterable<string>, mode?: number): PlanFile {
  return {
    path,
    chunks,
    get contents() {
      return [...chunks()].join('');
    },
    ...(mode !== undefined ? { mode } : {}),
  };
}

/** plan.json as a file whose text is produced in pieces: `JSON.stringify(plan, null, 2)` plus a newline. */
export function planJsonFile(plan: Plan): PlanFile {
  return lazyFile('plan.json', function* (): Generator<string> {
    yield* jsonChunks(plan, PLAN_JSON_DEPTH, '', PLAN_JSON_MEMBER_DEPTH);
    yield '\n';
  });
}

/**
 * Every file of the plan directory, sorted by path. plan.json records the SHA-256 of every other
 * file (`files`), and each script checks the files it passes to kubectl.
 */
export function renderPlanFiles(bundle: PlanBundle, templates: PlanTemplates): PlanFile[] {
  const { plan, documents } = bundle;
  const files: PlanFile[] = [];
  const digestOf = (f: PlanFile): string => (f.chunks ? bundle.hashChunks(f.chunks()) : bundle.hash(f.contents));
  for (const [path, doc] of documents) files.push({ path, contents: doc.text });
  files.push(...renderSourceFiles(plan.sources));
  const digests = new Map(files.map((f) => [f.path, digestOf(f)]));
  // The workloads a GitOps controller or Helm manages (those need NOTE.md), by namespace/kind/name,
  // so a phase's steps find theirs without scanning every workload.
  const isManaged = (w: PlanWorkload) => w.managedBy.some((m) => m.tool !== 'fieldManager');
  const workloadAt = new Map<string, number[]>();
  plan.workloads.forEach((w, i) => {
    if (!isManaged(w)) return;
    const key = workloadKey(w);
    const at = workloadAt.get(key);
    if (at === undefined) workloadAt.set(key, [i]);
    else at.push(i);
  });
  for (const phase of plan.phases) {
    files.push({
      path: phase.apply,
      contents: renderApplyScript(phase, templates, digests, plan.rolloutTimeoutSeconds),
      mode: 0o755,
    });
    files.push({ path: phase.rollback, contents: renderRollbackScript(phase, templates, digests), mode: 0o755 });
    const stepsByNamespace = new Map<string, PlanStep[]>();
    for (const s of phase.steps) {
      const list = stepsByNamespace.get(s.namespace);
      if (list === undefined) stepsByNamespace.set(s.namespace, [s]);
      else list.push(s);
    }
    for (const ns of plan.namespaces) {
      const steps = stepsByNamespace.get(ns.name) ?? [];
      if (steps.length === 0) continue;
      const prefix = `${phase.dir}/${ns.dir}/`;
      const component = {
        apiVersion: 'kustomize.config.k8s.io/v1alpha1',
        kind: 'Component',
        patches: steps.map((s) => ({ path: s.file.slice(prefix.length) })),
      };
      files.push({
        path: `${prefix}kustomization.yaml`,
        contents: new PlanDocument(
          [
            `Phase ${phase.id}, namespace ${ns.name}: the same patches as a kustomize Component.`,
            'GitOps: add this folder to your overlay under `components:` instead of running apply.sh.',
          ],
          component,
        ).text,
      });
      const patched = new Set<number>();
      for (const s of steps) {
        if (s.type === 'patch') for (const i of workloadAt.get(`${ns.name}/${s.kind}/${s.name}`) ?? []) patched.add(i);
      }
      // In plan order, as before.
      const managed = [...patched].sort((a, b) => a - b).map((i) => plan.workloads[i] as PlanWorkload);
      if (managed.length > 0) {
        const lines = managed.flatMap((w) =>
          w.managedBy
            .filter((m) => m.tool !== 'fieldManager')
            .map(
              (m) =>
                `- ${w.kind} ${w.name}: managed by ${m.tool} (${m.name}${m.detail !== undefined ? `, ${m.detail}` : ''}). Make the change in its source (chart values, Git repository), or the controller will revert the patch.`,
            ),
        );
        files.push({
          path: `${prefix}NOTE.md`,
          contents: `# Managed workloads in ${commentText(ns.name)}\n\n${lines.map(commentText).join('\n')}\n`,
        });
      }
    }
  }
  files.push(lazyFile('PLAN.md', () => planMarkdownChunks(plan, templates)));
  const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  files.sort(byPath);
  const recorded: Record<string, string> = {};
  for (const f of files) recorded[f.path] = digests.get(f.path) ?? digestOf(f);
  files.push(planJsonFile({ ...plan, files: recorded }));
  return files.sort(byPath);
}
