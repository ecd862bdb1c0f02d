import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../src/evaluate.js';
import { UsageError } from '../../src/errors.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { startOpenAIServer, type OpenAIServer } from '../servers/openai-server.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { cli } from '../helpers/cli.js';
import { judgeBy, passingCalibrationRecord } from './helpers.js';
import { faithfulness } from '../../scorers/faithfulness.js';
import { judgeConfigSchema } from '../../src/judge/judge-config.js';

const KEY = 'sk-proj-LEAKCHECK-0123456789abcdefghij';
const KB = [{ id: 'kb-1', text: 'Refunds are available within 30 days of purchase for annual plans.' }];

function halCase(i: number, answer = `Refunds within 30 days (case ${i}).`) {
  return row(`h${i}`, 'hallucination', {
    input: { question: `Refund question ${i}?` },
    output: answer,
    context: { retrieved: KB },
  });
}

/** Every cached answer file under a project's cache. */
function cacheFiles(dir: string): string[] {
  const root = path.join(dir, '.tracegate/cache/judge');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) => readdirSync(path.join(root, d)).map((f) => path.join(root, d, f)));
}

describe('judge runs: cache, cost, budget, estimate, no key', () => {
  let server: OpenAIServer;
  beforeAll(async () => {
    server = await startOpenAIServer({
      reply: judgeBy((prompt) => ({
        reasoning: 'checked',
        claims: [
          { claim: 'refunds in 30 days', verdict: prompt.includes('$9') ? 'unsupported' : 'supported' },
        ],
        choice: prompt.includes('$9') ? 'B' : 'A',
      })),
      usage: () => ({ input: 1000, output: 100 }),
    });
  });
  afterAll(() => server.close());

  function project(cases = 5, judge: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    return makeTempProject({
      'tracegate.config.json': {
        task: 'replay',
        concurrency: 1,
        judge: { model: 'gpt-4.1-mini-2025-04-14', base_url: server.url, max_concurrency: 1, ...judge },
        failure_modes: {
          hallucination: {
            threshold: 1,
            scorers: ['citation-format', { id: 'faithfulness', mode: 'shadow' }],
          },
        },
        ...extra,
      },
      'datasets/h.jsonl': jsonl(Array.from({ length: cases }, (_, i) => halCase(i + 1))),
    });
  }

  const count = async (run: () => Promise<unknown>) => {
    const before = server.requests.length;
    const value = await run();
    return { value, requests: server.requests.length - before };
  };

  it('an unchanged re-run makes zero judge requests; --no-cache asks again', async () => {
    const p = project(5);
    const first = await count(() => evaluate({ cwd: p.dir, judge: { apiKey: KEY } }));
    expect(first.requests).toBe(5);
    expect(cacheFiles(p.dir)).toHaveLength(5);
    const second = await count(() => evaluate({ cwd: p.dir, judge: { apiKey: KEY } }));
    expect(second.requests).toBe(0);
    const results = JSON.parse(readFileSync(path.join(p.dir, '.tracegate/results.json'), 'utf8'));
    expect(results.usage.judge).toMatchObject({ calls: 0, cached: 5, tokens: 0, cost_usd: 0 });
    expect(results.cases.every((c: { scores: Record<string, number> }) => c.scores.faithfulness === 1)).toBe(
      true,
    );
    const bypass = await count(() => evaluate({ cwd: p.dir, judge: { apiKey: KEY }, cache: false }));
    expect(bypass.requests).toBe(5);
    p.cleanup();
  });

  it('trials ask for fresh samples (the trial index is in the key), and are cached too', async () => {
    const p = project(2);
    expect((await count(() => evaluate({ cwd: p.dir, judge: { apiKey: KEY }, trials: 3 }))).requests).toBe(6);
    expect((await count(() => evaluate({ cwd: p.dir, judge: { apiKey: KEY }, trials: 3 }))).requests).toBe(0);
    // One more trial asks only for the new sample.
    expect((await count(() => evaluate({ cwd: p.dir, judge: { apiKey: KEY }, trials: 4 }))).requests).toBe(2);
    p.cleanup();
  });

  it('is safe with concurrent writers, and a torn entry is a miss that is rewritten', async () => {
    const p = project(6, { max_concurrency: 4 }, { concurrency: 4 });
    await Promise.all([
      evaluate({ cwd: p.dir, out: '.tracegate/a', judge: { apiKey: KEY } }),
      evaluate({ cwd: p.dir, out: '.tracegate/b', judge: { apiKey: KEY } }),
    ]);
    const files = cacheFiles(p.dir);
    expect(files).toHaveLength(6);
    for (const f of files) expect(() => JSON.parse(readFileSync(f, 'utf8'))).not.toThrow();
    expect(readdirSync(path.dirname(files[0])).some((f) => f.endsWith('.tmp'))).toBe(false);
    writeFileSync(files[0], '{"arguments": {"choi');
    expect((await count(() => evaluate({ cwd: p.dir, judge: { apiKey: KEY } }))).requests).toBe(1);
    expect((await count(() => evaluate({ cwd: p.dir, judge: { apiKey: KEY } }))).requests).toBe(0);
    p.cleanup();
  });

  it('stops scheduling judge calls at the budget and reports what was not scored, never as passed', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'replay',
        concurrency: 1,
        judge: { model: 'gpt-4.1-mini-2025-04-14', base_url: server.url, max_concurrency: 1 },
        failure_modes: { hallucination: { threshold: 1, scorers: ['faithfulness'] } },
      },
      // Calibrated, so the judge blocks: a verdict it could not give then keeps the case from passing.
      'calibrations/faithfulness.json': passingCalibrationRecord({
        name: 'faithfulness',
        id: 'faithfulness',
        version: faithfulness.versionFor(
          {},
          {
            cwd: '.',
            judge: {
              model: 'gpt-4.1-mini-2025-04-14',
              config: judgeConfigSchema.parse({ model: 'gpt-4.1-mini-2025-04-14' }),
            },
          },
        ),
        minScore: 1,
      }),
      'datasets/h.jsonl': jsonl(Array.from({ length: 5 }, (_, i) => halCase(i + 1))),
    });
    const perCall = (1000 * 0.4 + 100 * 1.6) / 1e6;
    const { value, requests } = await count(() =>
      evaluate({ cwd: p.dir, judge: { apiKey: KEY }, budgetUsd: perCall * 2.5 }),
    );
    const outcome = value as Awaited<ReturnType<typeof evaluate>>;
    // Two calls cost less than the budget, the third reaches it; nothing after that is scheduled.
    expect(requests).toBe(3);
    const results = JSON.parse(readFileSync(outcome.paths.results, 'utf8'));
    expect(results.usage.judge).toMatchObject({ calls: 3, not_scored: 2, budget_reached: true });
    expect(results.usage.judge.cost_usd).toBeCloseTo(3 * perCall, 12);
    const unscored = results.cases.filter((c: { status: string }) => c.status === 'skipped');
    expect(unscored).toHaveLength(2);
    for (const c of unscored) {
      expect(c.passed).toBe(false);
      expect(c.reasons[0]).toMatch(/^not scored: judge budget \$0\.0014 reached/);
    }
    expect(renderTerminalSummary(outcome.results)).toMatch(/2 not scored \(budget reached\)/);
    p.cleanup();
  });

  it('refuses a budget it cannot keep: a judge model without a price is a usage error naming the key', async () => {
    const p = project(1, { model: 'house-judge-7' });
    const error = await evaluate({ cwd: p.dir, judge: { apiKey: KEY }, budgetUsd: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/unknown: house-judge-7/);
    expect((error as Error).message).toMatch(/judge\.pricing\["house-judge-7"\]/);
    p.cleanup();
  });

  it('shows an unknown price as unknown, never $0', async () => {
    const p = project(2, { model: 'house-judge-7' });
    const outcome = await evaluate({ cwd: p.dir, judge: { apiKey: KEY } });
    expect(outcome.results.usage.judge.cost_usd).toBeNull();
    expect(outcome.results.usage.judge.calls).toBe(2);
    expect(renderTerminalSummary(outcome.results)).toMatch(
      /Judges: 2 calls · 0 cache hits · 2,200 tokens · unknown/,
    );
    expect(readFileSync(outcome.paths.report, 'utf8')).toMatch(
      /Judges: 2 calls · 0 cache hits · 2,200 tokens · unknown/,
    );
    // A configured price applies to the model and its dated snapshots.
    const priced = project(1, {
      model: 'house-judge-7',
      pricing: { 'house-judge': { input_per_mtok: 1, output_per_mtok: 2 } },
    });
    const withPrice = await evaluate({ cwd: priced.dir, judge: { apiKey: KEY } });
    expect(withPrice.results.usage.judge.cost_usd).toBeCloseTo((1000 * 1 + 100 * 2) / 1e6, 12);
    p.cleanup();
    priced.cleanup();
  });

  it('--estimate prints the calls and cost a run would make given the cache, and calls nothing', async () => {
    const p = project(4);
    await evaluate({ cwd: p.dir, judge: { apiKey: KEY }, filters: ['id=h1'] });
    const { value, requests } = await count(() => evaluate({ cwd: p.dir, estimate: true }));
    expect(requests).toBe(0);
    const outcome = value as Awaited<ReturnType<typeof evaluate>>;
    expect(outcome.estimate).toMatchObject({
      calls: 3,
      cached: 1,
      output_tokens: 600,
      models: ['gpt-4.1-mini-2025-04-14'],
    });
    expect(outcome.estimate!.cost_usd).toBeGreaterThan(0);
    const run = await cli(['eval', '--estimate'], p.dir, { OPENAI_API_KEY: undefined });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Judge estimate: 3 calls to make, 1 answer already cached/);
    expect(run.stdout).toMatch(/≈ \$0\.00\d+ \(gpt-4\.1-mini-2025-04-14\)/);
    expect(server.requests.length).toBeGreaterThan(0);
    p.cleanup();
  });

  it('without a key, judge scorers are skipped with the reason and no request is made', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'replay',
        judge: { model: 'gpt-4.1-mini-2025-04-14', base_url: server.url },
        failure_modes: { hallucination: { threshold: 1, scorers: ['faithfulness'] } },
      },
      'datasets/h.jsonl': jsonl([halCase(1), halCase(2)]),
    });
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const { value, requests } = await count(() => evaluate({ cwd: p.dir }));
      expect(requests).toBe(0);
      const outcome = value as Awaited<ReturnType<typeof evaluate>>;
      expect(outcome.results.failure_modes.hallucination).toMatchObject({ cases: 2, skipped: 2, passed: 0 });
      expect(outcome.results.failure_modes.hallucination.verdict).not.toBe('pass');
      expect(outcome.results.judges?.faithfulness.skip_reason).toBe('judge skipped: no judge API key');
      const results = JSON.parse(readFileSync(outcome.paths.results, 'utf8'));
      expect(results.cases[0].reasons).toEqual(['judge skipped: no judge API key']);
      expect(readFileSync(outcome.paths.report, 'utf8')).toMatch(
        /skipped faithfulness \(judge skipped: no judge API key/,
      );
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
    p.cleanup();
  });

  it('keeps the key out of results.json, report.md, junit.xml, stdout and stderr when the judge echoes it', async () => {
    const leaky = await startOpenAIServer({
      fault: (_b, _n, headers) => ({
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${headers.authorization}` } },
      }),
    });
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'replay',
        judge: { model: 'gpt-4.1-mini-2025-04-14', base_url: leaky.url },
        failure_modes: { hallucination: { threshold: 1, scorers: ['citation-format', 'faithfulness'] } },
      },
      'datasets/h.jsonl': jsonl([halCase(1)]),
    });
    const run = await cli(['eval'], p.dir, { OPENAI_API_KEY: KEY });
    await leaky.close();
    expect(run.code).toBe(1);
    const out = path.join(p.dir, '.tracegate');
    const texts = [
      run.stdout,
      run.stderr,
      ...['results.json', 'report.md', 'junit.xml'].map((f) => readFileSync(path.join(out, f), 'utf8')),
    ];
    for (const text of texts) expect(text).not.toContain(KEY);
    const results = JSON.parse(texts[2]);
    // faithfulness runs as shadow (not calibrated): its failure is a shadow error, reported with the key redacted.
    expect(results.cases[0].shadow_errors.faithfulness).toMatch(
      /401 Incorrect API key provided: Bearer \[redacted\]/,
    );
    p.cleanup();
  });
});
