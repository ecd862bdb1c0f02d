import { z } from 'zod';
import type { ScorerDefinition } from './types.js';
import { answerText, outputObject } from './util/json-text.js';
import { DEFAULT_ANSWER_FIELD, DEFAULT_CITATIONS_FIELD } from './util/citations.js';

const options = z
  .object({
    /** What a well-formed cited id looks like (anchored). */
    id_pattern: z.string().default('^[a-z][a-z0-9_]*-\\d+$'),
    /** A well-formed inline citation: `[` id `]`, several ids separated by `, ` allowed when `allow_multiple`. */
    allow_multiple: z.boolean().default(true),
    /** Output JSON field with cited ids, checked against `id_pattern` too. `""` to skip. */
    citations_field: z.string().default(DEFAULT_CITATIONS_FIELD),
    /** Output JSON field with the answer text (whole output when absent). */
    answer_field: z.string().default(DEFAULT_ANSWER_FIELD),
    /** Score 0 when there is no citation at all (otherwise not applicable). */
    require_citation: z.boolean().default(false),
  })
  .strict();

type Options = z.infer<typeof options>;

/**
 * Anything in square brackets that is not a markdown link `[text](url)`, a footnote-free checkbox `[ ]`/`[x]`,
 * or a long bracketed phrase (more than 6 words) is a citation attempt and must be well formed.
 */
const BRACKETED = /\[([^[\]\n]{1,80})\](?!\()/g;

/** Citations match a configured pattern (e.g. `[doc-12]`), none malformed. */
export const citationFormat: ScorerDefinition<Options> = {
  id: 'citation-format',
  version: '1',
  kind: 'code',
  failureModes: ['format-violation'],
  description:
    'Citations are well formed: every [..] marker in the answer and every id in output.citations matches id_pattern (e.g. [kb-3]); none malformed.',
  options,
  create: (opts) => {
    const idRe = new RegExp(opts.id_pattern);
    return (args) => {
      const found: Array<{ text: string; ok: boolean; where: 'inline' | 'field' }> = [];
      for (const m of answerText(args.output, opts.answer_field).matchAll(BRACKETED)) {
        const inner = m[1].trim();
        if (/^[ xX]?$/.test(m[1]) || inner.split(/\s+/).length > 6) continue;
        const ids = opts.allow_multiple ? inner.split(/\s*[,;]\s*/) : [inner];
        found.push({ text: m[0], ok: ids.every((id) => idRe.test(id)), where: 'inline' });
      }
      const field = opts.citations_field ? outputObject(args.output)?.[opts.citations_field] : undefined;
      if (Array.isArray(field)) {
        for (const c of field) {
          const id =
            typeof c === 'string'
              ? c
              : c && typeof c === 'object' && 'id' in c
                ? String(c.id)
                : JSON.stringify(c);
          found.push({ text: id, ok: idRe.test(id), where: 'field' });
        }
      }
      if (found.length === 0) {
        return opts.require_citation
          ? {
              name: 'citation-format',
              score: 0,
              metadata: { reason: 'no citation found (require_citation)' },
            }
          : { name: 'citation-format', score: null, metadata: { reason: 'no citation found' } };
      }
      const malformed = found.filter((f) => !f.ok);
      const metadata: Record<string, unknown> = { citations: found.map((f) => f.text) };
      if (malformed.length) {
        metadata.malformed = malformed.map((f) => f.text);
        metadata.reason = `malformed citation${malformed.length > 1 ? 's' : ''} ${malformed.map((f) => JSON.stringify(f.text)).join(', ')} (want ids matching /${opts.id_pattern}/)`;
      }
      return { name: 'citation-format', score: (found.length - malformed.length) / found.length, metadata };
    };
  },
};
