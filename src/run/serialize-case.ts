import type { CaseResult } from './results.js';

/** Characters that JSON.stringify would escape in a string (quote, backslash, controls, surrogates). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

function strOrNull(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : str(value);
}

function num(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/**
 * One CaseResult as JSON, byte for byte what `JSON.stringify(result)` gives for the fields results.json
 * holds, in the same order. Written by hand because it runs once per case on the hot path and the shape is
 * fixed: most strings need no escaping, and skipping the generic walk saves about a quarter of the cost
 * (see bench/). Values a scorer put in `scores` still go through JSON.stringify.
 */
export function serializeCaseResult(r: CaseResult): string {
  let out =
    `{"id":${str(r.id)},"failure_mode":${str(r.failure_mode)},"dataset":${str(r.dataset)},"line":${num(r.line)}` +
    `,"passed":${r.passed},"status":${str(r.status)},"scores":${JSON.stringify(r.scores)},"trials":${num(r.trials)}` +
    `,"pass_rate":${num(r.pass_rate)},"flaky":${r.flaky},"error":${strOrNull(r.error)}` +
    `,"reasons":${r.reasons.length ? JSON.stringify(r.reasons) : '[]'},"origin_url":${strOrNull(r.origin_url)}` +
    `,"vs_baseline":${strOrNull(r.vs_baseline)},"hash":${str(r.hash)},"kind":${str(r.kind)},"duration_ms":${num(r.duration_ms)}`;
  if (r.output_excerpt !== undefined) out += `,"output_excerpt":${str(r.output_excerpt)}`;
  if (r.pass_rate_interval !== undefined)
    out += `,"pass_rate_interval":${JSON.stringify(r.pass_rate_interval)}`;
  if (r.shadow_errors !== undefined) out += `,"shadow_errors":${JSON.stringify(r.shadow_errors)}`;
  return out + '}';
}
