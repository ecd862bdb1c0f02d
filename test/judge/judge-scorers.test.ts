import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../src/evaluate.js';
import { startOpenAIServer, type OpenAIServer } from '../servers/openai-server.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { judgeBy } from './helpers.js';
import { judgeConfigSchema } from '../../src/judge/judge-config.js';
import { listJudgeScorers } from '../../src/judge/index.js';
import { renderTemplate } from '../../src/judge/prompt-template.js';
import { faithfulness } from '../../scorers/faithfulness.js';
import { factuality } from '../../scorers/factuality.js';
import { rubric } from '../../scorers/rubric.js';

const KB = [{ id: 'kb-1', text: 'Refunds are available within 30 days of purchase for annual plans.' }];

/** A hallucination case: the recorded answer and the context it was given. */
function halCase(id: string, answer: string) {
  return row(id, 'hallucination', {
    input: { question: 'Can I get a refund?' },
    output: answer,
    context: { retrieved: KB },
  });
}

describe('faithfulness judge end to end', () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    // Faithful when the answer says nothing about prices; claim by claim.
    server = await startOpenAIServer({
      reply: judgeBy((prompt) => {
        const answer = /\[Answer\]: (.*)/.exec(prompt)?.[1] ?? '';
        const bad = answer.includes('$9');
        return {
          reasoning: bad ? 'The price is not in the context.' : 'Everything is in the context.',
          claims: [
            { claim: 'Refunds within 30 days', verdict: 'supported' },
            ...(bad ? [{ claim: 'Plans start at $9 per month', verdict: 'unsupported' }] : []),
          ],
          choice: bad ? 'B' : 'A',
        };
      }),
      usage: () => ({ input: 1000, output: 100 }),
    });
  });
  afterAll(() => server.close());

  function project(extra: Record<string, unknown> = {}) {
    return makeTempProject({
      'tracegate.config.json': {
        task: 'replay',
        judge: { model: 'gpt-4.1-mini-2025-04-14', base_url: server.url, ...extra },
        failure_modes: {
          hallucination: {
            threshold: 1,
            scorers: ['citation-format', { id: 'faithfulness', mode: 'shadow' }],
          },
        },
      },
      'datasets/h.jsonl': jsonl([
        halCase('h1', 'Refunds are available within 30 days.'),
        halCase('h2', 'Refunds within 30 days. Plans start at $9 per month.'),
      ]),
    });
  }

  it('scores claim by claim, puts the judge reasoning in the reasons, counts tokens and cost', async () => {
    const p = project();
    const before = server.requests.length;
    const outcome = await evaluate({ cwd: p.dir, judge: { apiKey: 'sk-test-key-123456' } });
    expect(server.requests.length - before).toBe(2);
    const sent = server.requests.slice(before);
    expect(
      sent.every((r) => r.path === '/v1/chat/completions' && r.body.model === 'gpt-4.1-mini-2025-04-14'),
    ).toBe(true);
    expect(sent[0].body.tool_choice).toEqual({ type: 'function', function: { name: 'select_choice' } });
    expect(sent[0].body.temperature).toBe(0);
    const results = JSON.parse(readFileSync(path.join(p.dir, '.tracegate/results.json'), 'utf8'));
    const h2 = results.cases.find((c: { id: string }) => c.id === 'h2');
    expect(h2.scores.faithfulness).toBe(0);
    expect(results.cases.find((c: { id: string }) => c.id === 'h1').scores.faithfulness).toBe(1);
    // 2 calls × (1000 in × $0.40 + 100 out × $1.60) per million tokens
    expect(results.usage.judge).toMatchObject({ calls: 2, cached: 0, tokens: 2200, not_scored: 0 });
    expect(results.usage.judge.cost_usd).toBeCloseTo((2 * (1000 * 0.4 + 100 * 1.6)) / 1e6, 12);
    expect(results.usage.judge.scorers.faithfulness).toMatchObject({ calls: 2, tokens: 2200 });
    expect(results.judges.faithfulness).toMatchObject({
      id: 'faithfulness',
      model: 'gpt-4.1-mini-2025-04-14',
      mode: 'shadow',
      declared_mode: 'shadow',
    });
    expect(results.fingerprint.scorers.faithfulness).toBe(results.judges.faithfulness.version);
    expect(outcome.results.usage.judge.calls).toBe(2);
    p.cleanup();
  });
});

