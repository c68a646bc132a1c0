// Pure: per (level, minor) tables of the check functions to run, in upstream output order, with
// restricted overrides applied (a port of policy/registry.go). Built once at module load.

import { byteOrder } from './access.js';
import type { CheckFn } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import type { CheckId } from './types.js';

/** The newest policy minor any check revision names (v1.37 at upstream commit 8f84a87c). */
export const NEWEST_MINOR = Math.max(...ALL_CHECKS.flatMap((c) => c.versions.map((v) => v.minimumVersion)));

export interface ActiveCheck {
  id: CheckId;
  checkPod: CheckFn;
}

function revisionAt(versions: (typeof ALL_CHECKS)[number]['versions'], minor: number) {
  let found: (typeof versions)[number] | undefined;
  for (const v of versions)
    if (v.minimumVersion <= minor && (found === undefined || v.minimumVersion > found.minimumVersion)) found = v;
  return found;
}

function build(level: 'baseline' | 'restricted', minor: number): ActiveCheck[] {
  const baseline = ALL_CHECKS.filter((c) => c.level === 'baseline').sort((a, b) => byteOrder(a.id, b.id));
  const restricted = ALL_CHECKS.filter((c) => c.level === 'restricted').sort((a, b) => byteOrder(a.id, b.id));
  const overridden = new Set<CheckId>();
  const restrictedActive: ActiveCheck[] = [];
  if (level === 'restricted') {
    for (const c of restricted) {
      const rev = revisionAt(c.versions, minor);
      if (rev === undefined) continue;
      for (const o of rev.overrides ?? []) overridden.add(o);
      restrictedActive.push({ id: c.id, checkPod: rev.checkPod });
    }
  }
  const baselineActive: ActiveCheck[] = [];
  for (const c of baseline) {
    const rev = revisionAt(c.versions, minor);
    if (rev !== undefined && !overridden.has(c.id)) baselineActive.push({ id: c.id, checkPod: rev.checkPod });
  }
  return [...baselineActive, ...restrictedActive];
}

const TABLES = {
  baseline: Array.from({ length: NEWEST_MINOR + 1 }, (_, m) => build('baseline', m)),
  restricted: Array.from({ length: NEWEST_MINOR + 1 }, (_, m) => build('restricted', m)),
};

/** The checks to run at a level and policy minor (minors above the newest clamp to it). */
export function checksFor(level: 'baseline' | 'restricted', minor: number): readonly ActiveCheck[] {
  const table = TABLES[level];
  return table[Math.min(Math.max(0, minor), NEWEST_MINOR)]!;
}

/** Every check ID, in upstream output order. */
export const CHECK_IDS: readonly CheckId[] = checksFor('baseline', NEWEST_MINOR)
  .map((c) => c.id)
  .concat(
    ALL_CHECKS.filter((c) => c.level === 'restricted')
      .map((c) => c.id)
      .sort(byteOrder),
  );
