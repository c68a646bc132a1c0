// Moving a container to a known non-root user: sets runAsUser/runAsGroup from the identity the
// context resolves, or asks when nobody knows (never a silent guess). Pure.

import { answerFor } from './answers.js';
import { answerSource, containerObj, resolveIdentity, type FixContext } from './context.js';
import type { ContainerRef } from './draft.js';
import { isObj } from './draft.js';
import { containerSc, meta, podSc, q, scPath } from './fixers/shared.js';
import type { CheckId } from '../policy/types.js';

/** Ensures a container runs as a numeric non-root UID (or records the question). */
export function ensureIdentity(ctx: FixContext, ref: ContainerRef, check: CheckId): void {
  const sc = containerSc(ctx, ref);
  if (sc['runAsUser'] === 0) {
    ctx.draft.remove(scPath(ref, 'runAsUser'), meta(check, `${q(ref)} must not run as UID 0`));
  }
  // Windows pods have no numeric UIDs (runAsUserName instead); the API rejects runAsUser there.
  const os = ctx.draft.spec['os'];
  if (isObj(os) && os['name'] === 'windows') return;
  const id = resolveIdentity(ctx, ref);
  if (id.fromWorkload) return;
  ctx.switchedToNonRoot.set(ref.name, id);
  const image = String(containerObj(ctx, ref)['image'] ?? '');
  if (id.uid === undefined) {
    const suggestion = id.entry?.suggestedUid;
    ctx.draft.ask({
      key: `${ctx.key}/${ref.name}`,
      kind: 'uid',
      prompt: `Which non-root UID can ${q(ref)} (image ${image}) run as? The image's user is unknown.`,
      ...(suggestion !== undefined ? { suggestion } : {}),
    });
    return;
  }
  // An image whose USER is already this numeric non-root UID needs no explicit runAsUser.
  if (id.entry !== undefined && id.entry.imageUser === String(id.uid) && id.source?.kind === 'catalogue') return;
  const from = describeSource(id.source);
  ctx.draft.set(
    scPath(ref, 'runAsUser'),
    id.uid,
    meta(check, `run ${q(ref)} as UID ${id.uid} (${from}) so runAsNonRoot can be verified`, {
      confidence: id.confidence,
      source: id.source,
    }),
  );
  const pod = podSc(ctx);
  if (id.gid !== undefined && sc['runAsGroup'] === undefined && pod['runAsGroup'] === undefined) {
    ctx.draft.set(
      scPath(ref, 'runAsGroup'),
      id.gid,
      meta(check, `primary group ${id.gid} for ${q(ref)} (${from})`, { confidence: id.confidence, source: id.source }),
    );
  }
}

/**
 * An explicit UID (and GID) answer wins everywhere (issue 12): also for containers no failing
 * check touched, and over a runAsUser the workload or the catalogue would give. Runs after the
 * fixers; a no-op where the answer is already in effect.
 */
export function applyAnsweredIdentities(ctx: FixContext): void {
  const os = ctx.draft.spec['os'];
  if (isObj(os) && os['name'] === 'windows') return;
  const pod = podSc(ctx);
  for (const ref of ctx.draft.containers()) {
    if (ref.list === 'ephemeralContainers') continue;
    const uid = answerFor(ctx.answers.uids, ctx.key, ref.name);
    if (uid === undefined) continue;
    const sc = containerSc(ctx, ref);
    const key = ctx.answers.uids[`${ctx.key}/${ref.name}`] !== undefined ? `${ctx.key}/${ref.name}` : ctx.key;
    const source = answerSource(ctx, key);
    const from = describeSource(source);
    if ((sc['runAsUser'] ?? pod['runAsUser']) !== uid) {
      ctx.draft.set(
        scPath(ref, 'runAsUser'),
        uid,
        meta('runAsUser', `run ${q(ref)} as UID ${uid} (${from})`, { confidence: 'high', source }),
      );
    }
    const gid = answerFor(ctx.answers.gids, ctx.key, ref.name);
    if (gid !== undefined && (sc['runAsGroup'] ?? pod['runAsGroup']) !== gid) {
      const gkey = ctx.answers.gids[`${ctx.key}/${ref.name}`] !== undefined ? `${ctx.key}/${ref.name}` : ctx.key;
      const gsource = answerSource(ctx, gkey);
      ctx.draft.set(
        scPath(ref, 'runAsGroup'),
        gid,
        meta('runAsUser', `primary group ${gid} for ${q(ref)} (${describeSource(gsource)})`, {
          confidence: 'high',
          source: gsource,
        }),
      );
    }
  }
}

/** Human wording of a value source. */
export function describeSource(source: import('./types.js').ValueSource | undefined): string {
  if (source === undefined) return 'unknown source';
  switch (source.kind) {
    case 'workload':
      return `from the workload: ${source.detail}`;
    case 'catalogue':
      return `known image ${source.image}`;
    case 'evidence':
      return `observed: ${source.detail}`;
    case 'answer':
      return source.prefilled === true
        ? `the demo's prefilled value for ${source.key}`
        : `operator's answer for ${source.key}`;
    case 'default':
      return source.detail;
  }
}

/** True when a container's effective runAsNonRoot is true. */
export function runsAsNonRoot(ctx: FixContext, ref: ContainerRef): boolean {
  const own = containerSc(ctx, ref)['runAsNonRoot'];
  if (own !== undefined) return own === true;
  const pod = ctx.draft.spec['securityContext'];
  return isObj(pod) && pod['runAsNonRoot'] === true;
}
