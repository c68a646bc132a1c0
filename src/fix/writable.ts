// Writable paths as emptyDir volumes, and the optional readOnlyRootFilesystem hardening that
// needs them. Pure.

import { answerFor } from './answers.js';
import { containerObj, evidenceFor, resolveIdentity, type FixContext } from './context.js';
import { isObj, type ChangeMeta, type ContainerRef } from './draft.js';
import { containerSc, meta, q, scPath } from './fixers/shared.js';

/** A stable, DNS-1123 volume name for a path: /var/cache/nginx -> podsec-var-cache-nginx. */
export function volumeNameFor(path: string): string {
  const slug = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  let hash = 5381;
  for (const ch of path) hash = ((hash * 33) ^ ch.charCodeAt(0)) >>> 0;
  const name = `podsec-${slug}`;
  return name.length <= 63 ? name : `${name.slice(0, 54).replace(/-+$/, '')}-${hash.toString(36).slice(0, 8)}`;
}

function covered(mountPath: string, path: string): boolean {
  const m = mountPath.replace(/\/+$/, '') || '/';
  return path === m || path.startsWith(m === '/' ? '/' : m + '/');
}

/** Mounts an emptyDir at `path` in the container unless a mount already covers it. */
export function addWritableMount(ctx: FixContext, ref: ContainerRef, path: string, m: ChangeMeta): void {
  const mounts = containerObj(ctx, ref)['volumeMounts'];
  const existing = Array.isArray(mounts) ? mounts.filter(isObj) : [];
  if (existing.some((x) => covered(String(x['mountPath'] ?? ''), path))) return;
  const volumes = ctx.draft.spec['volumes'];
  const list = Array.isArray(volumes) ? volumes.filter(isObj) : [];
  let name = volumeNameFor(path);
  const same = list.find((v) => v['name'] === name);
  if (same !== undefined && !isObj(same['emptyDir'])) name = volumeNameFor(`${path}/podsec`);
  if (!list.some((v) => v['name'] === name)) ctx.draft.append(['spec', 'volumes'], { name, emptyDir: {} }, m);
  ctx.draft.append([...ref.path, 'volumeMounts'], { name, mountPath: path }, m);
}

/**
 * readOnlyRootFilesystem on every container, with an emptyDir for each path it writes
 * (catalogue, evidence, answers, and /tmp by default). Kept apart: purpose 'hardening'.
 */
export function applyHardening(ctx: FixContext): void {
  for (const ref of ctx.draft.containers()) {
    if (ref.list === 'ephemeralContainers') continue;
    const entry = resolveIdentity(ctx, ref).entry;
    const answered = answerFor(ctx.answers.writablePaths, ctx.key, ref.name);
    const paths = new Set<string>(['/tmp', ...(entry?.writes ?? []), ...(evidenceFor(ctx, ref.name)?.writablePaths ?? []), ...(answered ?? [])]);
    const sure = entry !== undefined || answered !== undefined || evidenceFor(ctx, ref.name) !== undefined;
    if (containerSc(ctx, ref)['readOnlyRootFilesystem'] !== true) {
      ctx.draft.set(
        scPath(ref, 'readOnlyRootFilesystem'),
        true,
        meta('harden', `${q(ref)} cannot modify its image at run time (not required by any level)`, {
          purpose: 'hardening',
          confidence: sure ? 'medium' : 'low',
        }),
      );
    }
    for (const path of [...paths].sort()) {
      const source = answered?.includes(path)
        ? { kind: 'answer' as const, key: ctx.key }
        : entry?.writes.includes(path)
          ? { kind: 'catalogue' as const, image: entry.id }
          : path === '/tmp'
            ? { kind: 'default' as const, detail: 'most programs need a writable /tmp' }
            : { kind: 'evidence' as const, detail: `writes ${path}` };
      addWritableMount(ctx, ref, path, meta('harden', `${q(ref)} writes ${path}: keep it writable with an emptyDir`, { purpose: 'hardening', confidence: 'medium', source }));
    }
  }
}
