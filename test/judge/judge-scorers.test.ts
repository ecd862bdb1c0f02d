import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../src/evaluate.js';
import { startOpenAIServer, type OpenAIServer } from '../servers/openai-server.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { judgeBy } from './helpers.js';

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
