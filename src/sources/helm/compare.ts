// Pure: compares a workload's pod template before and after a fix, field by field, for the Helm
// values search (src/sources/helm/search.ts): which fields the values keys must set and to what,
// and whether anything else changed that no values key realises.

import type { PodTemplate } from '../../inventory/types.js';
import { containersOf, isObj, type FieldId } from './model.js';

const byName = (list: unknown): Map<string, unknown> =>
  new Map((Array.isArray(list) ? list : []).filter(isObj).map((x) => [String(x['name']), x]));
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
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
