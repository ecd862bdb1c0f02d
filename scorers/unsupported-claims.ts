import { z } from 'zod';
import type { ScorerDefinition } from './types.js';
import { answerText } from './util/json-text.js';

import {
  CLAIM_KINDS,
  cachedFacts,
  claimExtractorLoaded,
  extractClaims,
  checkClaims,
  loadClaimExtractor,
  type Claim,
  type ClaimKind,
} from './util/claims.js';

export { extractClaims, loadClaimExtractor, type Claim, type ClaimKind };

const options = z
  .object({
    /** Output JSON field holding the answer text (the whole output when absent). */
    answer_field: z.string().default('answer'),
    /** Strings that count as known facts besides the sources (e.g. the support address, the product name). */
    allow: z.array(z.string()).default([]),
    /** Which kinds of claim to check. */
    check: z.array(z.enum(CLAIM_KINDS)).default([...CLAIM_KINDS]),
    /**
     * Where supporting text may come from: the run's retrieved documents and/or the case input. The input is
     * left out by default: measured on HaluEval QA, an answer that restates the question's names and numbers is
     * how most wrong answers look (see docs/scorer-accuracy.md); add `input` when the user's own words are facts
     * (their name, their order number).
     */
    sources: z.array(z.enum(['retrieved', 'input'])).default(['retrieved']),
    /**
     * Terms and comparisons (content words the sources lack) fail the answer only when they are more than this
     * share of its terms: one new word in a paraphrase or a summary is tolerated, a short answer built on a word
     * the sources never use is not. 0 = every such word counts; 1 = only when none of the terms is supported.
     */
    term_share: z.number().min(0).max(1).default(0.2),
  })
  .strict();

type Options = z.infer<typeof options>;

/** Strings and numbers anywhere inside the case input. */
function inputText(input: unknown, out: string[] = []): string[] {
  if (typeof input === 'string' || typeof input === 'number') out.push(String(input));
  else if (Array.isArray(input)) for (const v of input) inputText(v, out);
  else if (input && typeof input === 'object') for (const v of Object.values(input)) inputText(v, out);
  return out;
}

/**
 * Numbers, amounts, percentages, dates, URLs, emails, phone numbers and named entities in the answer must appear
 * in the retrieved context (the input too, when `sources` says so) or the allow-list. Score = supported / claims; each unsupported span listed.
 */
export const unsupportedClaims: ScorerDefinition<Options> = {
  id: 'unsupported-claims',
  version: '2',
  kind: 'code',
  failureModes: ['hallucination'],
  description:
    'Numbers (digits or words), amounts, percentages, dates, URLs, emails, phone numbers and named entities (wink-nlp; multi-word names as units) in the answer appear in the retrieved context (or the input, when asked) or an allow-list; lists each unsupported span.',
  options,
  create: (opts) => {
    const kinds = new Set(opts.check);
    const allowText = opts.allow.join('\n');
    return async (args) => {
      if (!claimExtractorLoaded()) await loadClaimExtractor();
      const useRetrieved = opts.sources.includes('retrieved');
      if (useRetrieved && !Array.isArray(args.retrieved)) {
        return {
          name: 'unsupported-claims',
          score: null,
          metadata: { reason: 'the run reported no retrieved context' },
        };
      }
      const parts: string[] = [];
      if (useRetrieved) for (const d of args.retrieved!) if (typeof d?.text === 'string') parts.push(d.text);
      if (opts.sources.includes('input')) parts.push(...inputText(args.input));
      parts.push(allowText);
      const facts = cachedFacts(parts.join('\n'));
      // With no source text at all there is no wording to compare terms with: only names, numbers, dates,
      // contacts and negations are held against the answer ("Sorry, I could not find that order." is fine).
      const hasText = parts.some((p) => p.trim() !== '');
      const { claims, unsupported, tolerated } = checkClaims(
        answerText(args.output, opts.answer_field),
        facts,
        hasText ? opts.term_share : 1,
        kinds,
      );
      const byKind: Record<string, number> = {};
      for (const c of claims) byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
      const metadata: Record<string, unknown> = {
        claims: claims.length,
        by_kind: byKind,
        unsupported,
        ...(tolerated.length ? { tolerated_terms: tolerated } : {}),
      };
      if (unsupported.length) {
        const list = unsupported
          .slice(0, 5)
          .map((c) => `"${c.text}" (${c.kind})`)
          .join(', ');
        const more = unsupported.length > 5 ? ` +${unsupported.length - 5} more` : '';
        metadata.reason = `unsupported: ${list}${more} — not in the ${opts.sources.includes('input') ? (useRetrieved ? 'retrieved context, input' : 'input') : 'retrieved context'} or allow-list`;
      }
      const score = claims.length ? (claims.length - unsupported.length) / claims.length : 1;
      return { name: 'unsupported-claims', score, metadata };
    };
  },
};
