import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../src/evaluate.js';
import { mergeResults } from '../../src/run/merge.js';
import type { Results } from '../../src/run/results.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { BUILTIN_SCORERS } from '../../scorers/registry.js';

const EXACT = BUILTIN_SCORERS['exact-match'].version;
const CONTAINS = BUILTIN_SCORERS.contains.version;

/** A project whose task answers from a table and whose cases expect an exact answer. */
function project(extraConfig: Record<string, unknown> = {}, rows?: object[]) {
  return makeTempProject({
    'tracegate.config.json': {
      task: 'module:./app.mjs#answer',
      failure_modes: {
        'format-violation': { scorers: ['exact-match'] },
        hallucination: { scorers: ['contains'] },
      },
      ...extraConfig,
    },
    'app.mjs': `
      let calls = 0;
      const answers = { a: 'A', b: 'B', c: 'C', d: 'D', flaky: null };
      export async function answer(input) {
        if (input.q === 'hang') return new Promise(() => {});
        if (input.q === 'flaky') return (calls++ % 2 === 0) ? 'F' : 'nope';
        return answers[input.q] ?? 'unknown';
      }
      export async function wrong(input) { return input.q === 'a' ? 'A' : 'wrong'; }
    `,
    'datasets/cases.jsonl': jsonl(
      rows ?? [
        row('a', 'format-violation', { input: { q: 'a' }, expected: 'A' }),
        row('b', 'format-violation', { input: { q: 'b' }, expected: 'B' }),
        row('c', 'hallucination', { input: { q: 'c' }, expected: 'C' }),
        row('d', 'hallucination', {
          input: { q: 'd' },
          expected: 'D',
          origin: { url: 'https://trace.example/d' },
        }),
      ],
    ),
  });
}

function readResults(file: string): Results {
  return JSON.parse(readFileSync(file, 'utf8')) as Results;
}

