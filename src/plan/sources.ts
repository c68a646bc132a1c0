// The plan's "source of truth" section: for workloads a Helm chart defines (`plan --chart`), the
// values file that realises their fixes, what the chart cannot express, and a kustomize
// post-renderer for exactly those fields; for manifest files edited in place (`--edit-sources`),
// the diffs. Schema, PLAN.md section and files. Pure.

import { stringify } from 'yaml';
import { z } from 'zod';
import { commentText } from './render-scripts.js';

/** A path relative to the plan directory. */
const relPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.split('/').includes('..') && !p.includes('\\'),
    'must be a relative path inside the plan directory',
  );

const helmWorkload = z
  .object({
    key: z.string(),
    /** Values keys that realise the fix, with the field each one sets. */
    keys: z.array(z.object({ path: z.string(), field: z.string() }).strict()),
    /** Fields the chart cannot express through values (need a chart change or the post-renderer). */
    unexpressible: z.array(z.string()),
    /** `helm template` with the values file gives every fixed field exactly. */
    verified: z.boolean(),
    /** The workload rendered with the values file (and the post-renderer) passes its target level. */
    passesTarget: z.boolean(),
    /** Strategic-merge patch the post-renderer applies for the unexpressible fields, or null. */
    postRenderPatch: relPath.nullable(),
  })
  .strict();

