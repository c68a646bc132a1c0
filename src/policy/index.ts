// Public API of the pure Pod Security Standards engine.

export type { CheckId, CheckResult, EvaluateOptions, Evaluation, Level, PodLike, Violation } from './types.js';
export { LEVELS } from './types.js';
export { aggregateMessage, aggregateReasons, checkResults, evaluatePod, strictestLevel } from './evaluate.js';
export { CHECK_IDS, NEWEST_MINOR, checksFor } from './registry.js';
export { effectiveMinor, parsePolicyVersion } from './version.js';
export { extractPodTemplate, WORKLOAD_KINDS, type ExtractedTemplate } from './pod-spec.js';
export { compareLevels, LABEL_PREFIX, parseNamespaceLabels } from './namespace-labels.js';
export { decodePodSpec, decodeStringMap, validatePodSpecShape } from './shape.js';
export { goQuote } from './go-quote.js';
export { forbiddenPodMessage, levelVersion, wouldViolateMessage } from './messages.js';
export { allowedSysctls } from './checks/sysctls.js';
export { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES } from './checks/restricted-volumes.js';
