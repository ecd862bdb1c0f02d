/**
 * Issue 8, item 5: a score that is not a number in 0..1 or null errors the case, naming the scorer and the
 * value; nothing is clamped into a pass or read as "not applicable".
 */
import { ECHO_EXPECTED_APP, evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

// The scorer returns the value its case names (JSON cannot hold Infinity or NaN, so they are spelt).
const SCORER = `
const VALUES = { two: 2, inf: Infinity, nan: NaN, huge: 1e308, neg: -0.5, str: "0", bool: true, obj: {}, one: 1 };
export default function weird(args) { return { name: 'weird', score: VALUES[args.input.v] }; }
`;

describe('out-of-range scores', () => {
  it('errors every case whose score is not a number in 0..1 or null, naming scorer and value', async () => {
    const values = ['two', 'inf', 'nan', 'huge', 'neg', 'str', 'bool', 'obj'];
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'module:./app.mjs#run',
        failure_modes: { x: { scorers: ['file:./weird.mjs'] } },
      },
      'app.mjs': ECHO_EXPECTED_APP,
      'weird.mjs': SCORER,
      'datasets/a.jsonl': jsonl([...values, 'one'].map((v) => row(v, 'x', { input: { v }, expected: 'e' }))),
    });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(1);
    expect(run.results.failure_modes.x).toMatchObject({ cases: 9, passed: 1, errored: 8, verdict: 'fail' });
    const errors = Object.fromEntries(
      run.results.cases.map((c: { id: string; error: string | null }) => [c.id, c.error]),
    );
    const expectation = 'expected a number in 0..1, or null for not applicable';
    expect(errors).toEqual({
      two: `scorer file:./weird.mjs returned score 2: ${expectation}`,
      inf: `scorer file:./weird.mjs returned score Infinity: ${expectation}`,
      nan: `scorer file:./weird.mjs returned score NaN: ${expectation}`,
      huge: `scorer file:./weird.mjs returned score 1e+308: ${expectation}`,
      neg: `scorer file:./weird.mjs returned score -0.5: ${expectation}`,
      str: `scorer file:./weird.mjs returned score "0": ${expectation}`,
      bool: `scorer file:./weird.mjs returned score true: ${expectation}`,
      obj: `scorer file:./weird.mjs returned score {}: ${expectation}`,
      one: null,
    });
    expect(run.stdout).toContain(
      `datasets/a.jsonl:1 two [errored]: scorer file:./weird.mjs returned score 2`,
    );
    p.cleanup();
  });
});
