// Public API of the pure fix engine (issue 5). Shell code loads the catalogue
// (src/files/catalogue.ts) and gathers evidence (src/cluster/evidence.ts), then calls these.

export type { Confidence, FixChange, FixProposal, FixStatus, Question, ValueSource } from './types.js';
export { answerFor, answersSchema, EMPTY_ANSWERS, type Answers } from './answers.js';
export {
  EMPTY_CATALOGUE,
  matchImage,
  parseImageCatalogue,
  parseImageRef,
  type ImageCatalogue,
  type ImageEntry,
} from './catalogue.js';
export {
  analyzeLogs,
  matchLogLine,
  mergeContainerEvidence,
  parseProbeOutput,
  type ContainerEvidence,
  type Evidence,
  type Finding,
} from './evidence.js';
export { proposeFix, proposeFixes, type ProposeOptions } from './propose.js';
export { MERGE_KEYS, fixPhaseTemplate, patchedObject, toJsonPatch, toStrategicPatch } from './patches.js';
export { applyStrategicMerge } from './strategic-merge.js';
export { editSourceText } from './source-edit.js';
export { volumeNameFor } from './writable.js';
