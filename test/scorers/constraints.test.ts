import { constraints } from '../../scorers/constraints.js';
import { findPii } from '../../scorers/util/pii.js';
import { makeScorer } from './helpers.js';

const answer = (text: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ answer: text, citations: ['kb-1'], ...extra });

describe('constraints', () => {
  const cases: Array<{
    name: string;
    output: unknown;
    options?: Record<string, unknown>;
    caseConstraints?: Record<string, unknown>;
    score: number | null;
    reason?: RegExp;
  }> = [
    {
      name: 'leaked email address',
      output: answer('Write to jane.doe@customer.com for a refund.'),
      caseConstraints: { no_pii: true },
      score: 0,
      reason: /no_pii: email "jane.doe@customer.com"/,
    },
    {
      name: 'allowed support address',
      output: answer('Write to help@acme.example.'),
      caseConstraints: { no_pii: true, allow_pii: ['help@acme.example'] },
      score: 1,
    },
    {
      name: 'allowed kind',
      output: answer('Write to a@b.co.'),
      caseConstraints: { no_pii: true, allow_pii: ['email'] },
      score: 1,
    },
    {
      name: 'leaked phone number',
      output: answer('Call +1 415-555-0132 now.'),
      caseConstraints: { no_pii: true },
      score: 0,
      reason: /phone "\+1 415-555-0132"/,
    },
    {
      name: 'leaked card number',
      output: answer('Card 4111 1111 1111 1111 was charged.'),
      caseConstraints: { no_pii: true },
      score: 0,
      reason: /card "4111 1111 1111 1111"/,
    },
    {
      name: 'leaked API key',
      output: answer('Use sk-proj-abcdefghijklmnopqrstuvwx1234 to call it.'),
      caseConstraints: { no_pii: true },
      score: 0,
      reason: /api_key/,
    },
    {
      name: 'prices, dates, order ids and times are not personal data',
      output: answer(
        'Order ORD-10001 ships 2024-05-01 at 9:00; it costs $1,299.00 for 12 months (30 days notice).',
      ),
      caseConstraints: { no_pii: true },
      score: 1,
    },
    {
      name: 'max_words exceeded',
      output: answer('To reset your password open Settings and choose Reset password.'),
      caseConstraints: { max_words: 8 },
      score: 0,
      reason: /max_words 8: 10 words/,
    },
    {
      name: 'max_words met',
      output: answer('Open Settings, then Security.'),
      caseConstraints: { max_words: 8 },
      score: 1,
    },
    {
      name: 'max_chars',
      output: answer('0123456789'),
      options: { max_chars: 5 },
      score: 0,
      reason: /10 characters/,
    },
    {
      name: 'max_sentences (abbreviations do not split)',
      output: answer('See e.g. the FAQ. It costs 3.5 dollars. Done!'),
      caseConstraints: { max_sentences: 2 },
      score: 0,
      reason: /3 sentences/,
    },
    {
      name: 'must_mention / must_not_mention',
      output: answer('Refunds take 30 days. Contact support.'),
      caseConstraints: { must_mention: ['refunds', '30 days'], must_not_mention: ['lawyer'] },
      score: 1,
    },
    {
      name: 'must_mention whole words only',
      output: answer('We refunded it.'),
      caseConstraints: { must_mention: ['refund'] },
      score: 0,
      reason: /must_mention "refund": not mentioned/,
    },
    {
      name: 'must_not_mention',
      output: answer('Ask your lawyer.'),
      caseConstraints: { must_not_mention: ['Lawyer'] },
      score: 0,
    },
    {
      name: 'must_match with flags',
      output: answer('ORDER ord-10001'),
      caseConstraints: { must_match: ['/ord-\\d{5}/i'] },
      score: 1,
    },
    {
      name: 'must_not_match',
      output: answer('As an AI language model, I cannot.'),
      caseConstraints: { must_not_match: ['As an AI'] },
      score: 0,
      reason: /matched "As an AI"/,
    },
    {
      name: 'an invalid pattern in the case is a failed case naming the key, not a crash',
      output: answer('x'),
      caseConstraints: { must_not_match: ['(unclosed'] },
      score: 0,
      reason:
        /^invalid constraints: expected\.constraints\.must_not_match\.0: pattern "\(unclosed" does not compile as a JavaScript regular expression: .*write "\/pattern\/flags"/,
    },
    {
      name: "PCRE's leading (?i) is translated to the i flag",
      output: answer('As an AI language model, I cannot.'),
      caseConstraints: { must_not_match: ['(?i)as an ai'] },
      score: 0,
      reason: /must_not_match \(\?i\)as an ai: matched "As an AI"/,
    },
    {
      name: '(?is) combined with /…/ flags',
      output: answer('Refund\nPOLICY'),
      caseConstraints: { must_match: ['(?is)refund.policy'] },
      score: 1,
    },
    {
      name: 'an inline modifier mid-pattern is rejected with the JavaScript form',
      output: answer('x'),
      caseConstraints: { must_match: ['refund (?i:policy)'] },
      score: 0,
      reason: /inline modifier \(\?i:, .*"\/refund \(\?:policy\)\/i"/,
    },
    {
      name: 'an inline flag JavaScript lacks is rejected',
      output: answer('x'),
      caseConstraints: { must_match: ['(?x) refund # comment'] },
      score: 0,
      reason: /inline flag\(s\) \(\?x\), which JavaScript does not have/,
    },
    {
      name: 'required JSON fields',
      output: answer('x', { meta: { lang: 'en' } }),
      caseConstraints: { required_fields: ['citations', 'meta.lang', 'meta.tone'] },
      score: 2 / 3,
      reason: /required_field meta.tone: missing/,
    },
    {
      name: 'required fields on prose',
      output: 'not json',
      caseConstraints: { required_fields: ['answer'] },
      score: 0,
      reason: /output is not JSON/,
    },
    {
      name: 'required markdown sections',
      output: '## Summary\nText\n\n### Next steps\n- do it',
      caseConstraints: { required_sections: ['Summary', 'Next steps', 'Sources'] },
      score: 2 / 3,
      reason: /required_section "Sources"/,
    },
    {
      name: 'declared language met',
      output: answer('Your refund will arrive within five days, and you can track it in the app.'),
      caseConstraints: { language: 'en' },
      score: 1,
    },
    {
      name: 'declared language violated',
      output: answer('Puede solicitar el reembolso en los primeros 30 días desde la compra con su cuenta.'),
      caseConstraints: { language: 'en' },
      score: 0,
      reason: /language en: looks like es/,
    },
    {
      name: 'config and case constraints merge',
      output: answer('one two three four'),
      options: { max_words: 2 },
      caseConstraints: { max_words: 10, must_mention: ['four'] },
      score: 1,
    },
    { name: 'no constraints: not applicable', output: answer('x'), score: null },
    {
      name: 'invalid case constraints fail loudly',
      output: answer('x'),
      caseConstraints: { max_wrds: 3 },
      score: 0,
      reason: /invalid constraints/,
    },
    {
      name: 'answer_field "" checks the whole output',
      output: answer('short'),
      options: { answer_field: '', max_chars: 10 },
      score: 0,
    },
  ];

  it.each(cases)('$name', async ({ output, options, caseConstraints, score, reason }) => {
    const result = await makeScorer(
      constraints,
      options,
    )({ output, expected: caseConstraints ? { constraints: caseConstraints } : undefined });
    expect(result.score === null ? null : Number(result.score.toFixed(6))).toBe(
      score === null ? null : Number(score.toFixed(6)),
    );
    if (reason) expect(result.metadata?.reason).toMatch(reason);
  });
});

describe('constraints patterns are checked when the config is read', () => {
  it.each([
    [{ must_match: ['ok', '(unclosed'] }, ['must_match', 1], /pattern "\(unclosed" does not compile/],
    [
      { must_not_match: ['/a+/q'] },
      ['must_not_match', 0],
      /does not compile as a JavaScript regular expression/,
    ],
    [{ must_match: ['(?i:refund)'] }, ['must_match', 0], /"\/\(\?:refund\)\/i"/],
  ])('%j fails option parsing at %j', (options, pathWanted, message) => {
    const parsed = constraints.options.safeParse(options);
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0];
    expect(issue.path).toEqual(pathWanted);
    expect(issue.message).toMatch(message);
  });

  it('a valid (?i) pattern is accepted and translated', async () => {
    expect(constraints.options.safeParse({ must_match: ['(?i)^refund'] }).success).toBe(true);
    const result = await makeScorer(constraints, { must_match: ['(?i)^refund'] })({
      output: answer('REFUND ok'),
    });
    expect(result.score).toBe(1);
  });
});

describe('findPii', () => {
  it.each([
    ['mail me at a.b+c@x-y.example.org', ['email']],
    ['call (415) 555-0132', ['phone']],
    ['call 020 7946 0958', ['phone']],
    ['ghp_0123456789abcdefghijklmnopqrstuvwxyzAB is my token', ['api_key']],
    ['AKIAABCDEFGHIJKLMNOP', ['api_key']],
    ['card 5555-5555-5555-4444', ['card']],
    ['16 digits failing the Luhn check: neither card nor phone 1234 5678 9012 3456', []],
    ['version 1.2.3, 12.5%, $49.99, 2024-05-01, ORD-10001, 9:00-17:00', []],
  ])('%s', (text, kinds) => {
    expect(findPii(text).map((p) => p.kind)).toEqual(kinds);
  });
});
