import { retrievalRecall } from '../../scorers/retrieval-recall.js';
import { citationGrounding } from '../../scorers/citation-grounding.js';
import { citationFormat } from '../../scorers/citation-format.js';
import { makeScorer, RETRIEVED } from './helpers.js';

const docs = (...ids: string[]) => ids.map((id) => ({ id, text: `text of ${id}` }));

describe('retrieval-recall', () => {
  const cases: Array<{
    name: string;
    want?: string[];
    got?: string[];
    k?: number;
    score: number | null;
    meta?: Record<string, unknown>;
    reason?: RegExp;
  }> = [
    {
      name: 'top hit',
      want: ['kb-1'],
      got: ['kb-1', 'kb-2', 'kb-3'],
      k: 3,
      score: 1,
      meta: { mrr: 1, ndcg_at_k: 1, ranks: { 'kb-1': 1 } },
    },
    {
      name: 'right document at rank 5 with k=3',
      want: ['kb-7'],
      got: ['kb-1', 'kb-2', 'kb-3', 'kb-4', 'kb-7'],
      k: 3,
      score: 0,
      meta: { ranks: { 'kb-7': 5 }, mrr: 0.2, ndcg_at_k: 0, recall_at_k: 0 },
      reason: /kb-7 at rank 5, outside top 3 \(retrieved: kb-1, kb-2, kb-3\)/,
    },
    {
      name: 'right document at rank 5 with k=5',
      want: ['kb-7'],
      got: ['kb-1', 'kb-2', 'kb-3', 'kb-4', 'kb-7'],
      k: 5,
      score: 1,
    },
    { name: 'not retrieved', want: ['kb-1'], got: ['kb-2'], score: 0, reason: /kb-1 not retrieved/ },
    { name: 'nothing retrieved', want: ['kb-1'], got: [], score: 0, reason: /retrieved: nothing/ },
    {
      name: 'one of two in top k',
      want: ['kb-1', 'kb-2'],
      got: ['kb-2', 'kb-9', 'kb-1'],
      k: 2,
      score: 0.5,
      meta: { mrr: 1, ndcg_at_k: 1 / (1 + 1 / Math.log2(3)) },
    },
    { name: 'no expected.doc_ids: not applicable', got: ['kb-1'], score: null },
    { name: 'no retrieval reported: not applicable', want: ['kb-1'], score: null },
  ];

  it.each(cases)('$name', async ({ want, got, k, score, meta, reason }) => {
    const result = await makeScorer(
      retrievalRecall,
      k ? { k } : {},
    )({
      expected: want ? { doc_ids: want } : {},
      retrieved: got ? docs(...got) : undefined,
    });
    expect(result.score).toBe(score);
    for (const [key, value] of Object.entries(meta ?? {})) {
      if (typeof value === 'number') expect(result.metadata?.[key]).toBeCloseTo(value, 10);
      else expect(result.metadata?.[key]).toEqual(value);
    }
    if (reason) expect(result.metadata?.reason).toMatch(reason);
  });
});

