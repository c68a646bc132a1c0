// Compares podsec with the oracle on the same manifest text: podsec reads the text as `scan -f`
// does (parseManifests) and evaluates each workload's template (evaluatePod); the oracle decodes the
// same bytes as kubectl and the API server do and asks PodSecurity. Verdict, failing checks and the
// full message (403 for a Pod, warning for a controller) must be identical for every level and
// version; a document one side rejects as input must be rejected by the other.
import { parseManifests } from '../../src/inventory/manifests.js';
import { evaluatePod, forbiddenPodMessage, wouldViolateMessage, type Level } from '../../src/policy/index.js';
import type { OracleDoc, OracleResponse } from './oracle.js';

export const LEVELS: readonly Level[] = ['baseline', 'restricted'];

/** Every policy version (v1.0 ... v1.37), `latest` and a too-new one. */
export const ALL_VERSIONS: readonly string[] = [...Array.from({ length: 38 }, (_, i) => `v1.${i}`), 'latest', 'v1.99'];

/**
 * One version of every distinct rule set: upstream's checks change at v1.0, 8, 19, 22, 23, 25, 27,
 * 29, 31, 32, 34, 35 and 37 (= latest), so these 13 cover every combination of check versions.
 */
export const VERSION_SPREAD: readonly string[] = [
  'v1.0',
  'v1.8',
  'v1.19',
  'v1.22',
  'v1.23',
  'v1.25',
  'v1.27',
  'v1.29',
  'v1.31',
  'v1.32',
  'v1.34',
  'v1.35',
  'latest',
];

export interface Mismatch {
  /** What differs, with both sides' words. */
  what: string;
}

function podsecMessage(kind: string, name: string, level: string, version: string, detail: string): string {
  return kind === 'Pod'
    ? forbiddenPodMessage(name, level, version, detail)
    : wouldViolateMessage(level, version, detail);
}

/** The mismatches between podsec and the oracle's answer for `text` ([] when they agree). */
export function compareWithOracle(
  text: string,
  oracle: OracleResponse,
  levels: readonly string[],
  versions: readonly string[],
): string[] {
  const out: string[] = [];
  if (oracle.error) return [`oracle: ${oracle.error}`];
  const parsed = parseManifests('input.yaml', text);
  const evaluated = oracle.docs.filter(
    (d): d is OracleDoc & { results: NonNullable<OracleDoc['results']> } => d.results !== undefined,
  );
  const rejected = oracle.docs.filter((d) => d.error !== undefined);
  // Objects the server does not serve (e.g. extensions/v1beta1 DaemonSet) podsec still reads.
  const unserved = new Set(oracle.docs.filter((d) => d.skipped !== undefined).map((d) => d.kind));
  const workloads = parsed.workloads.filter(
    (w) => !(unserved.has(w.kind) && !evaluated.some((d) => d.kind === w.kind && d.name === w.name)),
  );
  if (rejected.length !== parsed.errors.length) {
    out.push(
      `input errors: server ${rejected.length} [${rejected.map((d) => d.error).join(' | ')}], ` +
        `podsec ${parsed.errors.length} [${parsed.errors.map((e) => e.message).join(' | ')}]`,
    );
  }
  if (evaluated.length !== workloads.length) {
    out.push(
      `objects evaluated: server ${evaluated.length} [${evaluated.map((d) => `${d.kind}/${d.name}`).join(', ')}], ` +
        `podsec ${workloads.length} [${workloads.map((w) => `${w.kind}/${w.name}`).join(', ')}]`,
    );
    return out;
  }
  evaluated.forEach((d, i) => {
    const w = workloads[i]!;
    if (w.kind !== d.kind) out.push(`object ${i}: server ${d.kind}/${d.name}, podsec ${w.kind}/${w.name}`);
    const meta = w.object['metadata'] as Record<string, unknown> | undefined;
    const name = typeof meta?.['name'] === 'string' ? meta['name'] : '';
    for (const r of d.results) {
      if (!levels.includes(r.level) || !versions.includes(r.version)) continue;
      const e = evaluatePod(w.template, r.level as Level, r.version, { isPod: w.kind === 'Pod' });
      const checks = e.violations.map((v) => v.check).join(' ');
      const message = e.allowed ? '' : podsecMessage(w.kind, name, r.level, r.version, e.message);
      if (e.allowed !== r.allowed || checks !== r.checks.join(' ') || message !== r.message) {
        out.push(
          `${d.kind}/${d.name ?? ''} at ${r.level}:${r.version}: ` +
            `server ${r.allowed ? 'allowed' : `[${r.checks.join(' ')}] ${r.message}`}; ` +
            `podsec ${e.allowed ? 'allowed' : `[${checks}] ${message}`}`,
        );
      }
    }
  });
  return out;
}
