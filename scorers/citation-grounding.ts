import { z } from 'zod';
import type { ScorerDefinition } from './types.js';
import { citationOptions, citedIds } from './util/citations.js';
import { answerText, clip } from './util/json-text.js';
import {
  cachedFacts,
  checkClaims,
  claimExtractorLoaded,
  loadClaimExtractor,
  type ClaimCheck,
} from './util/claims.js';

const options = z
  .object({
    ...citationOptions,
    /** Score 0 when the answer cites nothing (otherwise not applicable). */
    require_citation: z.boolean().default(false),
    /**
     * Check that each cited chunk supports the sentence that cites it (its names, numbers, dates and terms found
     * there, as unsupported-claims checks them). `false`: only that every cited id was retrieved (version 1).
     */
    check_support: z.boolean().default(true),
    /** As in unsupported-claims: the share of a sentence's terms that must be missing before they fail it. */
    term_share: z.number().min(0).max(1).default(0.2),
  })
  .strict();

type Options = z.infer<typeof options>;

/** What one sentence of the answer was found to be. */
export type SentenceVerdict = 'supported' | 'mis-cited' | 'unsupported' | 'not-retrieved';

/** The per-sentence report in `metadata.sentences`. */
export interface SentenceReport {
  text: string;
  cited: string[];
  verdict: SentenceVerdict;
  /** Claims of the sentence that its cited chunks lack. */
  unsupported?: ClaimCheck['unsupported'];
  /** For a mis-cited sentence: the retrieved chunk that supports it. */
  supported_by?: string;
  /** For `not-retrieved`: the cited ids that were not retrieved in this run. */
  not_retrieved?: string[];
}

const sentenceSegmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * The answer's sentences with the ids each one cites. Inline markers cite for their sentence (a marker alone
 * after the full stop, "… 30 days. [kb-1]", belongs to the sentence before it); ids that appear only in the
 * citations field cite for every sentence without a marker of its own.
 */
function citingSentences(
  text: string,
  fieldIds: string[],
  pattern: RegExp | undefined,
): Array<{ text: string; cited: string[] }> {
  const out: Array<{ text: string; cited: string[] }> = [];
  for (const { segment } of sentenceSegmenter.segment(text)) {
    const ids = pattern ? Array.from(segment.matchAll(pattern), (m) => m[1] ?? m[0]) : [];
    const bare = (pattern ? segment.replace(pattern, ' ') : segment)
      .replace(/\s+/g, ' ')
      .replace(/ ([.,;:!?])/g, '$1')
      .trim();
    if (!/[\p{L}\p{N}]/u.test(bare)) {
      // Only markers: they cite for the previous sentence.
      if (out.length && ids.length) out[out.length - 1].cited.push(...ids);
      continue;
    }
    out.push({ text: bare, cited: ids });
  }
  const inlineIds = new Set(out.flatMap((s) => s.cited));
  const fieldOnly = fieldIds.filter((id) => !inlineIds.has(id));
  for (const s of out) if (s.cited.length === 0) s.cited.push(...fieldOnly);
  for (const s of out) s.cited = [...new Set(s.cited)];
  return out;
}

/**
 * Every id the answer cites was retrieved in that run, and the cited chunk supports the sentence that cites it.
 * Per sentence: supported; mis-cited (another retrieved chunk supports it, the cited one does not);
 * unsupported (no retrieved chunk does); not-retrieved (it cites an id the run did not retrieve).
 * Score = supported sentences / citing sentences.
 */
