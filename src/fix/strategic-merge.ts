// A small strategic-merge-patch applier for workload objects: maps merge recursively, `null`
// deletes a key, lists with a patch merge key (MERGE_KEYS) merge item by item, `$patch: delete`
// and `$patch: replace` directives and `$setElementOrder/<list>` are honoured, merged lists are
// ordered the way kubectl orders them, other lists are replaced. Pure.

import { isObj, type Obj } from './draft.js';
import { MERGE_KEYS } from './patches.js';

function mergeList(orig: unknown[], patch: unknown[], key: string): unknown[] {
  if (patch.some((p) => isObj(p) && p['$patch'] === 'replace')) {
    return structuredClone(patch.filter((p) => !(isObj(p) && p['$patch'] === 'replace')));
  }
  const id = (x: unknown): string | undefined => (isObj(x) ? JSON.stringify(x[key]) : undefined);
  const merged = structuredClone(orig);
  for (const item of patch) {
    if (!isObj(item)) continue;
    const at = merged.findIndex((o) => id(o) === id(item));
    if (item['$patch'] === 'delete') {
      if (at >= 0) merged.splice(at, 1);
    } else if (at >= 0) {
      merged[at] = applyMap(merged[at] as Obj, item);
    } else {
      merged.push(structuredClone(item));
    }
  }
  // The order kubectl gives (apimachinery strategicpatch normalizeElementOrder): the items the
  // patch names, in the patch's order, merged with the others in the original's order; where
  // either is new to the original, the patch's item comes first.
  const patchOrder = patch.filter((p) => isObj(p) && p['$patch'] !== 'delete').map(id);
  const serverOrder = orig.map(id);
  const named = merged
    .filter((m) => patchOrder.includes(id(m)))
    .sort((x, y) => patchOrder.indexOf(id(x)) - patchOrder.indexOf(id(y)));
  const others = merged.filter((m) => !patchOrder.includes(id(m)));
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < named.length || j < others.length) {
    if (i >= named.length) out.push(others[j++]);
    else if (j >= others.length) out.push(named[i++]);
    else {
      const l = serverOrder.indexOf(id(named[i]));
      const r = serverOrder.indexOf(id(others[j]));
      if (l >= 0 && r >= 0 && r < l) out.push(others[j++]);
      else out.push(named[i++]);
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
export function applyStrategicMerge(
  object: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  return applyMap(object, patch);
}