export const planSourcesSchema = z
  .object({
    helm: z
      .object({
        chart: z.string(),
        release: z.string(),
        namespace: z.string(),
        valuesFiles: z.array(z.string()),
        /** The file to commit beside the chart's values (relative to the plan directory). */
        valuesFile: relPath,
        overrides: z.record(z.string(), z.unknown()),
        /** Per dotted values path: which workloads and fields it realises. */
        comments: z.record(z.string(), z.string()),
        /** `helm upgrade` with the values file (and the post-renderer when there is one). */
        command: z.string(),
        /** Kustomize folder used as a Helm post-renderer, or null when values express everything. */
        postRenderer: relPath.nullable(),
        workloads: z.array(helmWorkload),
        /** Workloads with a fix that needs review or an answer first: not in the values file. */
        notIncluded: z.array(z.object({ key: z.string(), reason: z.string() }).strict()),
        renders: z.number().int(),
      })
      .strict()
      .optional(),
    edits: z
      .array(
        z
          .object({
            file: z.string(),
            workloads: z.array(z.string()),
            /** Unified diff of the file (git diff style). */
            diff: z.string(),
            /** written: the file was changed; dry-run: only shown. */
            mode: z.enum(['written', 'dry-run']),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export type PlanSources = z.infer<typeof planSourcesSchema>;
export type HelmSection = NonNullable<PlanSources['helm']>;

/** values-podsec.yaml: the overrides, each key preceded by what it realises. */
export function renderValuesFile(helm: HelmSection): string {
  const header = [
    `# podsec: values that realise the Pod Security fixes of release ${helm.release} (chart ${helm.chart}).`,
    `# Use after your own values: ${helm.command}`,
    '# Verified by rendering: helm template with these values gives the fixed fields exactly (see plan.json sources.helm).',
  ];
  const body = stringify(helm.overrides, { lineWidth: 0 });
  const lines = body.split('\n');
  // A comment above each top-level key naming the workloads it serves.
  const out: string[] = [];
  for (const line of lines) {
    const top = /^([A-Za-z0-9_.-]+):/.exec(line)?.[1];
    if (top !== undefined) {
      const notes = Object.entries(helm.comments)
        .filter(([path]) => path === top || path.startsWith(`${top}.`))
        .map(([path, note]) => `# ${commentText(`${path}: ${note}`)}`);
      out.push(...notes);
    }
    out.push(line);
  }
  return `${header.map(commentText).join('\n')}\n${Object.keys(helm.overrides).length === 0 ? '{}\n' : out.join('\n')}`;
}

/** Files of the section: values-podsec.yaml and the post-renderer (kustomization + script). */
export function renderSourceFiles(
  sources: PlanSources | undefined,
): { path: string; contents: string; mode?: number }[] {
  const helm = sources?.helm;
  if (helm === undefined) return [];
  const files: { path: string; contents: string; mode?: number }[] = [
    { path: helm.valuesFile, contents: renderValuesFile(helm) },
  ];
  if (helm.postRenderer !== null) {
    const dir = helm.postRenderer.replace(/\/+$/, '');
    // Targets by kind and name: `helm template` leaves metadata.namespace out unless the chart sets it.
    const patches = helm.workloads.flatMap((w) => {
      const [, kind, name] = w.key.split('/');
      return w.postRenderPatch !== null
        ? [{ path: w.postRenderPatch.slice(dir.length + 1), target: { kind, name } }]
        : [];
    });
    files.push({
      path: `${dir}/kustomization.yaml`,
      contents: `# podsec: applies the fixes the chart cannot express through values, as a Helm post-renderer.\n${stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['rendered.yaml'], patches }, { lineWidth: 0 })}`,
    });
    files.push({
      path: `${dir}/post-render.sh`,
      mode: 0o755,
      contents: [
        '#!/bin/sh',
        '# Helm post-renderer: reads the rendered chart on stdin, applies the podsec patches, writes the result.',
        '# Helm 3: helm upgrade ... --post-renderer ./post-render.sh',
        'set -eu',
        'here=$(cd "$(dirname "$0")" && pwd)',
        'work=$(mktemp -d)',
        'trap \'rm -rf "$work"\' EXIT',
        'cp -R "$here/." "$work/"',
        'cat > "$work/rendered.yaml"',
        'kubectl kustomize "$work"',
        '',
      ].join('\n'),
    });
  }
  return files;
}

/** The PLAN.md section, or '' when the plan has no source-of-truth part. */
export function renderSourcesMarkdown(sources: PlanSources | undefined, md: (s: string) => string): string {
  if (sources === undefined) return '';
  const out: string[] = [];
  const helm = sources.helm;
  if (helm !== undefined) {
    out.push('## Helm values (commit these instead of live patches)', '');
    out.push(
      `The workloads below come from the chart \`${md(helm.chart)}\` (release ${md(helm.release)}, namespace ${md(helm.namespace)}). A live patch would be reverted by the next \`helm upgrade\`: commit \`${helm.valuesFile}\` and upgrade with it.`,
      '',
    );
    out.push('```sh', commentText(helm.command), '```', '');
    out.push(
      '| workload | values keys | verified by rendering | passes target | not expressible through values |',
      '|---|---|---|---|---|',
    );
    for (const w of helm.workloads) {
      out.push(
        `| ${md(w.key)} | ${w.keys.map((k) => `\`${md(k.path)}\` (${md(k.field)})`).join('<br>') || '-'} | ${w.verified ? 'yes' : 'no'} | ${w.passesTarget ? 'yes' : 'no'} | ${w.unexpressible.map(md).join('<br>') || '-'} |`,
      );
    }
    for (const n of helm.notIncluded) out.push(`| ${md(n.key)} | not included: ${md(n.reason)} | - | - | - |`);
    if (helm.postRenderer !== null) {
      out.push(
        '',
        `The chart exposes no values for some fixed fields: \`${helm.postRenderer}\` is a kustomize post-renderer that patches exactly those fields (\`--post-renderer ${helm.postRenderer}post-render.sh\`), or change the chart.`,
      );
    }
    out.push('');
  }
  for (const e of sources.edits ?? []) {
    if (out.length === 0) out.push('## Source files edited', '');
    out.push(
      `### ${md(e.file)} (${e.mode === 'written' ? 'edited' : 'dry run: not written'}; ${e.workloads.map(md).join(', ')})`,
      '',
      '```diff',
      e.diff.trimEnd(),
      '```',
      '',
    );
  }
  return out.join('\n');
}
