import { evaluate } from '../../src/evaluate.js';
import { startOpenAIServer, type OpenAIServer } from '../servers/openai-server.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { findScorer } from '../../src/run/resolve-scorers.js';
import { passingCalibrationRecord } from '../judge/helpers.js';

/**
 * autoevals' LLM scorers named in the config (`autoevals:Factuality`) run against a local OpenAI-compatible
 * judge server with the pinned judge model; without a key they are skipped, never passed.
 */
describe('judge scorers (autoevals LLM scorers)', () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    // The judge picks choice "C" for the first case and "D" (disagrees) for the second.
    server = await startOpenAIServer({
      reply: (body) => {
        const prompt = JSON.stringify(body.messages);
        const choice = prompt.includes('Paris') ? 'C' : 'D';
        return {
          tool_calls: [
            { name: body.tools[0].function.name, arguments: { reasoning: 'compared the facts', choice } },
          ],
        };
      },
    });
  });
  afterAll(() => server.close());

  async function project(extra: Record<string, unknown> = {}) {
    // A judge blocks only with a calibration record for its exact version (test/judge covers the rest).
    const definition = await findScorer('autoevals:Factuality', '.');
    const version = definition.versionFor!({}, { cwd: '.', judge: { model: 'judge-model-2026-01' } });
    return makeTempProject({
      'calibrations/factuality.json': passingCalibrationRecord({
        name: 'autoevals:Factuality',
        id: 'autoevals:Factuality',
        version,
        minScore: 0.6,
      }),
      'tracegate.config.json': {
        ...extra,
        task: 'replay',
        judge: { model: 'judge-model-2026-01', prompt_version: 'factuality-v1', base_url: server.url },
        failure_modes: {
          hallucination: { threshold: 1, scorers: [{ id: 'autoevals:Factuality', min_score: 0.6 }] },
        },
      },
      'datasets/h.jsonl': jsonl([
        row('h1', 'hallucination', { input: 'Capital of France?', expected: 'Paris', output: 'Paris' }),
        row('h2', 'hallucination', { input: 'Capital of Spain?', expected: 'Madrid', output: 'Barcelona' }),
      ]),
    });
  }

  it('calls the judge with the pinned model and gates on its scores', async () => {
    const p = await project();
    const before = server.requests.length;
    const outcome = await evaluate({ cwd: p.dir, judge: { apiKey: 'sk-local' } });
    const calls = server.requests.slice(before);
    expect(calls).toHaveLength(2);
    expect(
      calls.every((r) => r.path === '/v1/chat/completions' && r.body.model === 'judge-model-2026-01'),
    ).toBe(true);
    const byId = Object.fromEntries(outcome.results.cases.map((c) => [c.id, c]));
    expect(outcome.results.failure_modes.hallucination).toMatchObject({
      cases: 2,
      passed: 1,
      failed: 1,
      verdict: 'fail',
    });
    expect(byId.h2.scores['autoevals:Factuality']).toBe(0);
    // autoevals' requests go through the run's judge client: counted, with their tokens.
    expect(outcome.results.usage.judge).toMatchObject({ calls: 2, cached: 0 });
    expect(outcome.results.usage.judge.tokens).toBeGreaterThan(0);
    expect(outcome.results.judges?.['autoevals:Factuality']).toMatchObject({
      mode: 'blocking',
      calibration: 'calibrations/factuality.json',
    });
    expect(outcome.results.fingerprint.judge).toEqual({
      model: 'judge-model-2026-01',
      prompt: 'factuality-v1',
    });
    p.cleanup();
  });

  it('skips judge scorers without a key: not checked fails the gate by default, and no request is made', async () => {
    const p = await project();
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    const before = server.requests.length;
    const outcome = await evaluate({ cwd: p.dir });
    if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    expect(server.requests.length).toBe(before);
    expect(outcome.results.failure_modes.hallucination).toMatchObject({
      cases: 2,
      skipped: 2,
      passed: 0,
      verdict: 'fail',
      reasons: ['not checked: no case could be scored — judge skipped: no judge API key (2)'],
      skip_reasons: { 'judge skipped: no judge API key': 2 },
    });
    expect(outcome.exitCode).toBe(1);
    p.cleanup();
  });

  it('with on_skipped: "warn" the mode is skipped, not passed, and the run passes saying so', async () => {
    const p = await project({ on_skipped: 'warn' });
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    const outcome = await evaluate({ cwd: p.dir });
    if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    expect(outcome.results.failure_modes.hallucination).toMatchObject({
      cases: 2,
      skipped: 2,
      passed: 0,
      verdict: 'skipped',
    });
    expect(outcome.results.gate).toMatchObject({ on_skipped: 'warn', reasons: [] });
    expect(outcome.exitCode).toBe(0);
    p.cleanup();
  });
});
