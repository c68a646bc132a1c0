// Pure: finds the Helm chart values that realise podsec's fixes, by rendering the chart with
// candidate values and reading where they land. No I/O here: the chart is rendered through the
// `render` port the shell passes in (`helm template` with the original values plus overrides).
//
// The search, in three steps:
// 1. Candidates: every values key whose name says security context, volumes, volume mounts or
//    init containers (at any depth of the chart's default values, plus the conventional names at
//    the root and under each top-level component key even when the chart's values.yaml lacks them).
// 2. Probe: one render with a distinct marker under every candidate (a runAsUser, a volume name,
//    a mount, an init container); where a marker appears in the rendered workloads tells which
//    pod or container field of which workload the key controls. Keys whose marker never appears,
//    or whose render fails, control nothing.
// 3. Choose and verify: per field a fix changes, the most specific key that controls it gets the
//    fixed value (security contexts in full, with `null` for keys of the chart's default the fix
//    removes; lists as the default plus the added items). A final render with the overrides must
//    give every fixed field exactly; what it does not is listed per workload as unexpressible.

import type { PodTemplate } from '../inventory/types.js';

export type Values = Record<string, unknown>;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renders the chart with the original values plus `overrides`; pod templates by workload key. */
export type RenderChart = (
  overrides: Values,
) => Promise<{ ok: true; templates: Map<string, PodTemplate> } | { ok: false; error: string }>;

/** A field of a workload's pod template that a values key can control. */
export type FieldId =
  | { kind: 'podSecurityContext' }
  | { kind: 'containerSecurityContext'; container: string; init: boolean }
  | { kind: 'volumes' }
  | { kind: 'volumeMounts'; container: string }
  | { kind: 'initContainers' };

export interface ValuesKey {
  /** Dotted path in the values, e.g. `vote.podSecurityContext`. */
  path: string[];
  field: FieldId['kind'];
}

export interface WorkloadValues {
  key: string;
  /** Values keys used for this workload, with the fields they set. */
  keys: { path: string; field: string }[];
  /** Fields the chart exposes no key for (or whose key renders them differently). */
  unexpressible: string[];
  /** True when the verification render gives every fixed field exactly. */
  verified: boolean;
}

export interface ValuesResult {
  /** The overrides to commit (values-podsec.yaml), empty when nothing is expressible. */
  overrides: Values;
  /** Comment per dotted path: which workloads and fields it realises. */
  comments: Map<string, string>;
  workloads: WorkloadValues[];
  /** Pod templates rendered with the overrides (for the post-renderer and the target check). */
  rendered: Map<string, PodTemplate>;
  /** Renders run (the probe, fallbacks and the verification). */
  renders: number;
}

const SC_NAMES = ['podSecurityContext', 'securityContext', 'containerSecurityContext'];
const VOLUME_NAMES = ['volumes', 'extraVolumes'];
const MOUNT_NAMES = ['volumeMounts', 'extraVolumeMounts'];
const INIT_NAMES = ['initContainers', 'extraInitContainers'];

function classify(name: string): 'sc' | 'volumes' | 'mounts' | 'init' | null {
  if (/securitycontext$/i.test(name)) return 'sc';
  if (/^(extra)?volumes$/i.test(name)) return 'volumes';
  if (/volumemounts$/i.test(name)) return 'mounts';
  if (/initcontainers$/i.test(name)) return 'init';
  return null;
}

/** Candidate keys: matching names at any depth (up to 4), plus conventional names at the root and per component. */
export function candidateKeys(defaults: Values): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  const add = (path: string[]): void => {
    const id = JSON.stringify(path);
    if (seen.has(id)) return;
    const existing = getIn(defaults, path);
    const kind = classify(path[path.length - 1]!);
    // A key the chart already uses for something else (a string, a number) is no candidate.
    if (existing !== undefined && existing !== null) {
      if (kind === 'sc' && !isObj(existing)) return;
      if (kind !== 'sc' && !Array.isArray(existing)) return;
    }
    seen.add(id);
    out.push(path);
  };
  const walk = (v: unknown, path: string[]): void => {
    if (!isObj(v) || path.length >= 4) return;
    for (const [k, x] of Object.entries(v)) {
      if (classify(k) !== null) add([...path, k]);
      else walk(x, [...path, k]);
    }
  };
  walk(defaults, []);
  const conventional = [...SC_NAMES, ...VOLUME_NAMES, ...MOUNT_NAMES, ...INIT_NAMES];
  for (const name of conventional) add([name]);
  // A component key (Bitnami style: `vote: {image: ..., replicaCount: ...}`) gets the conventional names too.
  const component = (v: unknown): boolean =>
    isObj(v) && ['image', 'replicaCount', 'resources', 'containerPorts'].some((k) => k in v);
  for (const [k, v] of Object.entries(defaults))
    if (classify(k) === null && component(v)) for (const name of conventional) add([k, name]);
  return out;
}