export const citationGrounding: ScorerDefinition<Options> = {
  id: 'citation-grounding',
  version: '2',
  kind: 'code',
  failureModes: ['hallucination'],
  description:
    'Each sentence that cites (output.citations or inline [kb-3] markers) cites a chunk retrieved in that run that supports it; per sentence: supported, mis-cited (another chunk supports it), unsupported or not-retrieved. Score = supported / citing sentences.',
  options,
  create: (opts) => {
    const pattern = opts.citation_pattern ? new RegExp(opts.citation_pattern, 'g') : undefined;
    return async (args) => {
      if (!Array.isArray(args.retrieved)) {
        return {
          name: 'citation-grounding',
          score: null,
          metadata: { reason: 'the run reported no retrieved context' },
        };
      }
      const cited = citedIds(args.output, opts);
      if (cited.length === 0) {
        return opts.require_citation
          ? {
              name: 'citation-grounding',
              score: 0,
              metadata: { reason: 'the answer cites nothing (require_citation)' },
            }
          : { name: 'citation-grounding', score: null, metadata: { reason: 'the answer cites nothing' } };
      }
      const chunks = new Map<string, string>();
      for (const d of args.retrieved) {
        const id = String(d?.id);
        chunks.set(
          id,
          (chunks.get(id) ? chunks.get(id) + '\n' : '') + (typeof d?.text === 'string' ? d.text : ''),
        );
      }
      const retrieved = [...chunks.keys()];
      const fieldIds = citedIds(args.output, { ...opts, citation_pattern: '' });
      const sentences = citingSentences(answerText(args.output, opts.answer_field), fieldIds, pattern).filter(
        (s) => s.cited.length > 0,
      );
      if (opts.check_support && !claimExtractorLoaded()) await loadClaimExtractor();
      const reports: SentenceReport[] = sentences.map(({ text, cited: ids }) => {
        const missing = ids.filter((id) => !chunks.has(id));
        if (missing.length) return { text, cited: ids, verdict: 'not-retrieved', not_retrieved: missing };
        if (!opts.check_support) return { text, cited: ids, verdict: 'supported' };
        const own = checkClaims(
          text,
          cachedFacts(ids.map((id) => chunks.get(id)).join('\n')),
          opts.term_share,
        );
        if (own.unsupported.length === 0) return { text, cited: ids, verdict: 'supported' };
        // Would another retrieved chunk have supported it? Then the citation, not the sentence, is wrong.
        for (const id of retrieved) {
          if (ids.includes(id)) continue;
          const other = checkClaims(text, cachedFacts(chunks.get(id)!), opts.term_share);
          if (other.claims.length && other.unsupported.length === 0)
            return { text, cited: ids, verdict: 'mis-cited', unsupported: own.unsupported, supported_by: id };
        }
        return { text, cited: ids, verdict: 'unsupported', unsupported: own.unsupported };
      });
      const failing = reports.filter((r) => r.verdict !== 'supported');
      const metadata: Record<string, unknown> = { cited, retrieved, sentences: reports };
      if (failing.length) {
        const ungrounded = [...new Set(failing.flatMap((r) => r.not_retrieved ?? []))];
        if (ungrounded.length) metadata.ungrounded = ungrounded;
        // One line per distinct problem: "cites kb-9, not retrieved" in three sentences is said once.
        const lines = new Map<string, number>();
        for (const r of failing) {
          const line = describe(r, retrieved);
          lines.set(line, (lines.get(line) ?? 0) + 1);
        }
        const shown = [...lines].slice(0, 3).map(([line, n]) => (n > 1 ? `${line} (${n} sentences)` : line));
        metadata.reason = shown.join('; ') + (lines.size > 3 ? ` (+${lines.size - 3} more)` : '');
      }
      const score = reports.length ? (reports.length - failing.length) / reports.length : 1;
      return { name: 'citation-grounding', score, metadata };
    };
  },
};

function describe(r: SentenceReport, retrieved: string[]): string {
  const quoted = `"${clip(r.text, 60)}"`;
  const missing = (r.unsupported ?? [])
    .slice(0, 3)
    .map((c) => `"${c.text}"`)
    .join(', ');
  switch (r.verdict) {
    case 'not-retrieved':
      return `cites ${r.not_retrieved!.join(', ')}, not retrieved in this run (retrieved: ${retrieved.join(', ') || 'nothing'})`;
    case 'mis-cited':
      return `mis-cited: ${quoted} cites ${r.cited.join(', ')}, which lacks ${missing}; ${r.supported_by} supports it`;
    default:
      return `unsupported: ${quoted} — ${missing} not in the cited ${r.cited.join(', ')} nor any retrieved chunk`;
  }
}
