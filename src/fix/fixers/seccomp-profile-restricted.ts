// Fixer for seccompProfile_restricted: RuntimeDefault at pod level (Localhost kept), bad
// container profiles replaced. Pure.

import { isObj } from '../draft.js';
import type { FixContext } from '../context.js';
import { POD_SC, containerSc, containersOf, meta, podSc, q, scPath, type Fixer } from './shared.js';
import type { CheckId } from '../../policy/types.js';

const GOOD = ['RuntimeDefault', 'Localhost'];

/** Replaces explicit bad seccomp types; with `cover`, also covers containers without one. */
export function fixSeccompFields(ctx: FixContext, check: CheckId, cover: boolean): void {
  const pod = podSc(ctx)['seccompProfile'];
  const podType = isObj(pod) ? pod['type'] : undefined;
  const m = (who: string): ReturnType<typeof meta> =>
    meta(check, `${who} uses the container runtime's default seccomp filter (blocks rarely used, dangerous syscalls)`, {
      confidence: 'high',
    });
  // An explicit Unconfined was probably set for a reason: the owner reviews that change.
  const explicit = (who: string, type: unknown): ReturnType<typeof meta> =>
    meta(
      check,
      `${who} switches from seccomp ${String(type)} to the runtime default: confirm the program needs no syscall it blocks`,
      {
        confidence: 'medium',
        behavioural: true,
      },
    );
  if (podType !== undefined && !GOOD.includes(String(podType))) {
    ctx.draft.set([...POD_SC, 'seccompProfile'], { type: 'RuntimeDefault' }, explicit('the pod', podType));
  }
  for (const ref of containersOf(ctx)) {
    const own = containerSc(ctx, ref)['seccompProfile'];
    const type = isObj(own) ? own['type'] : undefined;
    if (type !== undefined && !GOOD.includes(String(type)))
      ctx.draft.set(scPath(ref, 'seccompProfile'), { type: 'RuntimeDefault' }, explicit(q(ref), type));
  }
  const covered = isObj(podSc(ctx)['seccompProfile']);
  if (cover && !covered)
    ctx.draft.set([...POD_SC, 'seccompProfile'], { type: 'RuntimeDefault' }, m('every container of the pod'));
}

export const fixSeccompProfileRestricted: Fixer = (ctx) => fixSeccompFields(ctx, 'seccompProfile_restricted', true);
