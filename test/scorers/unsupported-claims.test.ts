import { unsupportedClaims, extractClaims, loadClaimExtractor } from '../../scorers/unsupported-claims.js';
import { makeScorer, RETRIEVED } from './helpers.js';

beforeAll(() => loadClaimExtractor());

const out = (answer: string) => JSON.stringify({ answer, citations: ['kb-2'] });

describe('unsupported-claims', () => {
  const cases: Array<{
    name: string;
    answer: string;
    input?: unknown;
    retrieved?: unknown[];
    noRetrieval?: boolean;
    options?: Record<string, unknown>;
    score: number | null;
    unsupported?: string[];
  }> = [
    { name: 'supported price and period', answer: 'The Pro plan costs $12 per user per month.', score: 1 },
    {
      name: 'invented price',
      answer: 'The Pro plan costs $15 per user per month.',
      score: 0,
      unsupported: ['$15'],
    },
    {
      name: 'invented price whose number appears, but not as an amount',
      answer: 'It costs $30.',
      score: 0,
      unsupported: ['$30'],
    },
    {
      name: 'number spelled with a currency word',
      answer: 'The Team plan is 20 dollars per user.',
      score: 1,
    },
    {
      name: 'invented percentage',
      answer: 'Annual plans save 20% and refunds take 30 days.',
      unsupported: ['20%'],
      score: 0.5,
    },
    {
      name: 'invented date',
      answer: 'Refunds are available until March 3, 2025.',
      unsupported: ['March 3, 2025'],
      score: 0,
    },
    {
      name: 'invented email and URL',
      answer: 'Email refunds@acme.example or visit https://acme.example/refunds within 30 days.',
      unsupported: ['refunds@acme.example', 'https://acme.example/refunds'],
      score: 1 / 3,
    },
    {
      name: 'invented person',
      answer: 'Your account manager, Jane Doe, handles refunds within 30 days.',
      unsupported: ['Jane Doe'],
      score: 0.5,
    },
    {
      name: 'entity from the input',
      answer: 'Hi Maria, refunds take 30 days.',
      input: { question: 'I am Maria. Refund?' },
      score: 1,
    },
    {
      name: 'allow-list',
      answer: 'Questions? Write to help@acme.example.',
      options: { allow: ['help@acme.example'] },
      score: 1,
    },
    {
      name: 'only some kinds checked',
      answer: 'Jane Doe says it costs $99.',
      options: { check: ['money'] },
      unsupported: ['$99'],
      score: 0,
    },
    { name: 'no claims at all', answer: 'You can ask for a refund in the app.', score: 1 },
    { name: 'no retrieved context: not applicable', answer: 'It costs $15.', noRetrieval: true, score: null },
    {
      name: 'input only',
      answer: 'Order 10001 ships soon.',
      noRetrieval: true,
      input: 'order 10001',
      options: { sources: ['input'] },
      score: 1,
    },
  ];

  it.each(cases)('$name', async ({ answer, input, retrieved, noRetrieval, options, score, unsupported }) => {
    const result = await makeScorer(
      unsupportedClaims,
      options,
    )({
      output: out(answer),
      input,
      retrieved: (noRetrieval ? undefined : (retrieved ?? RETRIEVED)) as never,
    });
    expect(result.score === null ? null : Number(result.score.toFixed(6))).toBe(
      score === null ? null : Number(score.toFixed(6)),
    );
    if (unsupported) {
      expect((result.metadata?.unsupported as Array<{ text: string }>).map((c) => c.text)).toEqual(
        unsupported,
      );
      expect(result.metadata?.reason).toMatch(/^unsupported: /);
    }
  });

  it('extracts typed claims', () => {
    const claims = extractClaims(
      'Acme charges $49.99 since 2024-05-01; 12% of users email ops@acme.io. Ask Jane Doe in Berlin.',
    );
    expect(claims).toEqual(
      expect.arrayContaining([
        { text: '$49.99', kind: 'money' },
        { text: '12%', kind: 'percent' },
        { text: 'ops@acme.io', kind: 'email' },
        { text: 'Jane Doe', kind: 'entity' },
        { text: 'Berlin', kind: 'entity' },
      ]),
    );
  });
});