export function getIn(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function setIn(target: Obj, path: readonly string[], value: unknown): void {
  let cur = target;
  path.slice(0, -1).forEach((k) => {
    if (!isObj(cur[k])) cur[k] = {};
    cur = cur[k] as Obj;
  });
  cur[path[path.length - 1]!] = value;
}

const MARK_UID = 7_300_000;
const markName = (i: number): string => `podsec-mark-${i}`;

function markerValue(kind: 'sc' | 'volumes' | 'mounts' | 'init', i: number, existing: unknown): unknown {
  const list = Array.isArray(existing) ? existing : [];
  switch (kind) {
    case 'sc':
      // Bitnami-style keys render only when `enabled` is true.
      return {
        ...(isObj(existing) ? existing : {}),
        ...(isObj(existing) && 'enabled' in existing ? { enabled: true } : {}),
        runAsUser: MARK_UID + i,
      };
    case 'volumes':
      return [...list, { name: markName(i), emptyDir: {} }];
    case 'mounts':
      return [...list, { name: markName(i), mountPath: `/${markName(i)}` }];
    case 'init':
      return [...list, { name: markName(i), image: markName(i) }];
  }
}

interface Container {
  name: string;
  securityContext?: unknown;
  volumeMounts?: unknown;
}
const containersOf = (spec: Obj, field: 'containers' | 'initContainers'): Container[] =>
  (Array.isArray(spec[field]) ? (spec[field] as unknown[]) : []).filter(isObj).map((c) => c as unknown as Container);

/** Fields of one template where marker `i` shows up. */
function markerHits(t: PodTemplate, i: number, kind: 'sc' | 'volumes' | 'mounts' | 'init'): FieldId[] {
  const spec = t.spec;
  const hits: FieldId[] = [];
  const name = markName(i);
  if (kind === 'sc') {
    if (isObj(spec['securityContext']) && spec['securityContext']['runAsUser'] === MARK_UID + i)
      hits.push({ kind: 'podSecurityContext' });
    for (const field of ['containers', 'initContainers'] as const) {
      for (const c of containersOf(spec, field)) {
        if (isObj(c.securityContext) && c.securityContext['runAsUser'] === MARK_UID + i)
          hits.push({ kind: 'containerSecurityContext', container: c.name, init: field === 'initContainers' });
      }
    }
  } else if (kind === 'volumes') {
    if (Array.isArray(spec['volumes']) && spec['volumes'].some((v) => isObj(v) && v['name'] === name))
      hits.push({ kind: 'volumes' });
  } else if (kind === 'mounts') {
    for (const c of containersOf(spec, 'containers')) {
      if (Array.isArray(c.volumeMounts) && c.volumeMounts.some((m) => isObj(m) && m['name'] === name))
        hits.push({ kind: 'volumeMounts', container: c.name });
    }
  } else if (containersOf(spec, 'initContainers').some((c) => c.name === name)) {
    hits.push({ kind: 'initContainers' });
  }
  return hits;
}

export const fieldLabel = (f: FieldId): string => {
  switch (f.kind) {
    case 'podSecurityContext':
      return 'pod securityContext';
    case 'containerSecurityContext':
      return `securityContext of ${f.init ? 'init container' : 'container'} ${f.container}`;
    case 'volumes':
      return 'volumes';
    case 'volumeMounts':
      return `volumeMounts of container ${f.container}`;
    case 'initContainers':
      return 'initContainers';
  }
};
const fieldId = (f: FieldId): string => JSON.stringify(f);

/** Where each candidate key lands: key index -> [workload key, field][]. */
export async function probeKeys(
  candidates: string[][],
  defaults: Values,
  render: RenderChart,
): Promise<{ hits: Map<number, { workload: string; field: FieldId }[]>; renders: number }> {
  const hits = new Map<number, { workload: string; field: FieldId }[]>();
  let renders = 0;
  const record = (templates: Map<string, PodTemplate>, indices: number[]): void => {
    for (const i of indices) {
      const path = candidates[i]!;
      const kind = classify(path[path.length - 1]!)!;
      for (const [workload, t] of templates)
        for (const field of markerHits(t, i, kind)) hits.set(i, [...(hits.get(i) ?? []), { workload, field }]);
    }
  };
  const overridesFor = (indices: number[]): Values => {
    const o: Values = {};
    for (const i of indices) {
      const path = candidates[i]!;
      setIn(o, path, markerValue(classify(path[path.length - 1]!)!, i, getIn(defaults, path)));
    }
    return o;
  };
  const all = candidates.map((_, i) => i);
  renders += 2;
  const plain = await render({});
  const batch = await render(overridesFor(all));
  // A marker that breaks the render, or turns a workload into something that no longer decodes
  // (a map where a string is expected), makes the batch useless: then one key at a time.
  if (batch.ok && (!plain.ok || batch.templates.size >= plain.templates.size)) {
    record(batch.templates, all);
    return { hits, renders };
  }
  // Some chart rejects a marker (a `required`, a type check): probe one key at a time.
  for (const i of all) {
    renders++;
    const one = await render(overridesFor([i]));
    if (one.ok) record(one.templates, [i]);
  }
  return { hits, renders };
}

const byName = (list: unknown): Map<string, unknown> =>
  new Map((Array.isArray(list) ? list : []).filter(isObj).map((x) => [String(x['name']), x]));
const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObj(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .filter((k) => v[k] !== undefined && v[k] !== null)
        .map((k) => [k, canonical(v[k])]),
    );
  return v;
}

