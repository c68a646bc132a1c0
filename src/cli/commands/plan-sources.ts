// `podsec plan --chart DIR` and `plan -f ... --edit-sources`: fixes where the workload is really
// defined. Shell around src/sources: flag checks, the chart adapter, reading and atomically
// rewriting source files. The plan command calls these; results go on stdout, notes on stderr.

import { InternalError, UsageError, UserError } from '../../errors.js';
import type { Inventory } from '../../inventory/types.js';
import { PlanDocument, type PlanBundle } from '../../plan/index.js';
import type { CommandContext } from '../context.js';
import type { Flags } from '../flags.js';

export interface SourceFlags {
  chart?: string;
  values: string[];
  release?: string;
  namespace: string;
  editSources: boolean;
  dryRun: boolean;
}

/** The --chart / --edit-sources flags, with their usage errors checked before anything is read. */
export function sourceFlags(flags: Flags): SourceFlags {
  const chart = flags.chart;
  const values = flags.values;
  const release = flags.release;
  const namespaces = flags.namespace;
  const files = flags.file;
  const editSources = flags.editSources;
  const dryRun = flags.dryRun;
  if (chart === undefined && (values.length > 0 || release !== undefined))
    throw new UsageError(
      `${values.length > 0 ? '--values' : '--release'} goes with --chart`,
      'add --chart DIR (a Helm chart directory)',
    );
  if (chart !== undefined && files.length > 0)
    throw new UsageError(
      '--chart and -f are two different sources',
      'plan the chart with --chart, or rendered manifests with -f, not both',
    );
  if (chart !== undefined && (flags.evidence || flags.probe))
    throw new UsageError(
      '--evidence and --probe read a live cluster, so they cannot be used with --chart',
      'plan the live release without --chart to gather evidence',
    );
  if (chart !== undefined && namespaces.length > 1)
    throw new UsageError('--chart renders into one namespace', 'give -n NS once (the release namespace)');
  if (editSources && files.length === 0)
    throw new UsageError(
      '--edit-sources writes fixes into manifest files, so it needs -f PATH',
      'add -f with the files or directory that are your source of truth',
    );
  if (dryRun && !editSources)
    throw new UsageError(
      '--dry-run goes with --edit-sources (plan itself writes only the plan directory)',
      'add --edit-sources, or drop --dry-run',
    );
  if (release !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(release))
    throw new UsageError(
      `--release "${release}" is not a valid Helm release name`,
      'use lowercase letters, digits and dashes',
    );
  return {
    ...(chart !== undefined ? { chart } : {}),
    values,
    ...(release !== undefined ? { release } : {}),
    namespace: namespaces[0] ?? 'default',
    editSources,
    dryRun,
  };
}

