/**
 * Issue 8, the smaller gate items: unknown config keys get "did you mean"; a judge.model with no judge
 * scorer keeps the baseline comparable; vanished baseline cases and a baseline from another project are
 * reported. Each test starts the real CLI.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ECHO_EXPECTED_APP, evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

const rows = [
  row('a', 'x', { expected: 'A' }),
  row('b', 'x', { expected: 'B' }),
  row('c', 'x', { expected: 'C' }),
];
const config = { task: 'module:./app.mjs#run', failure_modes: { x: { scorers: ['exact-match'] } } };

describe('config keys', () => {
  it.each([
    [
      { failure_modes: { x: { treshold: 0.9 } } },
      'failure_modes.x: unknown key "treshold" — did you mean "threshold"? Keys allowed here: threshold, scorers, require_cases.',
    ],
    [{ concurency: 4 }, '(root): unknown key "concurency" — did you mean "concurrency"?'],
    [
      { failure_modes: { x: { scorers: [{ id: 'exact-match', mdoe: 'shadow' }] } } },
      'failure_modes.x.scorers.0: unknown key "mdoe" — did you mean "mode"?',
    ],
    [{ judge: { modle: 'gpt' } }, 'judge: unknown key "modle" — did you mean "model"?'],
  ])('%j exits 2 with the key and a suggestion', async (bad, message) => {
    const p = makeTempProject({ 'tracegate.config.json': bad, 'datasets/a.jsonl': jsonl(rows) });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain('keys are kebab-case failure modes');
    p.cleanup();
  });
});

describe('the baseline', () => {
  it('a judge.model with no judge scorer does not make the baseline incomparable', async () => {
    const p = makeTempProject({
      'tracegate.config.json': { ...config, judge: { model: 'judge-a' } },
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': jsonl(rows),
    });
    expect((await evalIn(p.dir, ['--out', 'main'])).code).toBe(0);
    writeFileSync(
      path.join(p.dir, 'tracegate.config.json'),
      JSON.stringify({ ...config, judge: { model: 'judge-b' } }),
    );
    const run = await evalIn(p.dir, ['--baseline', 'main/results.json']);
    expect(run.code).toBe(0);
    expect(run.results.fingerprint.judge).toEqual({ model: null, prompt: null });
    expect(run.results.baseline).toMatchObject({ comparable: true, notes: [] });
    expect(run.results.failure_modes.x.verdict).toBe('pass');
    p.cleanup();
  });

  it('baseline cases that vanished from the datasets are reported in results.json and the report', async () => {
    const p = makeTempProject({
      'tracegate.config.json': config,
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': jsonl(rows),
    });
    expect((await evalIn(p.dir, ['--out', 'main'])).code).toBe(0);
    writeFileSync(path.join(p.dir, 'datasets/a.jsonl'), jsonl(rows.slice(0, 1)));
    const run = await evalIn(p.dir, ['--baseline', 'main/results.json']);
    expect(run.code).toBe(0);
    expect(run.results.baseline).toMatchObject({
      comparable: true,
      missing_cases: 2,
      missing_ids: ['b', 'c'],
      notes: expect.arrayContaining(['2 baseline case(s) are in no dataset any more: b, c']),
    });
    expect(run.report).toContain('2 baseline case(s) are in no dataset any more: b, c');
    p.cleanup();
  });

  it('a baseline from another project says that no id matched, and is not compared', async () => {
    const other = makeTempProject({
      'tracegate.config.json': config,
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': jsonl([row('other-1', 'x', { expected: 'Z' })]),
    });
    expect((await evalIn(other.dir, ['--out', 'main'])).code).toBe(0);
    const p = makeTempProject({
      'tracegate.config.json': config,
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': jsonl(rows),
    });
    const run = await evalIn(p.dir, ['--baseline', path.join(other.dir, 'main/results.json')]);
    expect(run.code).toBe(0);
    expect(run.results.baseline.comparable).toBe(false);
    expect(run.results.baseline.notes).toContain(
      'no case id matched the baseline (1 baseline cases): a baseline from another project or dataset?',
    );
    expect(run.results.failure_modes.x).toMatchObject({ verdict: 'warn', regressions: 0 });
    expect(run.stdout).toContain('Baseline not comparable: no case id matched the baseline');
    p.cleanup();
    other.cleanup();
  });
});
