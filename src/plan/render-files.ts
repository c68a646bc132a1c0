// Renders a plan bundle into the files of the plan directory: plan.json, PLAN.md, and per phase
// the patch documents (with inverses), a kustomize Component per namespace, NOTE.md where a GitOps
// controller or Helm manages a workload, apply.sh and rollback.sh. Pure: returns {path, contents}.

import { stringify } from 'yaml';
import type { PlanBundle } from './build-plan.js';
import { renderPlanMarkdown } from './render-markdown.js';
import { commentText, renderApplyScript, renderRollbackScript } from './render-scripts.js';
import { renderSourceFiles } from './sources.js';
import type { PlanTemplates } from './template.js';

/** A file of the plan directory; `path` is relative to DIR and uses `/`. */
export interface PlanFile {
  path: string;
  contents: string;
  /** Unix mode (0o755 for scripts); default 0o644. */
  mode?: number;
}

function yamlDoc(header: string[], data: unknown): string {
  return `${header.map((h) => `# ${commentText(h)}`).join('\n')}\n${stringify(data, { lineWidth: 0 })}`;
}

/** Every file of the plan directory, sorted by path. */
export function renderPlanFiles(bundle: PlanBundle, templates: PlanTemplates): PlanFile[] {
  const { plan, documents } = bundle;
  const files: PlanFile[] = [
    { path: 'plan.json', contents: `${JSON.stringify(plan, null, 2)}\n` },
    { path: 'PLAN.md', contents: renderPlanMarkdown(plan, templates) },
  ];
  for (const [path, doc] of documents) files.push({ path, contents: yamlDoc(doc.header, doc.data) });
  files.push(...renderSourceFiles(plan.sources));
  for (const phase of plan.phases) {
    files.push({ path: phase.apply, contents: renderApplyScript(phase, templates), mode: 0o755 });
    files.push({ path: phase.rollback, contents: renderRollbackScript(phase, templates), mode: 0o755 });
    for (const ns of plan.namespaces) {
      const steps = phase.steps.filter((s) => s.namespace === ns.name);
      if (steps.length === 0) continue;
      const prefix = `${phase.dir}/${ns.dir}/`;
      const component = {
        apiVersion: 'kustomize.config.k8s.io/v1alpha1',
        kind: 'Component',
        patches: steps.map((s) => ({ path: s.file.slice(prefix.length) })),
      };
      files.push({
        path: `${prefix}kustomization.yaml`,
        contents: yamlDoc(
          [`Phase ${phase.id}, namespace ${ns.name}: the same patches as a kustomize Component.`, 'GitOps: add this folder to your overlay under `components:` instead of running apply.sh.'],
          component,
        ),
      });
      const managed = plan.workloads.filter((w) => w.namespace === ns.name && steps.some((s) => s.type === 'patch' && s.kind === w.kind && s.name === w.name) && w.managedBy.some((m) => m.tool !== 'fieldManager'));
      if (managed.length > 0) {
        const lines = managed.flatMap((w) => w.managedBy.filter((m) => m.tool !== 'fieldManager').map((m) => `- ${w.kind} ${w.name}: managed by ${m.tool} (${m.name}${m.detail !== undefined ? `, ${m.detail}` : ''}). Make the change in its source (chart values, Git repository), or the controller will revert the patch.`));
        files.push({ path: `${prefix}NOTE.md`, contents: `# Managed workloads in ${commentText(ns.name)}\n\n${lines.map(commentText).join('\n')}\n` });
      }
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
