/**
 * Issue 8, item 3: thresholds that cannot fail. Errored cases count as 0 in the mean, a threshold object
 * must name a bound, and an unset pass-rate floor is 1. Each test starts the real CLI.
 */
import { evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

// Nine of ten cases throw; the tenth is answered right.
const APP =
  'export const run = (input, c) => { if (c.id !== "ok") throw new Error("boom"); return c.expected; };\n';
const rows = jsonl([
  row('ok', 'x', { expected: 'yes' }),
  ...Array.from({ length: 9 }, (_, i) => row(`err-${i}`, 'x', { expected: 'yes' })),
]);

describe('thresholds that cannot fail', () => {
  it('threshold {"mean_score": 0.9} with 9 of 10 cases errored fails: errored cases score 0, pass rate floor 1', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'module:./app.mjs#run',
        failure_modes: { x: { threshold: { mean_score: 0.9 }, scorers: ['exact-match'] } },
      },
      'app.mjs': APP,
      'datasets/a.jsonl': rows,
    });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(1);
    expect(run.results.failure_modes.x).toMatchObject({
      cases: 10,
      passed: 1,
      errored: 9,
      pass_rate: 0.1,
      mean_score: 0.1,
      threshold: 1,
      mean_score_threshold: 0.9,
      verdict: 'fail',
      reasons: ['pass rate 0.10 < threshold 1.00', 'mean score 0.10 < threshold 0.90'],
    });
    expect(run.stdout).toContain('tracegate: FAILED — failing failure modes: x');
    p.cleanup();
  });

  it('threshold {} is a config error (exit 2) naming the key and the fix', async () => {
    const p = makeTempProject({
      'tracegate.config.json': { failure_modes: { x: { threshold: {}, scorers: ['exact-match'] } } },
      'datasets/a.jsonl': rows,
    });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'failure_modes.x.threshold: names no bound, so it could never fail — use a pass rate between 0 and 1',
    );
    p.cleanup();
  });
});
