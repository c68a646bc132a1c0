// Shared by the per-check tables: evaluate a tweaked restricted-compliant pod (see ../pod.ts).
import { evaluatePod, type Level, type PodLike } from '../../../src/policy/index.js';

export type Json = Record<string, unknown>;
export { pod, restrictedContainer } from '../pod.js';

/** The aggregated message at a level and version ('' when allowed). */
export function message(p: PodLike, level: Level, version = 'latest', isPod = true): string {
  const r = evaluatePod(p, level, version, { isPod });
  if (r.allowed !== (r.message === '')) throw new Error('allowed and message disagree');
  return r.message;
}

/** The IDs of the failing checks, in output order. */
export function failing(p: PodLike, level: Level, version = 'latest'): string[] {
  return evaluatePod(p, level, version, { isPod: true }).violations.map((v) => v.check);
}

export const podSC = (s: Json) => s['securityContext'] as Json;
export const init = (s: Json) => (s['initContainers'] as Json[])[0]!;
export const app = (s: Json) => (s['containers'] as Json[])[0]!;
export const sc = (c: Json) => c['securityContext'] as Json;
