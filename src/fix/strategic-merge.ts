// A small strategic-merge-patch applier for workload objects: maps merge recursively, `null`
// deletes a key, lists with a patch merge key (MERGE_KEYS) merge item by item, `$patch: delete`
// and `$patch: replace` directives and `$setElementOrder/<list>` are honoured, other lists are
// replaced. Pure.

import { isObj, type Obj } from './draft.js';
import { MERGE_KEYS } from './patches.js';

function mergeList(orig: unknown[], patch: unknown[], key: string): unknown[] {
  if (patch.some((p) => isObj(p) && p['$patch'] === 'replace')) {
    return structuredClone(patch.filter((p) => !(isObj(p) && p['$patch'] === 'replace')));
  }
  const out = structuredClone(orig);
  for (const item of patch) {
    if (!isObj(item)) continue;
    const at = out.findIndex((o) => isObj(o) && JSON.stringify(o[key]) === JSON.stringify(item[key]));
    if (item['$patch'] === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) {
      out[at] = applyMap(out[at] as Obj, item);
    } else {
      out.push(structuredClone(item));
    }
  }
  return out;
}

function applyMap(orig: Obj, patch: Obj): Obj {
  if (patch['$patch'] === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  const out = structuredClone(orig);
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k.startsWith('$setElementOrder/')) continue;
    const cur = out[k];
    const mergeKey = MERGE_KEYS[k];
    if (v === null) delete out[k];
    else if (isObj(v) && isObj(cur)) out[k] = applyMap(cur, v);
    else if (Array.isArray(v) && Array.isArray(cur) && mergeKey !== undefined) out[k] = mergeList(cur, v, mergeKey);
    else if (Array.isArray(v) && mergeKey !== undefined) out[k] = mergeList([], v, mergeKey);
    else out[k] = structuredClone(v);
  }
  for (const [k, order] of Object.entries(patch)) {
    const field = k.startsWith('$setElementOrder/') ? k.slice('$setElementOrder/'.length) : undefined;
    const key = field !== undefined ? MERGE_KEYS[field] : undefined;
    const list = field !== undefined ? out[field] : undefined;
    if (key === undefined || !Array.isArray(order) || !Array.isArray(list)) continue;
    const rank = (x: unknown): number => {
      const i = order.findIndex((o) => isObj(o) && isObj(x) && JSON.stringify(o[key]) === JSON.stringify(x[key]));
      return i < 0 ? order.length : i;
    };
    out[field!] = [...list].sort((a, b) => rank(a) - rank(b));
  }
  return out;
}

/** Applies a strategic-merge patch to a workload object (the input is not modified). */
export function applyStrategicMerge(object: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  return applyMap(object, patch);
}
