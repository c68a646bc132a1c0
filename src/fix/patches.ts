// Output formats of a proposal for a whole workload object: the patched object, a strategic-merge
// patch (what `kubectl patch --type strategic` accepts) and an RFC 6902 JSON patch. Pure.

import jsonpatch from 'fast-json-patch';
import type { PodTemplate, Workload } from '../inventory/types.js';
import { isObj, type Obj } from './draft.js';
import type { JsonPatchOp } from './json-patch-types.js';
import type { FixProposal } from './types.js';

/**
 * Patch merge keys of the list fields inside a pod template (k8s.io/api core/v1 struct tags
 * `patchMergeKey`/`patchStrategy:"merge"`). Lists not named here are replaced whole.
 */
export const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  resourceClaims: 'name',
  topologySpreadConstraints: 'topologyKey',
};

/**
 * The workload object with its pod template's spec and annotations replaced. Read-only: it shares
 * every part it does not change with `workload.object` and `template` (no deep copy of the whole
 * object per proposal); clone it before changing it.
 */
export function patchedObject(workload: Workload, template: PodTemplate): Record<string, unknown> {
  // Copy the objects along the template path only, so the result never aliases a changed parent.
  const out: Obj = { ...workload.object };
  let at: Obj = out;
  for (const seg of workload.templatePath) {
    const next = at[String(seg)];
    if (!isObj(next)) return out;
    at = at[String(seg)] = { ...next };
  }
  at['spec'] = template.spec;
  const before = JSON.stringify(workload.template.metadata.annotations);
  if (JSON.stringify(template.metadata.annotations) !== before) {
    const meta: Obj = isObj(at['metadata']) ? { ...at['metadata'] } : {};
    at['metadata'] = meta;
    if (template.metadata.annotations === undefined) delete meta['annotations'];
    else meta['annotations'] = template.metadata.annotations;
  }
  return out;
}

/**
 * True when `JSON.stringify(a) === JSON.stringify(b)` for JSON data (keys in order, undefined
 * properties left out), without building the two strings at every level of the diff.
 */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return JSON.stringify(a) === JSON.stringify(b); // scalars: NaN and null both write null
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++)
      if (!same(a[i] === undefined ? null : a[i], b[i] === undefined ? null : b[i])) return false;
    return true;
  }
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype)
    return JSON.stringify(a) === JSON.stringify(b);
  const ka = Object.keys(a).filter((k) => (a as Obj)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Obj)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || !same((a as Obj)[k], (b as Obj)[k])) return false;
  }
  return true;
}

/**
 * The patch of a merge-keyed list: every item of `b` in its order (new items whole, changed ones
 * as their key plus the change, unchanged ones as their key alone), then a `$patch: delete` for
 * each item `b` dropped. Naming every item fixes the order for both readers of the patch:
 * `kubectl patch` orders the items a patch names by the patch, and kustomize (which does not know
 * `$setElementOrder` and copies it into its output as a literal key) puts the items a patch names
 * first, in the patch's order. Lists whose items lack unique keys are replaced whole.
 */
function diffList(a: unknown[], b: unknown[], key: string): unknown[] | undefined {
  const keyed = (xs: unknown[]): boolean =>
    xs.every((x) => isObj(x) && x[key] !== undefined) &&
    new Set(xs.map((x) => JSON.stringify((x as Obj)[key]))).size === xs.length;
  if (!keyed(a) || !keyed(b)) return [...b, { $patch: 'replace' }];
  const find = (xs: unknown[], k: unknown): Obj | undefined =>
    xs.find((x) => same((x as Obj)[key], k)) as Obj | undefined;
  const out: unknown[] = [];
  let changed = false;
  for (const item of b as Obj[]) {
    const old = find(a, item[key]);
    if (old === undefined) {
      out.push(item);
      changed = true;
    } else {
      const d = diffObj(old, item);
      if (d !== undefined) changed = true;
      out.push({ [key]: item[key], ...d });
    }
  }
  for (const item of a as Obj[]) {
    if (find(b, item[key]) === undefined) {
      out.push({ [key]: item[key], $patch: 'delete' });
      changed = true;
    }
  }
  // Same items, same changes: only the order can differ (the full list above states it).
  const order = (xs: Obj[]): string[] => xs.map((x) => JSON.stringify(x[key]));
  return changed || !same(order(a as Obj[]), order(b as Obj[])) ? out : undefined;
}

function diffObj(a: Obj, b: Obj): Obj | undefined {
  const out: Obj = {};
  for (const [k, v] of Object.entries(b)) {
    const old = a[k];
    if (old === undefined) out[k] = v;
    else if (same(old, v)) continue;
    else if (isObj(old) && isObj(v)) {
      const d = diffObj(old, v);
      if (d !== undefined) out[k] = d;
    } else if (Array.isArray(old) && Array.isArray(v) && MERGE_KEYS[k] !== undefined) {
      const d = diffList(old, v, MERGE_KEYS[k]);
      if (d !== undefined) out[k] = d;
    } else out[k] = v;
  }
  for (const k of Object.keys(a)) if (!(k in b)) out[k] = null;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Strategic-merge patch turning `original` into `patched`; null when they are equal. */
export function toStrategicPatch(
  original: Record<string, unknown>,
  patched: Record<string, unknown>,
): Record<string, unknown> | null {
  return diffObj(original, patched) ?? null;
}

/** RFC 6902 patch turning `original` into `patched`. */
export function toJsonPatch(original: Record<string, unknown>, patched: Record<string, unknown>): JsonPatchOp[] {
  return jsonpatch.compare(original, patched) as JsonPatchOp[];
}

/**
 * The pod template the fix phase rolls out: the patched template plus, when the fix needs one, the
 * temporary ownership init container (removed again before restricted is enforced). Trial runs try
 * exactly this template, and the plan fingerprints it (`fingerprintAfter`).
 */
export function fixPhaseTemplate(proposal: Pick<FixProposal, 'patchedTemplate' | 'ownershipInit'>): PodTemplate {
  const init = proposal.ownershipInit?.initContainer;
  if (init === undefined) return proposal.patchedTemplate;
  const spec = structuredClone(proposal.patchedTemplate.spec);
  const list = Array.isArray(spec['initContainers']) ? (spec['initContainers'] as unknown[]) : [];
  spec['initContainers'] = [...list, structuredClone(init)];
  return { metadata: structuredClone(proposal.patchedTemplate.metadata), spec };
}