describe('citation-grounding', () => {
  const cases: Array<{
    name: string;
    output: unknown;
    retrieved?: unknown[];
    options?: Record<string, unknown>;
    score: number | null;
    reason?: RegExp;
  }> = [
    {
      name: 'cites a retrieved document',
      output: '{"answer":"30 days.","citations":["kb-1"]}',
      retrieved: RETRIEVED,
      score: 1,
    },
    {
      name: 'citation to an unretrieved document',
      // Scored per sentence since version 2: the one sentence cites an id the run did not retrieve.
      output: '{"answer":"30 days.","citations":["kb-1","kb-9"]}',
      retrieved: RETRIEVED,
      score: 0,
      reason: /cites kb-9, not retrieved in this run \(retrieved: kb-1, kb-2\)/,
    },
    {
      name: 'inline marker to an unretrieved document',
      output: 'Refunds take 30 days [kb-7].',
      retrieved: RETRIEVED,
      score: 0,
      reason: /cites kb-7/,
    },
    {
      name: 'inline markers inside the answer field',
      output: { answer: 'See [kb-2] and [kb-1].', citations: [] },
      retrieved: RETRIEVED,
      score: 1,
    },
    {
      name: 'citation objects with ids',
      output: { answer: 'x', citations: [{ id: 'kb-2' }] },
      retrieved: RETRIEVED,
      score: 1,
    },
    {
      name: 'cites nothing: not applicable',
      output: '{"answer":"x","citations":[]}',
      retrieved: RETRIEVED,
      score: null,
    },
    {
      name: 'cites nothing with require_citation',
      output: '{"answer":"x","citations":[]}',
      retrieved: RETRIEVED,
      options: { require_citation: true },
      score: 0,
    },
    {
      name: 'no retrieved context: not applicable',
      output: '{"answer":"x","citations":["kb-1"]}',
      score: null,
    },
    {
      name: 'nothing retrieved but something cited',
      output: '{"answer":"x","citations":["kb-1"]}',
      retrieved: [],
      score: 0,
      reason: /retrieved: nothing/,
    },
    {
      name: 'custom field and pattern',
      output: '{"text":"per <<doc:12>>","sources":["doc:12"]}',
      retrieved: [{ id: 'doc:12' }],
      options: { citations_field: 'sources', answer_field: 'text', citation_pattern: '<<(doc:\\d+)>>' },
      score: 1,
    },
  ];
  // The cited chunk must support the sentence that cites it (version 2).
  cases.push(
    {
      name: 'the cited chunk supports the sentence',
      output: { answer: 'The Pro plan costs $12 per user per month [kb-2].' },
      retrieved: RETRIEVED,
      score: 1,
    },
    {
      name: 'an answer that cites the retrieved chunk but says something else is unsupported',
      output: { answer: 'The Pro plan costs $15 per user per month [kb-2].' },
      retrieved: RETRIEVED,
      score: 0,
      reason:
        /^unsupported: "The Pro plan costs \$15 per user per month\." — "\$15" not in the cited kb-2 nor any retrieved chunk$/,
    },
    {
      name: 'mis-cited: another retrieved chunk supports the sentence',
      output: { answer: 'Refunds are available within 30 days for annual plans [kb-2].' },
      retrieved: RETRIEVED,
      score: 0,
      reason: /^mis-cited: .* cites kb-2, which lacks .*; kb-1 supports it$/,
    },
    {
      name: 'per sentence: one supported, one mis-cited',
      output: {
        answer:
          'The Team plan costs $20 per user per month [kb-2]. Refunds are available within 30 days [kb-2].',
      },
      retrieved: RETRIEVED,
      score: 0.5,
      reason: /^mis-cited: "Refunds are available within 30 days\."/,
    },
    {
      name: 'a marker after the full stop belongs to the sentence before it',
      output: { answer: 'The Team plan costs $20 per user per month. [kb-2]' },
      retrieved: RETRIEVED,
      score: 1,
    },
    {
      name: 'ids in the citations field cite for every sentence without a marker',
      output: { answer: 'Annual plans can be refunded. It takes 30 days.', citations: ['kb-1'] },
      retrieved: RETRIEVED,
      score: 1,
    },
    {
      name: 'check_support: false only checks that the cited id was retrieved (version 1)',
      output: { answer: 'The Pro plan costs $15 per user per month [kb-2].' },
      retrieved: RETRIEVED,
      options: { check_support: false },
      score: 1,
    },
  );

  it('reports each sentence with its verdict', async () => {
    const result = await makeScorer(citationGrounding)({
      output: {
        answer: 'The Team plan costs $20 per user per month [kb-2]. Pro costs $99 [kb-2]. See [kb-9].',
      },
      retrieved: RETRIEVED as never,
    });
    expect(result.metadata?.sentences).toEqual([
      { text: 'The Team plan costs $20 per user per month.', cited: ['kb-2'], verdict: 'supported' },
      {
        text: 'Pro costs $99.',
        cited: ['kb-2'],
        verdict: 'unsupported',
        unsupported: [{ text: '$99', kind: 'money' }],
      },
      { text: 'See.', cited: ['kb-9'], verdict: 'not-retrieved', not_retrieved: ['kb-9'] },
    ]);
    expect(result.score).toBeCloseTo(1 / 3, 10);
  });

  it.each(cases)('$name', async ({ output, retrieved, options, score, reason }) => {
    const result = await makeScorer(citationGrounding, options)({ output, retrieved: retrieved as never });
    expect(result.score).toBe(score);
    if (reason) expect(result.metadata?.reason).toMatch(reason);
  });
});

describe('citation-format', () => {
  const cases: Array<{
    name: string;
    output: unknown;
    options?: Record<string, unknown>;
    score: number | null;
    reason?: RegExp;
  }> = [
    {
      name: 'well-formed markers and field',
      output: '{"answer":"30 days [kb-1].","citations":["kb-1"]}',
      score: 1,
    },
    { name: 'several ids in one marker', output: 'See [kb-1, kb-2].', score: 1 },
    {
      name: 'malformed marker with a space',
      output: 'See [kb 1] for details.',
      score: 0,
      reason: /malformed citation "\[kb 1\]"/,
    },
    {
      name: 'malformed prefix in marker',
      output: 'See [source: kb-1] and [kb-2].',
      score: 0.5,
      reason: /"\[source: kb-1\]"/,
    },
    {
      name: 'malformed id in citations field',
      output: '{"answer":"x","citations":["KB_1"]}',
      score: 0,
      reason: /"KB_1"/,
    },
    {
      name: 'markdown links and checkboxes are not citations',
      output: 'Read [the docs](https://x.y) and tick [x] then [kb-3].',
      score: 1,
    },
    {
      name: 'configured pattern e.g. [doc-12]',
      output: 'As stated [doc-12] and [kb-1].',
      options: { id_pattern: '^doc-\\d+$' },
      score: 0.5,
    },
    { name: 'no citations: not applicable', output: 'Plain answer.', score: null },
    {
      name: 'no citations with require_citation',
      output: 'Plain answer.',
      options: { require_citation: true },
      score: 0,
    },
  ];
  it.each(cases)('$name', async ({ output, options, score, reason }) => {
    const result = await makeScorer(citationFormat, options)({ output });
    expect(result.score).toBe(score);
    if (reason) expect(result.metadata?.reason).toMatch(reason);
  });
});
