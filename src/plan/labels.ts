// Pod Security labels of a namespace before and after each phase, and the merge patches that move
// between them (a label absent before is removed again on rollback). Pure.

import { compareLevels, LABEL_PREFIX, type Level } from '../policy/index.js';
import type { NamespaceLabels } from '../inventory/types.js';
import { stableStringify } from './names.js';
import type { PhaseId } from './plan-schema.js';

export type Labels = Record<string, string>;

/** Only the `pod-security.kubernetes.io/*` labels, sorted by key. */
export function podSecurityLabels(all: Readonly<Record<string, string>>): Labels {
  const out: Labels = {};
  for (const k of Object.keys(all).sort()) if (k.startsWith(LABEL_PREFIX)) out[k] = all[k] ?? '';
  return out;
}

function withMode(labels: Labels, mode: 'enforce' | 'audit' | 'warn', level: Level, version: string): Labels {
  const out = { ...labels, [`${LABEL_PREFIX}${mode}`]: level, [`${LABEL_PREFIX}${mode}-version`]: version };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function minLevel(a: Level, b: Level): Level {
  return compareLevels(a, b) <= 0 ? a : b;
}

/**
 * Labels after each phase for a namespace that ends at `planned`, pinned to `version`:
 * observe sets warn+audit to `observe` (the namespace's target: a namespace held at baseline or
 * exempt keeps its restricted violations visible while it waits; defaults to `planned`); enforce-baseline sets enforce to min(baseline, planned)
 * unless the namespace already enforces that or stricter; enforce-restricted sets
 * enforce=restricted when planned. A phase that would change nothing is left out.
 */
export function labelsByPhase(
  current: Labels,
  psa: NamespaceLabels,
  planned: Level,
  version: string,
  observe: Level = planned,
): { id: PhaseId; before: Labels; after: Labels }[] {
  const out: { id: PhaseId; before: Labels; after: Labels }[] = [];
  const currentEnforce: Level = psa.enforce?.level ?? 'privileged';
  let labels = podSecurityLabels(current);
  const step = (id: PhaseId, next: Labels) => {
    if (stableStringify(next) !== stableStringify(labels)) out.push({ id, before: labels, after: next });
    labels = next;
  };
  if (observe !== 'privileged')
    step('1-observe', withMode(withMode(labels, 'audit', observe, version), 'warn', observe, version));
  const baselineStep = minLevel('baseline', planned);
  if (compareLevels(currentEnforce, baselineStep) < 0 || (planned === 'privileged' && psa.enforce === undefined)) {
    step('3-enforce-baseline', withMode(labels, 'enforce', baselineStep, version));
  }
  if (planned === 'restricted') step('4-enforce-restricted', withMode(labels, 'enforce', 'restricted', version));
  return out;
}

/** Merge patch (`kubectl patch --type merge`) that turns the `from` labels into `to` (null removes). */
export function labelMergePatch(from: Labels, to: Labels): { metadata: { labels: Record<string, string | null> } } {
  const patch: Record<string, string | null> = {};
  const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
  for (const k of keys) {
    if (to[k] === undefined) patch[k] = null;
    else if (to[k] !== from[k]) patch[k] = to[k];
  }
  return { metadata: { labels: patch } };
}
