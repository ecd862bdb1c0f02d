import type { Redactor } from '../util/redact.js';
import type { CaseResult } from './results.js';

/**
 * Remove known secrets from the text a case result carries (its error, reasons, output excerpt, origin
 * link, id). Applied once, as the result comes out of the runner, before any renderer cuts or escapes the
 * text (a key cut in half by a 300-character limit would no longer match). Returns the same object.
 */
export function redactCaseResult(result: CaseResult, redact: Redactor): CaseResult {
  if (redact.secrets.length === 0) return result;
  if (result.error) result.error = redact(result.error);
  if (result.reasons.length) result.reasons = result.reasons.map(redact);
  if (result.output_excerpt) result.output_excerpt = redact(result.output_excerpt);
  if (result.origin_url) result.origin_url = redact(result.origin_url);
  const shadow = (result as { shadow_errors?: Record<string, string> }).shadow_errors;
  if (shadow) for (const key of Object.keys(shadow)) shadow[key] = redact(shadow[key]);
  result.id = redact(result.id);
  return result;
}
