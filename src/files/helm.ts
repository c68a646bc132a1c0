// Shell: renders a Helm chart with the `helm` CLI (`helm template`), for `podsec plan --chart`.
// The helm binary is $PODSEC_HELM, else `helm` on PATH. Overrides go through a temp values file
// that is removed after each render. Rendered objects without a namespace get the release's.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { UserError } from '../errors.js';
import { inventoryFromTexts } from '../inventory/manifests.js';
import { workloadKey, type Inventory, type PodTemplate } from '../inventory/types.js';
import type { RenderChart, Values } from '../sources/helm/model.js';

export interface ChartOptions {
  chart: string;
  valuesFiles: readonly string[];
  release: string;
  namespace: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal?: AbortSignal;
}

export interface OpenChart {
  helm: string;
  /** The chart's default values merged with the operator's values files (Helm's merge). */
  defaults: Values;
  /** The chart rendered with the operator's values, as an inventory. */
  inventory: Inventory;
  render: RenderChart;
  /** The helm command that installs or upgrades the release with the plan's values file. */
  upgradeCommand: (valuesPodsec: string) => string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Helm's values merge: maps merge deeply, everything else (lists included) is replaced; null deletes. */
export function mergeValues(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else out[k] = isObj(v) && isObj(out[k]) ? mergeValues(out[k] as Values, v) : v;
  }
  return out;
}

function run(
  cmd: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { maxBuffer: 512 * 1024 * 1024, timeout: 120_000, ...(signal ? { signal } : {}) },
      (err, stdout, stderr) => {
        const code =
          err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
        done({ code, stdout: String(stdout), stderr: err !== null && stderr === '' ? err.message : String(stderr) });
      },
    );
  });
}

/** The helm binary to use; a UserError saying how to get one when there is none. */
export async function findHelm(env: NodeJS.ProcessEnv): Promise<string> {
  const candidates = env['PODSEC_HELM'] ? [env['PODSEC_HELM']] : ['helm'];
  for (const c of candidates) {
    const r = await run(c, ['version', '--short']).catch(() => null);
    if (r !== null && r.code === 0) return c;
  }
  throw new UserError(
    env['PODSEC_HELM']
      ? `PODSEC_HELM=${env['PODSEC_HELM']} does not run (helm version failed)`
      : '--chart needs the helm CLI, and there is no `helm` on PATH',
    'install Helm 3 or 4 (or set PODSEC_HELM to its path); `bash test/helm/build.sh` builds one from Go modules',
  );
}

/** Splits `helm template` output into one text per template file (`# Source: chart/templates/x.yaml`). */
export function splitRendered(text: string, chartDir: string): { file: string; text: string }[] {
  const byFile = new Map<string, string[]>();
  for (const doc of text.split(/^---[ \t]*$/m)) {
    const source = /^# Source: [^/\n]+\/(.+)$/m.exec(doc)?.[1]?.trim();
    if (doc.trim() === '' || /^(\s*#[^\n]*\n?)*\s*$/.test(doc)) continue;
    const file = join(chartDir, source ?? 'rendered.yaml');
    byFile.set(file, [...(byFile.get(file) ?? []), doc]);
  }
  return [...byFile].map(([file, docs]) => ({ file, text: docs.join('---') }));
}

/** Workloads of a rendered chart, in the release namespace where the object names none. */
export function renderedInventory(text: string, chartDir: string, namespace: string): Inventory {
  const inv = inventoryFromTexts(splitRendered(text, chartDir));
  const workloads = inv.workloads.map((w) => {
    const meta = isObj(w.object['metadata']) ? w.object['metadata'] : {};
    if (typeof meta['namespace'] === 'string' && meta['namespace'] !== '') return w;
    const object = { ...w.object, metadata: { ...meta, namespace } };
    return { ...w, namespace, object };
  });
  const names = new Set([...inv.namespaces.map((n) => n.name), ...workloads.map((w) => w.namespace)]);
  const namespaces = [...names]
    .sort()
    .map(
      (name) =>
        inv.namespaces.find((n) => n.name === name) ?? { name, labels: {}, psa: { invalid: [] }, system: false },
    );
  return {
    ...inv,
    namespaces: namespaces.filter((n) => workloads.some((w) => w.namespace === n.name) || inv.namespaces.includes(n)),
    workloads,
  };
}

/** Opens a chart: checks helm, reads the default values, renders it once with the operator's values. */
export async function openChart(opts: ChartOptions): Promise<OpenChart> {
  const helm = await findHelm(opts.env);
  const chart = resolve(opts.cwd, opts.chart);
  const valuesFiles = opts.valuesFiles.map((f) => resolve(opts.cwd, f));
  const shown = await run(helm, ['show', 'values', chart], opts.signal);
  if (shown.code !== 0)
    throw new UserError(
      `helm show values ${opts.chart} failed: ${shown.stderr.trim()}`,
      'check the --chart path (a chart directory with Chart.yaml)',
    );
  let defaults: Values = isObj(parse(shown.stdout)) ? (parse(shown.stdout) as Values) : {};
  for (const f of valuesFiles) {
    const text = await readFile(f, 'utf8').catch((e: Error) => {
      throw new UserError(`cannot read --values ${f}: ${e.message}`);
    });
    const v: unknown = parse(text);
    if (v !== null && v !== undefined && !isObj(v)) throw new UserError(`--values ${f} is not a YAML map`);
    if (isObj(v)) defaults = mergeValues(defaults, v);
  }
  const template = async (overrides: Values): Promise<{ code: number; stdout: string; stderr: string }> => {
    const args = [
      'template',
      opts.release,
      chart,
      '--namespace',
      opts.namespace,
      ...valuesFiles.flatMap((f) => ['--values', f]),
    ];
    if (Object.keys(overrides).length === 0) return run(helm, args, opts.signal);
    const dir = await mkdtemp(join(tmpdir(), 'podsec-helm-'));
    try {
      const file = join(dir, 'overrides.yaml');
      await writeFile(file, stringify(overrides));
      return await run(helm, [...args, '--values', file], opts.signal);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  const first = await template({});
  if (first.code !== 0)
    throw new UserError(
      `helm template failed for ${opts.chart}: ${first.stderr.trim()}`,
      'the chart must render with the given --values before podsec can plan it',
    );
  const inventory = renderedInventory(first.stdout, opts.chart, opts.namespace);
  const render: RenderChart = async (overrides) => {
    const r = await template(overrides);
    if (r.code !== 0) return { ok: false, error: r.stderr.trim().split('\n')[0] ?? 'helm template failed' };
    const inv = renderedInventory(r.stdout, opts.chart, opts.namespace);
    return {
      ok: true,
      templates: new Map<string, PodTemplate>(inv.workloads.map((w) => [workloadKey(w), w.template])),
    };
  };
  const upgradeCommand = (valuesPodsec: string): string =>
    [
      'helm',
      'upgrade',
      '--install',
      opts.release,
      opts.chart,
      '--namespace',
      opts.namespace,
      ...opts.valuesFiles.flatMap((f) => ['--values', f]),
      '--values',
      valuesPodsec,
    ].join(' ');
  return { helm, defaults, inventory, render, upgradeCommand };
}
