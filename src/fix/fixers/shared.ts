// Helpers shared by the fixers: change metadata, container security contexts, host-feature
// decisions (review or blocked). Pure.

import type { ChangeMeta, ContainerRef, Obj, Segment } from '../draft.js';
import { isObj } from '../draft.js';
import type { FixContext } from '../context.js';
import type { CheckId, Violation } from '../../policy/types.js';
import type { Confidence, ValueSource } from '../types.js';

/** A fixer: edits the draft for one failing check (or records a blocker or a question). */
export type Fixer = (ctx: FixContext, violation: Violation) => void;

/** Metadata for a required security-setting change. */
export function meta(
  check: ChangeMeta['check'],
  rationale: string,
  opts: {
    confidence?: Confidence;
    behavioural?: boolean;
    source?: ValueSource | undefined;
    purpose?: 'required' | 'hardening';
  } = {},
): ChangeMeta {
  const m: ChangeMeta = {
    check,
    rationale,
    confidence: opts.confidence ?? 'high',
    behavioural: opts.behavioural ?? false,
    purpose: opts.purpose ?? 'required',
  };
  if (opts.source !== undefined) m.source = opts.source;
  return m;
}

/** The container's securityContext (a live reference into the draft), or {}. */
export function containerSc(ctx: FixContext, ref: ContainerRef): Obj {
  const sc = ctx.draft.get([...ref.path, 'securityContext']);
  return isObj(sc) ? sc : {};
}

/** The pod's securityContext (a live reference), or {}. */
export function podSc(ctx: FixContext): Obj {
  const sc = ctx.draft.spec['securityContext'];
  return isObj(sc) ? sc : {};
}

export function scPath(ref: ContainerRef, ...rest: Segment[]): Segment[] {
  return [...ref.path, 'securityContext', ...rest];
}

export const POD_SC: Segment[] = ['spec', 'securityContext'];

/** Quoted container name for rationales. */
export function q(ref: ContainerRef): string {
  return `container "${ref.name}"`;
}

/**
 * For host features: block when the workload is a node agent (it really needs the host),
 * otherwise run the behavioural fix (status review).
 */
export function hostOr(ctx: FixContext, check: CheckId, what: string, fix: () => void): void {
  if (ctx.nodeAgent !== undefined) {
    ctx.draft.block(check, what);
    return;
  }
  fix();
}

/** Container refs excluding ephemeral debug containers' absent fields (all lists). */
export function containersOf(ctx: FixContext): ContainerRef[] {
  return ctx.draft.containers();
}
