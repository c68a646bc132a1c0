// Writable paths as emptyDir volumes, and the optional readOnlyRootFilesystem hardening that
// needs them. Pure.

import { answerFor } from './answers.js';
import { matchImage } from './catalogue.js';
import { answerSource, containerObj, evidenceFor, resolveIdentity, type FixContext } from './context.js';
import { isObj, type ChangeMeta, type ContainerRef } from './draft.js';
import { containerSc, meta, podSc, q, scPath } from './fixers/shared.js';

/** A stable, DNS-1123 volume name for a path: /var/cache/nginx -> podsec-var-cache-nginx. */
export function volumeNameFor(path: string): string {
  const slug =
    path
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'root';
  let hash = 5381;
  for (const ch of path) hash = ((hash * 33) ^ ch.charCodeAt(0)) >>> 0;
  const name = `podsec-${slug}`;
  return name.length <= 63 ? name : `${name.slice(0, 54).replace(/-+$/, '')}-${hash.toString(36).slice(0, 8)}`;
}

function covered(mountPath: string, path: string): boolean {
  const m = mountPath.replace(/\/+$/, '') || '/';
  return path === m || path.startsWith(m === '/' ? '/' : m + '/');
}

/** Prefix of the init containers that seed an emptyDir with the image's content. */
export const SEED_PREFIX = 'podsec-seed-';
/** Where a seed init container mounts the emptyDir it fills. */
export const SEED_MOUNT = '/podsec-seed';

/**
 * Why an emptyDir at `path` would hide files of the image, or undefined: the probe found image
 * files there next to the run-time writes, or the catalogue names content at or below it.
 */
export function imageContentAt(ctx: FixContext, ref: ContainerRef, path: string): string | undefined {
  const ev = evidenceFor(ctx, ref.name);
  if (ev?.imageContent?.includes(path)) return `the probe found files of the image in ${path}`;
  const entry = matchImage(ctx.catalogue, ref.image);
  const hidden = entry?.content.find((c) => covered(path, c) || covered(c, path));
  return hidden !== undefined ? `the image has files in ${hidden} (catalogue ${entry?.id ?? ''})` : undefined;
}

const shq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * An init container (same image, non-root, restricted-compliant) that copies the image's content
 * of `path` into the emptyDir `volume` before the app starts, so the mount hides nothing.
 */
function addSeedInit(ctx: FixContext, ref: ContainerRef, path: string, volume: string, why: string): void {
  const name = `${SEED_PREFIX}${volume.replace(/^podsec-/, '')}`.slice(0, 63).replace(/-+$/, '');
  const inits = ctx.draft.spec['initContainers'];
  if (Array.isArray(inits) && inits.some((c: unknown) => isObj(c) && c['name'] === name)) return;
  const app = containerSc(ctx, ref);
  const pod = podSc(ctx);
  const nonRoot = (app['runAsNonRoot'] ?? pod['runAsNonRoot']) === true;
  const sc: Record<string, unknown> = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    ...(nonRoot ? { runAsNonRoot: true } : {}),
    ...(typeof app['runAsUser'] === 'number' ? { runAsUser: app['runAsUser'] } : {}),
    ...(typeof app['runAsGroup'] === 'number' ? { runAsGroup: app['runAsGroup'] } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
  const image = String(containerObj(ctx, ref)['image'] ?? ref.image);
  ctx.draft.append(
    ['spec', 'initContainers'],
    {
      name,
      image,
      command: ['sh', '-c', `cp -R ${shq(path)}/. ${SEED_MOUNT}/`],
      securityContext: sc,
      volumeMounts: [{ name: volume, mountPath: SEED_MOUNT }],
    },
    meta(
      'writable',
      `${why}: copy them into the emptyDir at ${path} before ${q(ref)} starts (same image, as the same user; needs sh and cp in the image)`,
      {
        confidence: 'medium',
      },
    ),
  );
}

/**
 * Mounts an emptyDir at `path` in the container unless a mount already covers it. Never hides
 * image content: where the image has files at `path`, an init container seeds the emptyDir first.
 */
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
  const os = ctx.draft.spec['os'];
  const why = isObj(os) && os['name'] === 'windows' ? undefined : imageContentAt(ctx, ref, path);
  if (why !== undefined) addSeedInit(ctx, ref, path, name, why);
}

/**
 * readOnlyRootFilesystem on every container, with an emptyDir for each path it writes
 * (catalogue, evidence, answers, and /tmp by default). Kept apart: purpose 'hardening'.
 */
export function applyHardening(ctx: FixContext): void {
  for (const ref of ctx.draft.containers()) {
    if (ref.list === 'ephemeralContainers' || ref.name.startsWith(SEED_PREFIX)) continue;
    const entry = resolveIdentity(ctx, ref).entry;
    const answered = answerFor(ctx.answers.writablePaths, ctx.key, ref.name);
    const paths = new Set<string>([
      '/tmp',
      ...(entry?.writes ?? []),
      ...(evidenceFor(ctx, ref.name)?.writablePaths ?? []),
      ...(answered ?? []),
    ]);
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
    const seen = evidenceFor(ctx, ref.name);
    for (const path of [...paths].sort()) {
      // What this workload was seen doing (its logs, the probe) is credited before what its image
      // usually needs (catalogue) or the /tmp default.
      const finding = seen?.writablePaths.includes(path)
        ? seen.findings.find((f) => f.path === path || (f.kind === 'noTempDir' && f.line.includes(`'${path}'`)))
        : undefined;
      const source = answered?.includes(path)
        ? answerSource(
            ctx,
            ctx.answers.writablePaths[`${ctx.key}/${ref.name}`] !== undefined ? `${ctx.key}/${ref.name}` : ctx.key,
          )
        : seen?.writablePaths.includes(path)
          ? {
              kind: 'evidence' as const,
              detail: finding !== undefined ? `logs: ${finding.line.slice(0, 120)}` : `writes ${path}`,
            }
          : entry?.writes.includes(path)
            ? { kind: 'catalogue' as const, image: entry.id }
            : path === '/tmp'
              ? { kind: 'default' as const, detail: 'most programs need a writable /tmp' }
              : { kind: 'evidence' as const, detail: `writes ${path}` };
      addWritableMount(
        ctx,
        ref,
        path,
        meta('harden', `${q(ref)} writes ${path}: keep it writable with an emptyDir`, {
          purpose: 'hardening',
          confidence: 'medium',
          source,
        }),
      );
    }
  }
}
