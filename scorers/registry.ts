import type { ScorerDefinition } from './types.js';
import { exactMatch } from './exact-match.js';
import { contains } from './contains.js';
import { levenshtein } from './levenshtein.js';
import { jsonParse } from './json-parse.js';
import { jsonSchema } from './json-schema.js';
import { citationFormat } from './citation-format.js';
import { toolCall } from './tool-call.js';
import { toolSequence } from './tool-sequence.js';
import { retrievalRecall } from './retrieval-recall.js';
import { citationGrounding } from './citation-grounding.js';
import { unsupportedClaims } from './unsupported-claims.js';
import { constraints } from './constraints.js';
import { faithfulness } from './faithfulness.js';
import { factuality } from './factuality.js';
import { rubric } from './rubric.js';

/** Every built-in scorer, in the order the README lists them (by failure mode, then generic). */
export const BUILTIN_SCORER_LIST: ScorerDefinition[] = [
  jsonParse,
  jsonSchema,
  citationFormat,
  toolCall,
  toolSequence,
  retrievalRecall,
  citationGrounding,
  unsupportedClaims,
  constraints,
  // Judge scorers (an LLM reads the answer): blocking only once calibrated, see docs/judges.md.
  faithfulness,
  factuality,
  rubric,
  exactMatch,
  contains,
  levenshtein,
];

/**
 * The built-in scorers by id. Add a scorer by writing `scorers/<id>.ts` and listing it above; its id,
 * version and options schema are all that the config, the fingerprint and the README need.
 */
export const BUILTIN_SCORERS: Record<string, ScorerDefinition> = Object.fromEntries(
  BUILTIN_SCORER_LIST.map((s) => [s.id, s]),
);

/**
 * The scorers a failure mode gets when the config names none. Each returns null (not applicable) on cases
 * that lack what it needs, so a default never fails a case for a reason the user did not ask about.
 */
export const DEFAULT_SCORERS_BY_MODE: Record<string, string[]> = {
  'format-violation': ['json-parse', 'json-schema'],
  'tool-argument-error': ['tool-call'],
  'retrieval-miss': ['retrieval-recall'],
  hallucination: ['citation-grounding', 'unsupported-claims'],
  'instruction-follow-failure': ['constraints'],
};

/** Scorers for a failure mode with no configured list (custom modes fall back to exact-match). */
export function defaultScorersFor(mode: string): string[] {
  return DEFAULT_SCORERS_BY_MODE[mode] ?? ['exact-match'];
}
