/** The built-in scorers and the scorer contract, importable as `tracegate/scorers`. */
export * from './types.js';
export * from './registry.js';
export { exactMatch } from './exact-match.js';
export { contains } from './contains.js';
export { levenshtein } from './levenshtein.js';
export { jsonParse } from './json-parse.js';
export {
  jsonSchema,
  compileSchema,
  describeSchemaErrors,
  addSchemaResource,
  draftOf,
  type Draft,
} from './json-schema.js';
export { citationFormat } from './citation-format.js';
export { toolCall, expectedToolCalls, type ExpectedToolCall } from './tool-call.js';
export { toolSequence } from './tool-sequence.js';
export { retrievalRecall } from './retrieval-recall.js';
export { citationGrounding } from './citation-grounding.js';
export {
  unsupportedClaims,
  extractClaims,
  loadClaimExtractor,
  type Claim,
  type ClaimKind,
} from './unsupported-claims.js';
export { constraints, constraintSetSchema, type ConstraintSet } from './constraints.js';
export { faithfulness } from './faithfulness.js';
export { factuality } from './factuality.js';
export { rubric } from './rubric.js';
export { readJson, type JsonReadResult, type JsonFailureKind } from './util/json-text.js';
export { matchValue, matcherSchema, isMatcher, type Matcher } from './util/matchers.js';
export { findPii, type PiiKind, type PiiSpan } from './util/pii.js';
export { readTools, readArguments, type ToolSpec } from './util/tools.js';
