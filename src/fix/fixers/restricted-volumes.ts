// Fixer for restrictedVolumes: a hostPath becomes an emptyDir (review) unless the workload needs
// the host (blocked); other inline volume types (nfs, iscsi, ...) are blocked: they need a
// PersistentVolume and a claim. Pure.

import { isObj } from '../draft.js';
import type { FixContext } from '../context.js';
import { hostOr, meta, type Fixer } from './shared.js';
import type { CheckId } from '../../policy/types.js';
import { ALLOWED_VOLUME_SOURCES } from '../../policy/checks/restricted-volumes.js';

/** Replaces hostPath volumes with emptyDirs, or blocks. */
export function fixHostPathVolumes(ctx: FixContext, check: CheckId): void {
  const volumes = ctx.draft.spec['volumes'];
  if (!Array.isArray(volumes)) return;
  volumes.forEach((v: unknown, i) => {
    if (!isObj(v) || !isObj(v['hostPath'])) return;
    const name = String(v['name']);
    const path = String(v['hostPath']['path'] ?? '');
    hostOr(ctx, check, `volume "${name}" mounts host path ${path}`, () => {
      const m = meta(
        check,
        `volume "${name}" becomes pod-local scratch space instead of the node's ${path}: data no longer persists or is shared with the node`,
        {
          behavioural: true,
          confidence: 'low',
        },
      );
      ctx.draft.remove(['spec', 'volumes', i, 'hostPath'], m);
      ctx.draft.set(['spec', 'volumes', i, 'emptyDir'], {}, m);
    });
  });
}

export const fixRestrictedVolumes: Fixer = (ctx) => {
  fixHostPathVolumes(ctx, 'restrictedVolumes');
  const volumes = ctx.draft.spec['volumes'];
  if (!Array.isArray(volumes)) return;
  for (const v of volumes) {
    if (!isObj(v)) continue;
    const keys = Object.keys(v).filter((k) => k !== 'name');
    if (keys.length === 0 || keys.some((k) => (ALLOWED_VOLUME_SOURCES as readonly string[]).includes(k))) continue;
    ctx.draft.block(
      'restrictedVolumes',
      `volume "${String(v['name'])}" is an inline ${keys.join('/')} volume: move it to a PersistentVolume and mount it through a PersistentVolumeClaim`,
    );
  }
};
