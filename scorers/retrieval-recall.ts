import { z } from 'zod';
import type { ScorerDefinition } from './types.js';
import { isPlainObject } from './util/json-text.js';

const options = z
  .object({
    /** How many of the top retrieved documents count. */
    k: z.number().int().positive().default(5),
  })
  .strict();

type Options = z.infer<typeof options>;

/** `expected.doc_ids` of a case (strings), when it has them. */
function expectedDocIds(expected: unknown): string[] | undefined {
  if (!isPlainObject(expected) || !Array.isArray(expected.doc_ids)) return undefined;
  return expected.doc_ids.map(String);
}

/**
 * The expected documents are among the top k retrieved. Score = recall@k; `metadata` also holds each
 * document's rank, MRR and nDCG@k (binary relevance). Written here: these are four lines of arithmetic each,
 * and autoevals' ContextRecall is an LLM judge of text, not a rank metric over ids.
 */
export const retrievalRecall: ScorerDefinition<Options> = {
  id: 'retrieval-recall',
  version: '1',
  kind: 'code',
  failureModes: ['retrieval-miss'],
  description:
    'expected.doc_ids are in the top k retrieved (score = recall@k); rank of each, MRR and nDCG@k in metadata.',
  options,
  create: (opts) => (args) => {
    const wanted = expectedDocIds(args.expected);
    if (!wanted || wanted.length === 0) {
      return { name: 'retrieval-recall', score: null, metadata: { reason: 'no expected.doc_ids' } };
    }
    if (!Array.isArray(args.retrieved)) {
      return { name: 'retrieval-recall', score: null, metadata: { reason: 'the run reported no retrieval' } };
    }
    const ids = args.retrieved.map((d) => String(d?.id));
    const k = opts.k;
    const ranks: Record<string, number | null> = {};
    for (const id of wanted) {
      const i = ids.indexOf(id);
      ranks[id] = i < 0 ? null : i + 1;
    }
    const relevant = new Set(wanted);
    const inTopK = wanted.filter((id) => ranks[id] !== null && ranks[id]! <= k);
    const recall = inTopK.length / wanted.length;
    const firstHit = ids.findIndex((id) => relevant.has(id));
    const mrr = firstHit < 0 ? 0 : 1 / (firstHit + 1);
    let dcg = 0;
    ids.slice(0, k).forEach((id, i) => {
      if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
    });
    let idcg = 0;
    for (let i = 0; i < Math.min(k, wanted.length); i++) idcg += 1 / Math.log2(i + 2);
    const metadata: Record<string, unknown> = {
      k,
      ranks,
      recall_at_k: recall,
      mrr,
      ndcg_at_k: idcg ? dcg / idcg : 0,
      retrieved_top_k: ids.slice(0, k),
    };
    if (recall < 1) {
      const misses = wanted
        .filter((id) => !inTopK.includes(id))
        .map((id) =>
          ranks[id] === null ? `${id} not retrieved` : `${id} at rank ${ranks[id]}, outside top ${k}`,
        );
      metadata.reason = `${misses.join('; ')} (retrieved: ${ids.slice(0, k).join(', ') || 'nothing'})`;
    }
    return { name: 'retrieval-recall', score: recall, metadata };
  },
};
