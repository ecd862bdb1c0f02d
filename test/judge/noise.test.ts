import { readFileSync } from 'node:fs';
import { evaluate } from '../../src/evaluate.js';
import { classifyCase } from '../../src/run/compare.js';
import {
  cohensKappa,
  isSignificantDrop,
  trialsForPower,
  twoProportionPValue,
  wilsonInterval,
} from '../../src/judge/noise.js';
import { judgeConfigSchema } from '../../src/judge/judge-config.js';
import { faithfulness } from '../../scorers/faithfulness.js';
import { startOpenAIServer } from '../servers/openai-server.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { judgeBy, passingCalibrationRecord } from './helpers.js';

describe('noise statistics (values worked out by hand)', () => {
  it.each([
    [8, 10, 0.4902, 0.9433],
    [9, 10, 0.5958, 0.9821],
    [17, 20, 0.6396, 0.9476],
    [20, 20, 0.8389, 1],
    [1, 1, 0.2065, 1],
    [0, 5, 0, 0.4345],
    [2, 5, 0.1176, 0.7693],
  ])('Wilson 95%% interval of %i/%i is [%f, %f]', (s, n, lower, upper) => {
    const [lo, hi] = wilsonInterval(s, n);
    expect(lo).toBeCloseTo(lower, 4);
    expect(hi).toBeCloseTo(upper, 4);
  });

  it('knows nothing from no trials', () => {
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
  });

  it("computes Cohen's kappa: 17/20 agreement with chance 0.5 is 0.7", () => {
    // po = 17/20 = 0.85; pe = (9·10 + 11·10) / 400 = 0.5; κ = (0.85 − 0.5) / 0.5 = 0.7
    expect(cohensKappa({ tp: 8, fp: 1, fn: 2, tn: 9 })).toBeCloseTo(0.7, 10);
    expect(cohensKappa({ tp: 10, fp: 0, fn: 0, tn: 10 })).toBe(1);
    expect(cohensKappa({ tp: 5, fp: 5, fn: 5, tn: 5 })).toBe(0);
  });

  it('tests a drop between two trial records (one-sided, 5%)', () => {
    // 5/5 vs 3/5: pooled 0.8, se = √(0.8·0.2·0.4) = 0.253, z = 1.58, p = 0.057: noise.
    expect(twoProportionPValue(5, 5, 3, 5)).toBeCloseTo(0.0569, 3);
    expect(isSignificantDrop({ passes: 5, trials: 5 }, { passes: 3, trials: 5 })).toBe(false);
    // 5/5 vs 2/5: z = 2.07, p = 0.019: a real drop.
    expect(isSignificantDrop({ passes: 5, trials: 5 }, { passes: 2, trials: 5 })).toBe(true);
    // One side without trials: intervals. 1/1 → [0.21, 1] overlaps 2/5 → [0.12, 0.77].
    expect(isSignificantDrop({ passes: 1, trials: 1 }, { passes: 2, trials: 5 })).toBe(false);
    // 20/20 → [0.839, 1] vs 0/1 → [0, 0.793]: apart. 10/10 → [0.722, 1] still overlaps 0/1.
    expect(isSignificantDrop({ passes: 20, trials: 20 }, { passes: 0, trials: 1 })).toBe(true);
    expect(isSignificantDrop({ passes: 10, trials: 10 }, { passes: 0, trials: 1 })).toBe(false);
  });

  it('says how many trials a comparison needs', () => {
    // p̄ = 0.775: (1.645·√(2·0.775·0.225) + 0.842·√(0.95·0.05 + 0.6·0.4))² / 0.35² = 2.024 / 0.1225 = 16.5 → 17
    expect(trialsForPower(0.95, 0.6)).toBe(17);
    expect(trialsForPower(0.9, 0.9)).toBe(Infinity);
  });

  const now = (passed: boolean, trials: number, passRate: number) => ({
    passed,
    status: (passed ? 'passed' : 'failed') as 'passed' | 'failed',
    flaky: passRate > 0 && passRate < 1,
    hash: 'h',
    trials,
    pass_rate: passRate,
  });
  const base = (passed: boolean, trials: number, passRate: number) => ({
    passed,
    status: passed ? 'passed' : 'failed',
    hash: 'h',
    trials,
    pass_rate: passRate,
  });
  it.each([
    ['flaky', now(false, 5, 0.6), base(true, 5, 1), 'drop inside the noise'],
    ['regressed', now(false, 5, 0.4), base(true, 5, 1), 'significant drop, trials on both sides'],
    ['regressed', now(false, 5, 0), base(true, 5, 1), 'consistent failure'],
    ['flaky', now(false, 5, 0.4), base(true, 1, 1), 'one baseline trial has no power'],
    ['regressed', now(false, 1, 0), base(true, 1, 1), 'single trials: the old rule'],
    ['passing', now(true, 5, 1), base(true, 5, 1), 'unchanged'],
    ['fixed', now(true, 5, 1), base(false, 5, 0), 'fixed'],
  ] as const)('classifies as %s: %s', (expected, current, baseline, _why) => {
    expect(classifyCase(current, baseline)).toBe(expected);
  });
});

