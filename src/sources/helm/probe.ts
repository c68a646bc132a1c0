// Pure: steps 1 and 2 of the Helm values search (src/sources/helm/search.ts). Candidates: every
// values key whose name says security context, volumes, volume mounts or init containers (at any
// depth of the chart's default values, plus the conventional names at the root and under each
// top-level component key even when the chart's values.yaml lacks them). Probe: one render with a
// distinct marker under every candidate (a runAsUser, a volume name, a mount, an init container);
// where a marker appears in the rendered workloads tells which pod or container field of which
// workload the key controls. Keys whose marker never appears, or whose render fails, control nothing.

import type { PodTemplate } from '../../inventory/types.js';
import { containersOf, getIn, isObj, setIn, type FieldId, type RenderChart, type Values } from './model.js';

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
