// Pure: finds the Helm chart values that realise podsec's fixes, by rendering the chart with
// candidate values and reading where they land. No I/O here: the chart is rendered through the
// `render` port the shell passes in (`helm template` with the original values plus overrides).
//
// The search, in three steps (1 and 2 in probe.ts, the field comparison of 3 in compare.ts):
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

import type { PodTemplate } from '../../inventory/types.js';
import { changedFields, otherDifferences, same } from './compare.js';
import {
  fieldId,
  fieldLabel,
  getIn,
  isObj,
  setIn,
  type Obj,
  type RenderChart,
  type Values,
  type ValuesResult,
  type WorkloadValues,
} from './model.js';
import { candidateKeys, probeKeys } from './probe.js';

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
