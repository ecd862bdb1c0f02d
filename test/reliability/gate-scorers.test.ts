/**
 * Issue 8, item 4: a mode with no scorer is a config error; a mode with only shadow scorers warns and
 * never counts a case as passed. Also: a shadow scorer that throws never fails the gate.
 */
import { ECHO_EXPECTED_APP, evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

const rows = jsonl([row('a', 'x', { expected: 'A' }), row('b', 'x', { expected: 'B' })]);

describe('no scorer, or only shadow scorers', () => {
  it('"scorers": [] is a config error (exit 2) naming the key', async () => {
    const p = makeTempProject({
      'tracegate.config.json': { task: 'module:./app.mjs#run', failure_modes: { x: { scorers: [] } } },
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': rows,
    });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'failure_modes.x.scorers: is empty: a failure mode needs at least one scorer',
    );
    p.cleanup();
  });

  it('only shadow scorers: the mode warns, no case counts as passed, and the run says why', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'module:./app.mjs#run',
        failure_modes: { x: { scorers: [{ id: 'exact-match', mode: 'shadow' }] } },
      },
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': rows,
    });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(0);
    expect(run.results.failure_modes.x).toMatchObject({
      cases: 2,
      passed: 0,
      verdict: 'warn',
      reasons: ['only shadow scorers: no blocking scorer gates this mode, so no case counts as passed'],
    });
    expect(run.results.cases.every((c: { passed: boolean }) => !c.passed)).toBe(true);
    expect(run.stdout).toMatch(/x\s+WARN/);
    p.cleanup();
  });

  it('a shadow scorer that throws is a shadow failure, not an errored case, and the gate still passes', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'module:./app.mjs#run',
        failure_modes: { x: { scorers: ['exact-match', { id: 'file:./boom.mjs', mode: 'shadow' }] } },
      },
      'app.mjs': ECHO_EXPECTED_APP,
      'boom.mjs': 'export default function boom() { throw new Error("shadow bug"); }\n',
      'datasets/a.jsonl': rows,
    });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(0);
    expect(run.results.failure_modes.x).toMatchObject({ cases: 2, passed: 2, errored: 0, verdict: 'pass' });
    expect(run.results.failure_modes.x.scorers['file:./boom.mjs']).toMatchObject({
      mode: 'shadow',
      failed: 2,
    });
    expect(run.results.cases[0].shadow_errors).toEqual({
      'file:./boom.mjs': 'scorer file:./boom.mjs threw: shadow bug',
    });
    p.cleanup();
  });
});
