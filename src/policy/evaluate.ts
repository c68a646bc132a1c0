// Pure: evaluates one pod or pod template at a level and policy version, exactly as the API
// server's PodSecurity admission does (port of policy.Evaluator.EvaluatePod + AggregateCheckResults).

import { obj } from './access.js';
import type { PodContext } from './check.js';
import { visitedContainers } from './visit.js';
import { checksFor } from './registry.js';
import type { CheckResult, EvaluateOptions, Evaluation, Level, PodLike, Violation } from './types.js';
import { effectiveMinor } from './version.js';

const NO_ANNOTATIONS: Readonly<Record<string, unknown>> = Object.freeze({});

function podContext(pod: PodLike, isPod: boolean): PodContext {
  const spec = obj(pod.spec) ?? {};
  const annotations = obj(pod.metadata?.annotations) ?? NO_ANNOTATIONS;
  return {
    annotations,
    spec,
    podSC: obj(spec['securityContext']),
    containers: visitedContainers(spec, isPod, annotations),
    windows: obj(spec['os'])?.['name'] === 'windows',
    hostUsersFalse: spec['hostUsers'] === false,
  };
}

/** `reason (detail), reason (detail)`: the aggregated detail the API server prints. */
export function aggregateMessage(violations: readonly Violation[]): string {
  let out = '';
  for (const v of violations) {
    if (out !== '') out += ', ';
    out += v.detail === '' ? v.reason : `${v.reason} (${v.detail})`;
  }
  return out;
}

/** `reason, reason`: the short form used in namespace dry-run warnings. */
export function aggregateReasons(violations: readonly Violation[]): string {
  return violations.map((v) => v.reason).join(', ');
}

/**
 * Evaluates a pod (or a controller's pod template) at `level` and `version` ('latest' or 'v1.N').
 * Never throws for malformed specs: fields of the wrong type read as absent.
 */
export function evaluatePod(pod: PodLike, level: Level, version: string, opts: EvaluateOptions = {}): Evaluation {
  const minor = effectiveMinor(version, opts.newestMinor);
  if (level === 'privileged') {
    return { level, version, effectiveMinor: minor, allowed: true, violations: [], message: '' };
  }
  const ctx = podContext(pod, opts.isPod === true);
  const violations: Violation[] = [];
  for (const check of checksFor(level, minor)) {
    const failure = check.checkPod(ctx);
    if (failure !== undefined) violations.push({ check: check.id, reason: failure.reason, detail: failure.detail });
  }
  return {
    level,
    version,
    effectiveMinor: minor,
    allowed: violations.length === 0,
    violations,
    message: aggregateMessage(violations),
  };
}

/**
 * Every check that runs at `level` and `version`, passing ones included, in upstream order (for
 * reports that show what was checked). `evaluatePod` is the fast path for verdicts.
 */
export function checkResults(pod: PodLike, level: Level, version: string, opts: EvaluateOptions = {}): CheckResult[] {
  if (level === 'privileged') return [];
  const ctx = podContext(pod, opts.isPod === true);
  return checksFor(level, effectiveMinor(version, opts.newestMinor)).map((check) => {
    const failure = check.checkPod(ctx);
    return failure === undefined
      ? { check: check.id, allowed: true, reason: '', detail: '' }
      : { check: check.id, allowed: false, reason: failure.reason, detail: failure.detail };
  });
}

/** The strictest level the pod passes at `version`. */
export function strictestLevel(pod: PodLike, version: string, opts: EvaluateOptions = {}): Level {
  if (evaluatePod(pod, 'restricted', version, opts).allowed) return 'restricted';
  if (evaluatePod(pod, 'baseline', version, opts).allowed) return 'baseline';
  return 'privileged';
}