/** Renders the chart and returns its workloads as an inventory (managed by the release) and the chart handle. */
export async function readChart(sf: SourceFlags & { chart: string }, ctx: CommandContext) {
  const { openChart } = await import('../../files/helm.js');
  const { basename, resolve } = await import('node:path');
  const { readFile } = await import('node:fs/promises');
  let release = sf.release;
  if (release === undefined) {
    const meta = await readFile(resolve(ctx.cwd, sf.chart, 'Chart.yaml'), 'utf8').catch(() => '');
    release =
      /^name:\s*["']?([A-Za-z0-9-]+)/m.exec(meta)?.[1]?.toLowerCase() ??
      basename(resolve(ctx.cwd, sf.chart)).toLowerCase();
  }
  if (ctx.io.stderrIsTTY)
    ctx.io.err(`podsec: rendering chart ${sf.chart} (release ${release}, namespace ${sf.namespace})\n`);
  const chart = await openChart({
    chart: sf.chart,
    valuesFiles: sf.values,
    release,
    namespace: sf.namespace,
    env: ctx.env,
    cwd: ctx.cwd,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const inventory: Inventory = {
    ...chart.inventory,
    workloads: chart.inventory.workloads.map((w) => ({
      ...w,
      managedBy: [...w.managedBy, { tool: 'helm' as const, name: release, detail: `chart ${sf.chart}` }],
    })),
  };
  return { inventory, chart, release };
}

type Chart = Awaited<ReturnType<typeof readChart>>;

/**
 * The plan augmentation for --chart / --edit-sources, and the step that runs once the plan is
 * written (rewrite the source files, print the diffs). Without either there is no augmentation
 * (`augment` undefined) and the inventory is not kept.
 */
export async function sourceAugmenter(
  sf: SourceFlags,
  input: Inventory,
  chart: Chart | undefined,
  ctx: CommandContext,
): Promise<{ augment: ((bundle: PlanBundle) => Promise<void>) | undefined; afterWrite: () => Promise<void> }> {
  if (chart === undefined && !sf.editSources) return { augment: undefined, afterWrite: async () => {} };
  let pending: { file: string; after: string; diff: string }[] = [];
  // Dropped once used: afterWrite shares this scope, and the inventory of a large estate must not
  // stay in memory while the plan is written.
  let held: Inventory | undefined = input;
  const augment = async (bundle: PlanBundle): Promise<void> => {
    const inventory = held;
    held = undefined;
    if (inventory === undefined) throw new InternalError('the plan sources were already added');
    if (chart !== undefined && sf.chart !== undefined) {
      const { helmSection } = await import('../../sources/helm-plan.js');
      if (ctx.io.stderrIsTTY)
        ctx.io.err('podsec: finding the chart values that realise the fixes (rendering with candidate values)\n');
      const { section, documents } = await helmSection(bundle, inventory, {
        chart: sf.chart,
        release: chart.release,
        namespace: sf.namespace,
        valuesFiles: sf.values,
        defaults: chart.chart.defaults,
        render: chart.chart.render,
        command: (file) => chart.chart.upgradeCommand(file),
      });
      for (const [path, doc] of documents) bundle.documents.set(path, new PlanDocument(doc.header, doc.data));
      bundle.plan.sources = { ...bundle.plan.sources, helm: section };
    }
    if (sf.editSources) {
      const { sourceEdits } = await import('../../sources/source-edits.js');
      const { readFile } = await import('node:fs/promises');
      const { resolve } = await import('node:path');
      const texts = new Map<string, string>();
      for (const w of inventory.workloads) {
        if (!('file' in w.source) || texts.has(w.source.file) || w.source.file === '-') continue;
        texts.set(w.source.file, await readFile(resolve(ctx.cwd, w.source.file), 'utf8'));
      }
      const { edits, skipped } = sourceEdits(bundle, inventory, texts);
      for (const s of skipped) ctx.io.err(`podsec: not edited: ${s.key}: ${s.reason}\n`);
      pending = edits.map((e) => ({ file: e.file, after: e.after, diff: e.diff }));
      bundle.plan.sources = {
        ...bundle.plan.sources,
        edits: edits.map((e) => ({
          file: e.file,
          workloads: e.workloads,
          diff: e.diff,
          mode: sf.dryRun ? ('dry-run' as const) : ('written' as const),
        })),
      };
    }
  };
  const afterWrite = async (): Promise<void> => {
    if (pending.length === 0) {
      if (sf.editSources) ctx.io.out('No source file needs an edit.\n');
      return;
    }
    const { writeFile, rename, stat, rm } = await import('node:fs/promises');
    const { resolve, dirname, basename, join } = await import('node:path');
    for (const p of pending) ctx.io.out(`\n${p.diff.trimEnd()}\n`);
    if (sf.dryRun) {
      ctx.io.out(`\n--dry-run: ${pending.length} file(s) would be edited; none was written.\n`);
      return;
    }
    for (const p of pending) {
      const target = resolve(ctx.cwd, p.file);
      const tmp = join(dirname(target), `.${basename(target)}.podsec-${process.pid}`);
      const mode = (await stat(target)).mode & 0o777;
      try {
        await writeFile(tmp, p.after, { mode });
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        throw new UserError(
          `could not write ${p.file}: ${(err as Error).message}`,
          'the plan was written; fix the permission and rerun with --edit-sources',
        );
      }
    }
    ctx.io.out(
      `\nEdited ${pending.length} source file(s): ${pending.map((p) => p.file).join(', ')} (review with git diff).\n`,
    );
  };
  return { augment, afterWrite };
}
