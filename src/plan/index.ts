// Public API of the pure planner (issue 6): build a plan from an inventory, render it into files,
// and the plan.json schema. The shell writes the files (src/files/write-plan.ts) and reads plans
// back (src/files/read-plan.ts).

export { buildPlan, buildPlanFrom, SYSTEM_NAMESPACES, type BuildPlanOptions, type PlanBundle } from './build-plan.js';
export { PlanDocument } from './document.js';
export { planInput, type PlanInput } from './plan-input.js';
export { labelMergePatch, labelsByPhase, podSecurityLabels, type Labels } from './labels.js';
export { NameAllocator, sanitizeSegment, shQuote, stableStringify } from './names.js';
export {
  PHASE_IDS,
  PLAN_API_VERSION,
  PLAN_SCHEMA_VERSION,
  planIssues,
  planSchema,
  type PhaseId,
  type Plan,
  type PlanNamespace,
  type PlanPhase,
  type PlanStep,
  type PlanWorkload,
} from './plan-schema.js';
export { renderPlanFiles, type PlanFile } from './render-files.js';
export { fillTemplate, PLAN_TEMPLATE_FILES, type PlanTemplates } from './template.js';