/** The fields a fix changes, with the value the chart must render there. */
export function changedFields(
  before: PodTemplate,
  after: PodTemplate,
): { field: FieldId; want: unknown; added?: unknown[] }[] {
  const out: { field: FieldId; want: unknown; added?: unknown[] }[] = [];
  const b = before.spec;
  const a = after.spec;
  if (!same(b['securityContext'], a['securityContext']))
    out.push({ field: { kind: 'podSecurityContext' }, want: a['securityContext'] ?? {} });
  for (const field of ['containers', 'initContainers'] as const) {
    const old = new Map(containersOf(b, field).map((c) => [c.name, c]));
    for (const c of containersOf(a, field)) {
      const o = old.get(c.name);
      if (o === undefined) continue; // an added init container: see initContainers below
      if (!same(o.securityContext, c.securityContext))
        out.push({
          field: { kind: 'containerSecurityContext', container: c.name, init: field === 'initContainers' },
          want: c.securityContext ?? {},
        });
      if (field === 'containers') {
        const oldMounts = (Array.isArray(o.volumeMounts) ? o.volumeMounts : []).map((m) =>
          JSON.stringify(canonical(m)),
        );
        const added = (Array.isArray(c.volumeMounts) ? c.volumeMounts : []).filter(
          (m) => !oldMounts.includes(JSON.stringify(canonical(m))),
        );
        if (added.length > 0)
          out.push({ field: { kind: 'volumeMounts', container: c.name }, want: c.volumeMounts, added });
      }
    }
  }
  const oldVolumes = byName(b['volumes']);
  const addedVolumes = [...byName(a['volumes']).entries()]
    .filter(([n, v]) => !same(oldVolumes.get(n), v))
    .map(([, v]) => v);
  if (addedVolumes.length > 0) out.push({ field: { kind: 'volumes' }, want: a['volumes'], added: addedVolumes });
  const oldInits = byName(b['initContainers']);
  const addedInits = [...byName(a['initContainers']).entries()].filter(([n]) => !oldInits.has(n)).map(([, v]) => v);
  if (addedInits.length > 0)
    out.push({ field: { kind: 'initContainers' }, want: a['initContainers'], added: addedInits });
  return out;
}

/** Other template differences (env, ports, hostPath...) no values key of ours realises. */
export function otherDifferences(before: PodTemplate, after: PodTemplate): string[] {
  const strip = (t: PodTemplate): unknown => {
    const spec = structuredClone(t.spec);
    delete spec['securityContext'];
    delete spec['volumes'];
    delete spec['initContainers'];
    for (const c of containersOf(spec, 'containers')) {
      delete c.securityContext;
      delete c.volumeMounts;
    }
    return { metadata: t.metadata, spec };
  };
  return same(strip(before), strip(after))
    ? []
    : ['other pod template fields (env, ports, host settings): no values key realises them'];
}