describe('judge scorer definitions', () => {
  const judge = (extra: Record<string, unknown> = {}) => ({
    model: 'gpt-4.1-mini-2025-04-14',
    config: judgeConfigSchema.parse({ model: 'gpt-4.1-mini-2025-04-14', ...extra }),
  });
  const rubricOptions = { rubric: 'A: polite. B: rude.', choice_scores: { A: 1, B: 0 } };

  it.each([
    ['another model', { model: 'gpt-4.1-2025-04-14' }, {}],
    ['another temperature', {}, { temperature: 0.7 }],
    ['a max_tokens cap', {}, { max_tokens: 300 }],
  ])('versions change with %s', (_what, scorerOptions, config) => {
    const base = faithfulness.versionFor({}, { cwd: '.', judge: judge() });
    expect(faithfulness.versionFor({}, { cwd: '.', judge: judge() })).toBe(base);
    expect(faithfulness.versionFor(scorerOptions, { cwd: '.', judge: judge(config) })).not.toBe(base);
  });

  it('versions the rubric by its text and choice scores', () => {
    const v = (o: typeof rubricOptions) => rubric.versionFor(o, { cwd: '.', judge: judge() });
    expect(v(rubricOptions)).not.toBe(v({ ...rubricOptions, rubric: 'A: kind. B: unkind.' }));
    expect(v(rubricOptions)).not.toBe(v({ ...rubricOptions, choice_scores: { A: 1, B: 0.5 } }));
  });

  it('needs a pinned model', () => {
    expect(() => faithfulness.versionFor({}, { cwd: '.', judge: {} })).toThrow(
      /needs a pinned model: set judge\.model/,
    );
  });

  it.each([
    [
      'faithfulness without retrieved text',
      faithfulness,
      {},
      { output: 'x', retrieved: [] },
      /no retrieved context/,
    ],
    [
      'faithfulness on an empty answer',
      faithfulness,
      {},
      { output: '  ', retrieved: KB },
      /the answer is empty/,
    ],
    ['factuality without expected', factuality, {}, { output: 'x' }, /no expected answer/],
  ])('is not applicable: %s', async (_what, definition, options, args, reason) => {
    const fn = (definition as typeof faithfulness).create(options, {
      cwd: '.',
      judge: { ...judge(), apiKey: 'sk-x-000000' },
    });
    const score = await fn({ input: 'q', ...args });
    expect(score.score).toBeNull();
    expect(String(score.metadata?.reason)).toMatch(reason);
  });

  it('rejects a rubric with fewer than two choices', () => {
    expect(rubric.options.safeParse({ rubric: 'x', choice_scores: { A: 1 } }).success).toBe(false);
    expect(rubric.options.safeParse(rubricOptions).success).toBe(true);
  });

  it('lists the judge scorers with template, model and version for other tools to register', () => {
    const listed = listJudgeScorers(judge(), { rubric: rubricOptions });
    expect(listed.map((j) => j.id).sort()).toEqual(['factuality', 'faithfulness', 'rubric']);
    const f = listed.find((j) => j.id === 'faithfulness')!;
    expect(f).toMatchObject({ model: 'gpt-4.1-mini-2025-04-14', api: 'chat', choice_scores: { A: 1, B: 0 } });
    expect(f.version).toBe(faithfulness.versionFor({}, { cwd: '.', judge: judge() }));
    expect(f.template).toContain('[Retrieved context]:\n{{context}}');
    expect(f.tool.parameters).toMatchObject({ required: ['reasoning', 'claims', 'choice'] });
    expect(listed.find((j) => j.id === 'rubric')!.template).toContain('A: polite. B: rude.');
    // Without rubric options the rubric scorer cannot be described.
    expect(
      listJudgeScorers(judge())
        .map((j) => j.id)
        .sort(),
    ).toEqual(['factuality', 'faithfulness']);
  });

  it('fills template variables in one pass: text from a case cannot inject variables', () => {
    expect(renderTemplate('[{{output}}] [{{context}}]', { output: '{{context}}', context: 'ctx' })).toBe(
      '[{{context}}] [ctx]',
    );
    expect(renderTemplate('{{missing}}|{{n}}', { n: { a: 1 } })).toBe('|{\n  "a": 1\n}');
  });
});
