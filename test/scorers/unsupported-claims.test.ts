import fc from 'fast-check';
import { unsupportedClaims, extractClaims, loadClaimExtractor } from '../../scorers/unsupported-claims.js';
import { makeScorer, RETRIEVED } from './helpers.js';

beforeAll(() => loadClaimExtractor());

const out = (answer: string) => JSON.stringify({ answer, citations: ['kb-2'] });
const doc = (text: string) => ({ id: 'doc-1', text });

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
      // Four claims now: the amount and three terms (plan, user, month) that the context supports.
      name: 'invented price',
      answer: 'The Pro plan costs $15 per user per month.',
      score: 0.75,
      unsupported: ['$15'],
    },
    {
      name: 'invented price whose number appears, but not as an amount',
      answer: 'It costs $30.',
      score: 0.5,
      unsupported: ['$30'],
    },
    {
      name: 'number spelled with a currency word',
      answer: 'The Team plan is 20 dollars per user.',
      score: 1,
    },
    {
      name: 'invented percentage (and a verb the context never uses)',
      answer: 'Annual plans save 20% and refunds take 30 days.',
      unsupported: ['20%', 'save'],
      score: 4 / 6,
    },
    {
      name: 'invented date',
      answer: 'Refunds are available until March 3, 2025.',
      unsupported: ['March 3, 2025'],
      score: 0.5,
    },
    {
      name: 'invented email and URL',
      answer: 'Email refunds@acme.example or visit https://acme.example/refunds within 30 days.',
      unsupported: ['refunds@acme.example', 'https://acme.example/refunds'],
      score: 1 / 3,
    },
    {
      name: 'invented person (and terms the context lacks)',
      answer: 'Your account manager, Jane Doe, handles refunds within 30 days.',
      unsupported: ['account', 'manager', 'Jane Doe', 'handles'],
      score: 2 / 6,
    },
    {
      name: 'entity from the input, when the input is a source',
      answer: 'Hi Maria, refunds take 30 days.',
      input: { question: 'I am Maria. Refund?' },
      options: { sources: ['retrieved', 'input'] },
      score: 1,
    },
    {
      name: 'the input is not a source by default (a wrong answer reusing a name from the question)',
      answer: 'Hi Maria, refunds take 30 days.',
      input: { question: 'I am Maria. Refund?' },
      unsupported: ['Maria'],
      score: 2 / 3,
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
    { name: 'nothing the context lacks', answer: 'Yes, you can get a refund within 30 days.', score: 1 },
    { name: 'no claims at all', answer: 'Yes, of course.', score: 1 },
    { name: 'no retrieved context: not applicable', answer: 'It costs $15.', noRetrieval: true, score: null },
    {
      name: 'input only',
      answer: 'Order 10001 is on its way.',
      noRetrieval: true,
      input: 'order 10001',
      options: { sources: ['input'] },
      score: 1,
    },
  ];

  // The mechanisms issue 12 fixed, each with the text that used to slip through or be flagged wrongly.
  const JUNEAU = 'Juneau is the capital of Alaska.';
  const AERTS = 'The record is held by Peter Aerts.';
  const FORD = 'Henry Ford met Arthur Miller in 1930.';
  cases.push(
    {
      name: 'first word of an answer: a one-word answer',
      answer: 'Nevada',
      retrieved: [doc(JUNEAU)],
      score: 0,
      unsupported: ['Nevada'],
    },
    {
      name: 'first word of a sentence',
      answer: 'Anchorage is the capital.',
      retrieved: [doc(JUNEAU)],
      score: 0.5,
      unsupported: ['Anchorage'],
    },
    {
      name: 'the right first word passes',
      answer: 'Juneau is the capital of Alaska.',
      retrieved: [doc(JUNEAU)],
      score: 1,
    },
    {
      name: 'a name elsewhere in the answer',
      answer: 'The capital of Alaska is Nevada.',
      retrieved: [doc(JUNEAU)],
      score: 2 / 3,
      unsupported: ['Nevada'],
    },
    {
      name: 'multi-word names as units: another first name',
      answer: 'The record is held by Ernesto Aerts.',
      retrieved: [doc(AERTS)],
      score: 0.5,
      unsupported: ['Ernesto Aerts'],
    },
    {
      name: 'multi-word names as units: names recombined',
      answer: 'Ford met Henry Miller.',
      retrieved: [doc(FORD)],
      score: 2 / 3,
      unsupported: ['Henry Miller'],
    },
    {
      name: 'multi-word names as units: the same names',
      answer: 'Henry Ford met Arthur Miller.',
      retrieved: [doc(FORD)],
      score: 1,
    },
    {
      name: '"Bank of America" is one name',
      answer: 'He joined the Bank of America.',
      retrieved: [doc('He joined the Bank of Spain, based in America.')],
      score: 0.5,
      unsupported: ['Bank of America'],
    },
    {
      name: 'spelled-out numbers: a different count',
      answer: 'The course lasts ten weeks.',
      retrieved: [doc('The course lasts six weeks.')],
      score: 0.5,
      unsupported: ['ten weeks'],
    },
    {
      name: 'spelled-out numbers: words against digits',
      answer: 'The course lasts six weeks.',
      retrieved: [doc('The course lasts 6 weeks.')],
      score: 1,
    },
    {
      name: 'phone: an invented number',
      answer: 'Call us on +1 415 555 0199.',
      retrieved: [doc('Call us on +1 415 555 0100.')],
      score: 0,
      unsupported: ['+1 415 555 0199'],
    },
    {
      name: 'phone: the same number written differently',
      answer: 'Call us on +1 (415) 555-0100.',
      retrieved: [doc('Call us on +1 415 555 0100.')],
      score: 1,
    },
    {
      name: "phone: checked with the README's own check list",
      answer: 'Call +1 415 555 0199 for a refund.',
      options: { check: ['money', 'percent', 'date', 'email', 'url', 'phone'] },
      score: 0,
      unsupported: ['+1 415 555 0199'],
    },
    {
      name: 'list numbering is not a claim',
      answer: '1. Apples\n2. Pears',
      retrieved: [doc('We sell apples and pears.')],
      score: 1,
    },
    {
      name: 'a capitalised word after a bullet',
      answer: '- Apples are in season.\n- Pears too.',
      retrieved: [doc('In autumn, apples and pears are in season.')],
      score: 1,
    },
    {
      name: 'a capitalised word after "("',
      answer: 'Both fruits (Apples and pears) are in season.',
      retrieved: [doc('In autumn, apples and pears are fruits in season.')],
      score: 1,
    },
    {
      name: 'hedges: "almost 300" vs "nearly 300"',
      answer: 'The club has almost 300 members.',
      retrieved: [doc('The club has nearly 300 members.')],
      score: 1,
    },
    {
      name: 'hedges do not hide a wrong number',
      answer: 'The club has almost 400 members.',
      retrieved: [doc('The club has nearly 300 members.')],
      score: 0.5,
      unsupported: ['400'],
    },
    {
      name: '"75 years" vs "age of 75"',
      answer: 'He retired at 75 years.',
      retrieved: [doc('He retired at the age of 75.')],
      score: 1,
    },
    {
      name: 'ranges: "2007-2011" vs "2007 -- 11"',
      answer: 'She served from 2007-2011.',
      retrieved: [doc('She served 2007 -- 11 as mayor.')],
      score: 1,
    },
    {
      name: 'ranges: "2007–11" vs "2007 to 2011"',
      answer: 'She served 2007–11.',
      retrieved: [doc('She served from 2007 to 2011 as mayor.')],
      score: 1,
    },
    {
      name: 'abbreviations: "TV" vs "television"',
      answer: 'The TV series first aired in 2006.',
      retrieved: [doc('The television series first aired in 2006.')],
      score: 1,
    },
    {
      name: 'abbreviations: initials',
      answer: 'He was the MVP of Super Bowl XLVIII.',
      retrieved: [doc('He was named Most Valuable Player of Super Bowl XLVIII.')],
      score: 1,
    },
    {
      name: 'a question asserts nothing',
      answer: 'Questions? Write to help@acme.example.',
      options: { allow: ['help@acme.example'] },
      score: 1,
    },
    {
      name: 'a line label is not a name',
      answer: 'Summary: Refunds are available within 30 days for annual plans.',
      score: 1,
    },
    {
      name: 'an invented negation',
      answer: 'The Oberoi family is not involved in hotels.',
      retrieved: [doc('The Oberoi family is famous for its involvement in hotels.')],
      score: 2 / 3,
      unsupported: ['not'],
    },
    {
      name: 'a word the context never uses, in a short answer',
      answer: 'hydrogen peroxide',
      retrieved: [doc('Cadmium chloride is slightly soluble in alcohol.')],
      score: 0,
      unsupported: ['hydrogen', 'peroxide'],
    },
    {
      name: 'one new word in a longer paraphrase is tolerated (term_share)',
      answer:
        'Refunds are granted for annual plans within 30 days of the purchase, and the Pro plan costs $12 per user per month.',
      score: 1,
    },
    {
      name: 'term_share: 0 counts every new word',
      answer:
        'Refunds are granted for annual plans within 30 days of the purchase, and the Pro plan costs $12 per user per month.',
      options: { term_share: 0 },
      score: 9 / 10,
      unsupported: ['granted'],
    },
  );

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

describe('extractClaims on arbitrary text (property)', () => {
  const word = fc.constantFrom(
    'Acme',
    'Berlin',
    'Jane',
    'Doe',
    'the',
    'of',
    'and',
    'costs',
    'plan',
    '$12',
    '12%',
    '2007-11',
    'ten',
    '+1 415 555 0199',
    'ops@acme.io',
    'https://acme.example/x',
    '1.',
    '-',
    '(',
    ')',
    'Not',
    'not',
    'larger',
    '?',
    '.',
    '\n',
    'Müller',
    'São',
    'Paulo',
    'TV',
    'U.S.',
  );
  const text = fc.array(word, { maxLength: 40 }).map((w) => w.join(' '));
  const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

  it('never throws, and every claim is text of the answer (ranges read in full)', () => {
    fc.assert(
      fc.property(text, (t) => {
        const claims = extractClaims(t);
        const haystack = squash(
          t.replace(/\b(1\d|20)(\d{2})(\s*(?:-{1,2}|–|—|to)\s*)(\d{2})\b/g, '$1$2$3$1$4'),
        );
        for (const c of claims) expect(haystack).toContain(squash(c.text));
      }),
      { numRuns: 300 },
    );
  });
});
