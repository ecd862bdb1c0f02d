/**
 * Issue 8, item 2: a run that tested nothing never passes. Each test starts the real CLI.
 */
import { ECHO_EXPECTED_APP, evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

const config = {
  task: 'module:./app.mjs#run',
  failure_modes: {
    hallucination: { scorers: ['exact-match'] },
    'format-violation': { scorers: ['exact-match'] },
  },
};

describe('nothing tested → exit 2 unless allowed', () => {
  it('an empty dataset file exits 2 naming it; --allow-empty and allow_empty: true let it pass', async () => {
    const p = makeTempProject({
      'tracegate.config.json': config,
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': '',
    });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Nothing to test: no case was selected, so the gate cannot pass.');
    expect(run.stderr).toContain('The dataset files hold no rows: datasets/a.jsonl.');
    expect(run.stderr).toContain('Pass --allow-empty (or set "allow_empty": true)');
    expect(run.results).toBeUndefined();
    expect((await evalIn(p.dir, ['--allow-empty'])).code).toBe(0);
    p.cleanup();
    const allowed = makeTempProject({
      'tracegate.config.json': { ...config, allow_empty: true },
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': '\n',
    });
    const ok = await evalIn(allowed.dir);
    expect(ok.code).toBe(0);
    expect(ok.results.gate).toEqual({ fail_on: 'both', on_skipped: 'fail', allow_empty: true, reasons: [] });
    allowed.cleanup();
  });

  it('a --filter value that matches nothing exits 2 naming the values that exist', async () => {
    const p = makeTempProject({
      'tracegate.config.json': config,
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': jsonl([
        row('h1', 'hallucination', { expected: 'x' }),
        row('f1', 'format-violation', { expected: 'y', tags: ['billing'] }),
      ]),
    });
    const typo = await evalIn(p.dir, ['--filter', 'failure_mode=halucination']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      '--filter failure_mode=halucination matched nothing; values present: format-violation, hallucination',
    );
    const both = await evalIn(p.dir, ['--filter', 'failure_mode=hallucination', '--filter', 'tag=billing']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      'each --filter matches some rows, but no row matches all of them (failure_mode=hallucination and tag=billing)',
    );
    expect((await evalIn(p.dir, ['--filter', 'failure_mode=hallucination'])).code).toBe(0);
    p.cleanup();
  });

  it('a shard that receives no case exits 2 saying so', async () => {
    const p = makeTempProject({
      'tracegate.config.json': config,
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': jsonl([row('only-case', 'hallucination', { expected: 'x' })]),
    });
    // With one case and two shards, exactly one shard is empty.
    const runs = [await evalIn(p.dir, ['--shard', '1/2']), await evalIn(p.dir, ['--shard', '2/2'])];
    expect(runs.map((r) => r.code).sort()).toEqual([0, 2]);
    const empty = runs.find((r) => r.code === 2)!;
    expect(empty.stderr).toMatch(
      /Shard [12]\/2 received no case: the 1 selected case\(s\) all hash to other shards/,
    );
    p.cleanup();
  });

  it('a configured mode with no case is reported; require_cases: true fails the gate', async () => {
    const rows = jsonl([row('h1', 'hallucination', { expected: 'x' })]);
    const p = makeTempProject({
      'tracegate.config.json': config,
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': rows,
    });
    const warned = await evalIn(p.dir);
    expect(warned.code).toBe(0);
    expect(warned.results.failure_modes['format-violation']).toMatchObject({
      cases: 0,
      verdict: 'warn',
      reasons: ['no cases: configured, but no dataset row has this failure mode'],
    });
    expect(warned.report).toContain('no cases: configured, but no dataset row has this failure mode');
    p.cleanup();
    const strict = makeTempProject({
      'tracegate.config.json': {
        ...config,
        failure_modes: {
          ...config.failure_modes,
          'format-violation': { scorers: ['exact-match'], require_cases: true },
        },
      },
      'app.mjs': ECHO_EXPECTED_APP,
      'datasets/a.jsonl': rows,
    });
    const failed = await evalIn(strict.dir);
    expect(failed.code).toBe(1);
    expect(failed.results.failure_modes['format-violation']).toMatchObject({
      cases: 0,
      verdict: 'fail',
      require_cases: true,
      reasons: ['no cases: configured, but no dataset row has this failure mode (require_cases: true)'],
    });
    expect(failed.stdout).toContain('tracegate: FAILED — failing failure modes: format-violation');
    strict.cleanup();
  });
});