describe('evaluate', () => {
  it('passes a good task and writes results.json, report.md and junit.xml per the contract', async () => {
    const p = project();
    const outcome = await evaluate({ cwd: p.dir });
    expect(outcome.exitCode).toBe(0);
    const results = readResults(outcome.paths.results);
    expect(results).toMatchObject({
      version: 1,
      passed: true,
      task: 'module:./app.mjs#answer',
      fingerprint: {
        scorers: { contains: CONTAINS, 'exact-match': EXACT },
        judge: { model: null, prompt: null },
      },
      failure_modes: {
        'format-violation': {
          cases: 2,
          passed: 2,
          failed: 0,
          errored: 0,
          pass_rate: 1,
          mean_score: 1,
          threshold: 1,
          verdict: 'pass',
        },
        hallucination: { cases: 2, passed: 2, verdict: 'pass' },
      },
      usage: { task: { cost_usd: 0 }, judge: { calls: 0, cost_usd: 0 } },
    });
    expect(results.fingerprint.datasets).toMatch(/^sha256:/);
    expect(results.cases.map((c) => [c.id, c.dataset, c.line, c.passed, c.trials, c.vs_baseline])).toEqual(
      expect.arrayContaining([['d', 'datasets/cases.jsonl', 4, true, 1, null]]),
    );
    expect(results.cases.find((c) => c.id === 'd')!.origin_url).toBe('https://trace.example/d');
    const junit = readFileSync(outcome.paths.junit, 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(4);
    expect(junit.match(/<testsuite /g)).toHaveLength(2);
    expect(readFileSync(outcome.paths.report, 'utf8')).toMatch(
      /✅ tracegate: all 2 failure modes pass \(4 cases\)/,
    );
    p.cleanup();
  });

  it('fails the failing mode only, with the scorer reason', async () => {
    const p = project();
    const outcome = await evaluate({ cwd: p.dir, task: 'module:./app.mjs#wrong' });
    expect(outcome.exitCode).toBe(1);
    const modes = outcome.results.failure_modes;
    expect(modes['format-violation']).toMatchObject({
      passed: 1,
      failed: 1,
      pass_rate: 0.5,
      verdict: 'fail',
      reasons: ['pass rate 0.50 < threshold 1.00'],
    });
    expect(modes.hallucination).toMatchObject({ passed: 0, failed: 2, verdict: 'fail' });
    const b = outcome.results.cases.find((c) => c.id === 'b')!;
    expect(b).toMatchObject({ passed: false, status: 'failed', output_excerpt: 'wrong' });
    expect(b.reasons[0]).toMatch(/^exact-match 0\.00/);
    p.cleanup();
  });

  it('marks a hanging task as errored at the timeout, and errored counts as failed', async () => {
    const p = project({}, [
      row('h', 'format-violation', { input: { q: 'hang' }, expected: 'X' }),
      row('a', 'format-violation', { input: { q: 'a' }, expected: 'A' }),
    ]);
    const started = Date.now();
    const outcome = await evaluate({ cwd: p.dir, timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcome.results.failure_modes['format-violation']).toMatchObject({
      cases: 2,
      passed: 1,
      errored: 1,
      pass_rate: 0.5,
      verdict: 'fail',
    });
    expect(outcome.results.cases[0]).toMatchObject({
      id: 'h',
      status: 'errored',
      error: 'timed out after 150 ms',
      passed: false,
    });
    p.cleanup();
  });

  it('runs trials, reports a case pass rate and flags flakiness', async () => {
    const p = project({}, [row('f', 'format-violation', { input: { q: 'flaky' }, expected: 'F' })]);
    const strict = await evaluate({ cwd: p.dir, trials: 4 });
    expect(strict.results.cases[0]).toMatchObject({ trials: 4, pass_rate: 0.5, flaky: true, passed: false });
    expect(strict.results.cases[0].scores['exact-match']).toBeCloseTo(0.5);
    expect(strict.results.failure_modes['format-violation'].flaky).toBe(1);
    p.cleanup();
    const lenient = project({ trial_pass_rate: 0.5 }, [
      row('f', 'format-violation', { input: { q: 'flaky' }, expected: 'F' }),
    ]);
    expect((await evaluate({ cwd: lenient.dir, trials: 4 })).exitCode).toBe(0);
    lenient.cleanup();
  });

  it('fails on a regression against the baseline even when the threshold still holds', async () => {
    const p = project({
      failure_modes: {
        'format-violation': { threshold: 0.5, scorers: ['exact-match'] },
        hallucination: { threshold: 0, scorers: ['contains'] },
      },
    });
    const main = await evaluate({ cwd: p.dir, out: 'main-out' });
    expect(main.exitCode).toBe(0);
    const pr = await evaluate({
      cwd: p.dir,
      task: 'module:./app.mjs#wrong',
      baseline: 'main-out/results.json',
    });
    expect(pr.exitCode).toBe(1);
    const fv = pr.results.failure_modes['format-violation'];
    expect(fv).toMatchObject({
      pass_rate: 0.5,
      baseline_pass_rate: 1,
      regressions: 1,
      verdict: 'fail',
      reasons: ['1 regression(s) against the baseline'],
    });
    expect(pr.results.cases.find((c) => c.id === 'b')!.vs_baseline).toBe('regressed');
    const full = readResults(pr.paths.results);
    expect(full.cases.find((c) => c.id === 'a')!.vs_baseline).toBe('passing');
    expect(full.baseline).toEqual({
      path: path.join(p.dir, 'main-out/results.json'),
      comparable: true,
      notes: [],
    });
    // With fail_on: threshold the same regression only warns.
    expect(
      (
        await evaluate({
          cwd: p.dir,
          task: 'module:./app.mjs#wrong',
          baseline: 'main-out/results.json',
          failOn: 'threshold',
        })
      ).results.failure_modes['format-violation'].verdict,
    ).toBe('warn');
    // Fixing it again reports the fix.
    const fixed = await evaluate({ cwd: p.dir, baseline: pr.paths.results });
    expect(fixed.results.failure_modes['format-violation'].improvements).toBe(1);
    expect(fixed.exitCode).toBe(0);
    p.cleanup();
  });

  it('reports a baseline from other scorer versions as not comparable instead of comparing', async () => {
    const p = project();
    const main = await evaluate({ cwd: p.dir, out: 'main-out' });
    expect(main.exitCode).toBe(0);
    const base = readResults(main.paths.results);
    base.fingerprint.scorers['exact-match'] = '0';
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(p.dir, 'old.json'), JSON.stringify(base));
    const pr = await evaluate({
      cwd: p.dir,
      task: 'module:./app.mjs#wrong',
      baseline: 'old.json',
      failOn: 'regression',
    });
    expect(pr.results.baseline).toMatchObject({
      comparable: false,
      notes: [`scorer exact-match changed version 0 → ${EXACT}`],
    });
    expect(pr.results.failure_modes['format-violation']).toMatchObject({
      regressions: 0,
      verdict: 'warn',
      baseline_pass_rate: null,
    });
    expect(readResults(pr.paths.results).cases.every((c) => c.vs_baseline === null)).toBe(true);
    expect(pr.exitCode).toBe(0);
    p.cleanup();
  });

  it('keeps shadow scorers out of the gate but reports them', async () => {
    const p = project(
      {
        failure_modes: {
          'format-violation': {
            scorers: ['exact-match', { id: 'contains', options: { values: ['zzz'] }, mode: 'shadow' }],
          },
        },
      },
      [row('a', 'format-violation', { input: { q: 'a' }, expected: 'A' })],
    );
    const outcome = await evaluate({ cwd: p.dir });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.results.failure_modes['format-violation'].scorers).toEqual({
      'exact-match': { mode: 'blocking', mean: 1, failed: 0, scored: 1 },
      contains: { mode: 'shadow', mean: 0, failed: 1, scored: 1 },
    });
    p.cleanup();
  });

  it('errors a case whose scorer throws, and fails a case no scorer applies to', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'module:./app.mjs#answer',
        failure_modes: { x: { scorers: ['file:./boom.mjs'] }, y: { scorers: ['exact-match'] } },
      },
      'app.mjs': 'export const answer = () => "out";',
      'boom.mjs': 'export default function boom() { throw new Error("scorer bug"); }',
      'datasets/d.jsonl': jsonl([row('x1', 'x'), row('y1', 'y')]),
    });
    const outcome = await evaluate({ cwd: p.dir });
    expect(outcome.exitCode).toBe(1);
    const byId = Object.fromEntries(outcome.results.cases.map((c) => [c.id, c]));
    expect(byId.x1).toMatchObject({
      status: 'errored',
      error: expect.stringMatching(/scorer file:\.\/boom\.mjs threw: scorer bug/),
    });
    expect(byId.y1).toMatchObject({
      status: 'failed',
      reasons: ['no blocking scorer applied to this case (all returned null)'],
    });
    p.cleanup();
  });

  it('shards by case id, and merging the shards gives the full run', async () => {
    const rows = Array.from({ length: 40 }, (_, i) =>
      row(`c${i}`, i % 2 ? 'format-violation' : 'hallucination', {
        input: { q: i % 5 ? 'a' : 'b' },
        expected: 'A',
      }),
    );
    const p = project({}, rows);
    const full = await evaluate({ cwd: p.dir, out: 'full' });
    const shards = [
      await evaluate({ cwd: p.dir, shard: '1/3', out: 's1' }),
      await evaluate({ cwd: p.dir, shard: '2/3', out: 's2' }),
      await evaluate({ cwd: p.dir, shard: '3/3', out: 's3' }),
    ];
    const shardResults = shards.map((s) => readResults(s.paths.results));
    expect(shardResults.reduce((n, r) => n + r.cases.length, 0)).toBe(40);
    expect(shardResults.every((r) => r.cases.length > 0 && r.shard)).toBe(true);
    const merged = mergeResults(shardResults);
    const fullResults = readResults(full.paths.results);
    for (const mode of Object.keys(fullResults.failure_modes)) {
      const { reasons: _r, scorers: _s, ...want } = fullResults.failure_modes[mode];
      expect(merged.failure_modes[mode]).toMatchObject(want);
    }
    expect(merged.passed).toBe(fullResults.passed);
    expect(merged.cases.map((c) => c.id).sort()).toEqual(fullResults.cases.map((c) => c.id).sort());
    p.cleanup();
  });

  it('filters cases', async () => {
    const p = project();
    const outcome = await evaluate({ cwd: p.dir, filters: ['failure_mode=hallucination'] });
    expect(Object.keys(outcome.results.failure_modes)).toEqual(['hallucination']);
    expect(outcome.results.failure_modes.hallucination).toMatchObject({ cases: 2, passed: 2 });
    expect(outcome.exitCode).toBe(0);
    await expect(evaluate({ cwd: p.dir, filters: ['failure_mode=halucination'] })).rejects.toThrow(
      /--filter failure_mode=halucination matched nothing; values present: format-violation, hallucination/,
    );
    p.cleanup();
  });
});
