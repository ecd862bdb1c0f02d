import { z } from 'zod';
import { answerText, outputObject } from './json-text.js';

/** Defaults shared by the citation scorers: the demo's `{"answer", "citations": ["kb-3"]}` and `[kb-3]` markers. */
export const DEFAULT_CITATIONS_FIELD = 'citations';
export const DEFAULT_ANSWER_FIELD = 'answer';
/** An inline citation marker; group 1 is the cited id. */
export const DEFAULT_CITATION_PATTERN = '\\[([A-Za-z][\\w.-]*-\\w+)\\]';

export const citationOptions = {
  /** Output JSON field holding the cited ids (strings, or objects with an `id`). `""` to ignore. */
  citations_field: z.string().default(DEFAULT_CITATIONS_FIELD),
  /** Output JSON field holding the answer text scanned for inline markers (whole output when absent). */
  answer_field: z.string().default(DEFAULT_ANSWER_FIELD),
  /** Regex of an inline citation marker; its first group is the cited id. `""` to ignore inline markers. */
  citation_pattern: z.string().default(DEFAULT_CITATION_PATTERN),
};

/** The ids an output cites: its citations field plus inline markers in the answer text, deduplicated, in order. */
export function citedIds(
  output: unknown,
  opts: { citations_field: string; answer_field: string; citation_pattern: string },
): string[] {
  const ids: string[] = [];
  const obj = outputObject(output);
  const field = opts.citations_field ? obj?.[opts.citations_field] : undefined;
  if (Array.isArray(field)) {
    for (const c of field) {
      if (typeof c === 'string') ids.push(c);
      else if (c && typeof c === 'object' && 'id' in c) ids.push(String((c as { id: unknown }).id));
    }
  }
  if (opts.citation_pattern) {
    const re = new RegExp(opts.citation_pattern, 'g');
    for (const m of answerText(output, opts.answer_field).matchAll(re)) ids.push(m[1] ?? m[0]);
  }
  return [...new Set(ids)];
}
