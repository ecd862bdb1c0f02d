import type { ScorerDefinition } from './types.js';
import { exactMatch } from './exact-match.js';
import { contains } from './contains.js';
import { jsonSchema } from './json-schema.js';

/**
 * The built-in scorers by id. Add a scorer by writing `scorers/<id>.ts` and listing it here; its id,
 * version and options schema are all that the config, the fingerprint and the README need.
 */
export const BUILTIN_SCORERS: Record<string, ScorerDefinition> = Object.fromEntries(
  [exactMatch, contains, jsonSchema].map((s) => [s.id, s]),
);

/**
 * The scorers a failure mode gets when the config names none. Each returns null (not applicable) on cases
 * that lack what it needs, so a default never fails a case for a reason the user did not ask about.
 */
export const DEFAULT_SCORERS_BY_MODE: Record<string, string[]> = {
  'format-violation': ['json-schema'],
  'tool-argument-error': ['exact-match'],
  'retrieval-miss': ['contains'],
  hallucination: ['contains'],
  'instruction-follow-failure': ['contains'],
};

/** Scorers for a failure mode with no configured list (custom modes fall back to exact-match). */
export function defaultScorersFor(mode: string): string[] {
  return DEFAULT_SCORERS_BY_MODE[mode] ?? ['exact-match'];
}
