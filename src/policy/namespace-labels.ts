// Pure: parses a namespace's pod-security.kubernetes.io labels as PSA does (port of
// api.PolicyToEvaluate): invalid enforce level -> restricted, invalid audit/warn level ->
// privileged, invalid version -> latest, and warn inherits a stricter explicit enforce.

import type { ModeSetting, NamespaceLabels } from './types.js';
import type { Level } from './types.js';
import { parsePolicyVersion } from './version.js';

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
const LEVEL_ERROR = 'must be one of privileged, baseline, restricted';
const VERSION_ERROR = 'must be "latest" or "v1.x"';
const RANK: Record<Level, number> = { privileged: 0, baseline: 1, restricted: 2 };

function isLevel(v: string): v is Level {
  return v === 'privileged' || v === 'baseline' || v === 'restricted';
}

/** Compares levels by strictness: > 0 when a is stricter than b. */
export function compareLevels(a: Level, b: Level): number {
  return RANK[a] - RANK[b];
}

/**
 * Parses the six PSA labels. Modes without a level label are left undefined (the cluster's
 * configured defaults apply, privileged:latest unless configured), except warn, which takes a
 * stricter explicit enforce level (and its version unless warn-version is set).
 */
export function parseNamespaceLabels(labels: Readonly<Record<string, string>>): NamespaceLabels {
  const out: NamespaceLabels = { invalid: [] };
  const mode = (name: 'enforce' | 'audit' | 'warn', fallback: Level): ModeSetting | undefined => {
    const levelLabel = `${LABEL_PREFIX}${name}`;
    const versionLabel = `${levelLabel}-version`;
    const rawLevel = labels[levelLabel];
    const rawVersion = labels[versionLabel];
    let version = 'latest';
    if (rawVersion !== undefined) {
      if (parsePolicyVersion(rawVersion) === null)
        out.invalid.push({ label: versionLabel, value: rawVersion, message: VERSION_ERROR });
      else version = rawVersion;
    }
    if (rawLevel === undefined) return rawVersion === undefined ? undefined : { level: 'privileged', version };
    if (isLevel(rawLevel)) return { level: rawLevel, version };
    out.invalid.push({ label: levelLabel, value: rawLevel, message: LEVEL_ERROR });
    return { level: fallback, version };
  };
  const enforce = mode('enforce', 'restricted');
  const audit = mode('audit', 'privileged');
  let warn = mode('warn', 'privileged');
  const enforceLevel = labels[`${LABEL_PREFIX}enforce`];
  const hasWarnLevel = labels[`${LABEL_PREFIX}warn`] !== undefined;
  if (!hasWarnLevel && enforce !== undefined && enforceLevel !== undefined && isLevel(enforceLevel)) {
    if (compareLevels(enforce.level, warn?.level ?? 'privileged') > 0) {
      warn = {
        level: enforce.level,
        version: labels[`${LABEL_PREFIX}warn-version`] !== undefined ? (warn?.version ?? 'latest') : enforce.version,
      };
    }
  }
  if (enforce !== undefined) out.enforce = enforce;
  if (audit !== undefined) out.audit = audit;
  if (warn !== undefined) out.warn = warn;
  return out;
}