/** mulberry32: a tiny seeded PRNG, so the "random" judge answers the same way on every run. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('flaky judge verdicts against a baseline with trials', () => {
  it('marks disagreeing verdicts flaky, tells noise from a regression, and counts flaky cases per mode', async () => {
    const random = seeded(42);
    const verdicts = new Map<string, string[]>();
    const steady = await startOpenAIServer({
      reply: judgeBy(() => ({ reasoning: 'fine', claims: [], choice: 'A' })),
    });
    const noisy = await startOpenAIServer({
      reply: judgeBy((prompt) => {
        const id = /Question \]?: ?q-(\d+)/.exec(prompt)?.[1] ?? /q-(\d+)/.exec(prompt)![1];
        // Case q-0 always fails; the others pass with probability 0.6.
        const choice = id === '0' ? 'B' : random() < 0.6 ? 'A' : 'B';
        verdicts.set(id, [...(verdicts.get(id) ?? []), choice]);
        return { reasoning: choice === 'A' ? 'supported' : 'not in the context', claims: [], choice };
      }),
    });
    const judge = { model: 'gpt-4.1-mini-2025-04-14', max_concurrency: 1 };
    const version = faithfulness.versionFor(
      {},
      { cwd: '.', judge: { model: judge.model, config: judgeConfigSchema.parse(judge) } },
    );
    const files = (url: string) => ({
      'tracegate.config.json': {
        task: 'replay',
        concurrency: 1,
        trials: 5,
        judge: { ...judge, base_url: url },
        failure_modes: { hallucination: { threshold: 0.5, scorers: ['faithfulness'] } },
      },
      'calibrations/faithfulness.json': passingCalibrationRecord({
        name: 'faithfulness',
        id: 'faithfulness',
        version,
        minScore: 1,
      }),
      'datasets/h.jsonl': jsonl(
        Array.from({ length: 12 }, (_, i) =>
          row(`q-${i}`, 'hallucination', {
            input: { question: `q-${i}` },
            output: `Refunds within 30 days, q-${i}.`,
            context: { retrieved: [{ id: 'kb-1', text: 'Refunds within 30 days.' }] },
          }),
        ),
      ),
    });
    const main = makeTempProject(files(steady.url));
    const pr = makeTempProject(files(noisy.url));
    const baseline = await evaluate({ cwd: main.dir, judge: { apiKey: 'sk-test-000000' } });
    expect(baseline.results.judges?.faithfulness.mode).toBe('blocking');
    expect(baseline.results.failure_modes.hallucination).toMatchObject({ passed: 12, flaky: 0 });
    const outcome = await evaluate({
      cwd: pr.dir,
      judge: { apiKey: 'sk-test-000000' },
      baseline: baseline.paths.results,
      failOn: 'regression',
    });
    await steady.close();
    await noisy.close();
    const cases = JSON.parse(readFileSync(outcome.paths.results, 'utf8')).cases as Array<Record<string, any>>;
    expect(cases).toHaveLength(12);
    let flaky = 0;
    for (const c of cases) {
      const v = verdicts.get(c.id.slice(2))!;
      expect(v).toHaveLength(5);
      const passes = v.filter((x) => x === 'A').length;
      expect(c.pass_rate).toBeCloseTo(passes / 5, 10);
      expect(c.pass_rate_interval).toEqual(wilsonInterval(passes, 5));
      expect(c.flaky).toBe(passes > 0 && passes < 5);
      if (c.flaky) flaky++;
      const expected =
        passes === 5
          ? 'passing'
          : isSignificantDrop({ passes: 5, trials: 5 }, { passes, trials: 5 })
            ? 'regressed'
            : 'flaky';
      expect([c.id, c.vs_baseline]).toEqual([c.id, expected]);
    }
    // The seed gives a mix: some flaky cases, and q-0 (always failing) regressed.
    expect(flaky).toBeGreaterThan(2);
    expect(cases.find((c) => c.id === 'q-0')!.vs_baseline).toBe('regressed');
    const mode = outcome.results.failure_modes.hallucination;
    expect(mode.flaky).toBe(flaky);
    expect(readFileSync(outcome.paths.report, 'utf8')).toContain(`flaky: ${flaky} in hallucination`);
    main.cleanup();
    pr.cleanup();
  });

  it('notes a baseline with fewer trials than baseline_trials', async () => {
    const server = await startOpenAIServer({
      reply: judgeBy((p) => ({ reasoning: p.slice(0, 0), claims: [], choice: 'A' })),
    });
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'replay',
        judge: { model: 'gpt-4.1-mini-2025-04-14', base_url: server.url },
        failure_modes: {
          hallucination: {
            threshold: 1,
            scorers: ['citation-format', { id: 'faithfulness', mode: 'shadow' }],
          },
        },
      },
      'datasets/h.jsonl': jsonl([
        row('a', 'hallucination', {
          output: 'x [kb-1]',
          context: { retrieved: [{ id: 'kb-1', text: 'x' }] },
        }),
      ]),
    });
    const main = await evaluate({ cwd: p.dir, out: '.tracegate/main', judge: { apiKey: 'sk-test-000000' } });
    const pr = await evaluate({
      cwd: p.dir,
      judge: { apiKey: 'sk-test-000000' },
      baseline: main.paths.results,
      trials: 3,
      baselineTrials: 5,
    });
    await server.close();
    expect(pr.results.baseline?.notes).toContain(
      'the baseline ran 1 trial(s) per case, fewer than baseline_trials 5: a drop inside the noise shows as flaky, not regressed; run main with --trials 5',
    );
    p.cleanup();
  });
});