/** A security context value that, deep-merged by Helm over `existing`, gives exactly `want`. */
function mergeTo(existing: unknown, want: unknown): unknown {
  if (!isObj(want)) return want;
  const out: Obj = {};
  if (isObj(existing)) for (const k of Object.keys(existing)) if (!(k in want) && k !== 'enabled') out[k] = null;
  for (const [k, v] of Object.entries(want))
    out[k] = isObj(v) && isObj(existing) && isObj(existing[k]) ? mergeTo(existing[k], v) : v;
  if (isObj(existing) && 'enabled' in existing) out['enabled'] = true;
  return out;
}

/**
 * The values that realise `fixes` (workload key -> template before and after), searched and
 * verified through `render`. `defaults` are the chart's values merged with the operator's.
 */
export async function findValues(
  defaults: Values,
  fixes: Map<string, { before: PodTemplate; after: PodTemplate }>,
  render: RenderChart,
): Promise<ValuesResult> {
  const candidates = candidateKeys(defaults);
  const probe = await probeKeys(candidates, defaults, render);
  let renders = probe.renders;

  // For each (workload, field): the candidate keys that control it, most specific first.
  const controls = new Map<string, number[]>();
  for (const [i, hs] of probe.hits)
    for (const h of hs)
      controls.set(`${h.workload}|${fieldId(h.field)}`, [
        ...(controls.get(`${h.workload}|${fieldId(h.field)}`) ?? []),
        i,
      ]);
  const breadth = (i: number): number => probe.hits.get(i)?.length ?? 0;

  const overrides: Values = {};
  const comments = new Map<string, string>();
  /** Value chosen per key index, and who asked for it (a shared key must get one value). */
  const chosen = new Map<number, { value: unknown; by: string[] }>();
  const results: WorkloadValues[] = [];

  /** Why a field got no key, per workload key and field id. */
  const unplaced = new Map<string, string>();
  for (const [key, { before, after }] of fixes) {
    const wv: WorkloadValues = { key, keys: [], unexpressible: [], verified: false };
    for (const f of changedFields(before, after)) {
      const options = (controls.get(`${key}|${fieldId(f.field)}`) ?? []).sort((x, y) => breadth(x) - breadth(y));
      let placed = false;
      for (const i of options) {
        const path = candidates[i]!;
        const existing = getIn(defaults, path);
        const value =
          f.added !== undefined
            ? [...(Array.isArray(existing) ? existing : []), ...f.added]
            : mergeTo(existing, f.want);
        const prior = chosen.get(i);
        if (prior !== undefined && !same(prior.value, value)) continue; // shared key already set differently
        chosen.set(i, { value, by: [...(prior?.by ?? []), `${key} ${fieldLabel(f.field)}`] });
        wv.keys.push({ path: path.join('.'), field: fieldLabel(f.field) });
        placed = true;
        break;
      }
      if (!placed) {
        unplaced.set(
          `${key}|${fieldId(f.field)}`,
          options.length === 0
            ? `chart exposes no key for the ${fieldLabel(f.field)}`
            : `the keys for the ${fieldLabel(f.field)} (${options.map((i) => candidates[i]!.join('.')).join(', ')}) are shared with workloads that need other values`,
        );
      }
    }
    results.push(wv);
  }
  for (const [i, { value, by }] of chosen) {
    setIn(overrides, candidates[i]!, value);
    comments.set(candidates[i]!.join('.'), by.join('; '));
  }

  // Verify: the chart rendered with the overrides must equal the fix in every security-relevant field.
  renders++;
  const check = await render(overrides);
  const rendered = check.ok ? check.templates : new Map<string, PodTemplate>();
  for (const wv of results) {
    const t = rendered.get(wv.key);
    if (!check.ok || t === undefined) {
      wv.unexpressible.push(
        check.ok
          ? 'the workload is missing from the chart rendered with the overrides'
          : `the chart does not render with the overrides: ${check.error}`,
      );
      continue;
    }
    const after = fixes.get(wv.key)!.after;
    for (const f of changedFields(t, after)) {
      wv.unexpressible.push(
        unplaced.get(`${wv.key}|${fieldId(f.field)}`) ??
          `the chart renders the ${fieldLabel(f.field)} differently from the value of its key`,
      );
    }
    wv.unexpressible.push(...otherDifferences(t, after));
    wv.verified = wv.unexpressible.length === 0;
  }
  return { overrides, comments, workloads: results, rendered, renders };
}
