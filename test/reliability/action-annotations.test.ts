/**
 * GitHub shows at most 10 error annotations per step. Through the bundled action (`node dist/index.js`) on
 * a run with 60 failing cases over three failing modes: at most 9 case annotations plus the final verdict
 * (`core.setFailed`), every failing mode annotated in turns (regressions first: test/action/annotations.test.ts),
 * and a notice saying how many more
 * the report holds.
 */
import { makeTempProject, jsonl, row } from '../helpers/temp-project.js';
import { GitHubServer } from '../servers/github-server.js';
import { requireBundle, runStep } from '../action/action-runner.js';

test('the verdict keeps its error slot; the other 9 are spread over the failing modes', async () => {
  requireBundle();
  const github = await new GitHubServer().start();
  const modes = ['hallucination', 'retrieval-miss', 'format-violation'];
  const p = makeTempProject({
    'tracegate.config.json': {
      task: 'replay',
      failure_modes: Object.fromEntries(modes.map((m) => [m, { threshold: 1, scorers: ['contains'] }])),
    },
    ...Object.fromEntries(
      modes.map((m) => [
        `datasets/${m}.jsonl`,
        jsonl(
          Array.from({ length: 20 }, (_, i) =>
            row(`${m}-${i}`, m, {
              expected: 'ok',
              output: m === 'format-violation' && i < 1 ? 'nope' : 'nope',
            }),
          ),
        ),
      ]),
    ),
  });
  try {
    const run = await runStep({
      project: p.dir,
      apiUrl: github.url,
      event: 'push',
      payload: { ref: 'refs/heads/main' },
      inputs: {},
    });
    expect(run.code).toBe(1);
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(10);
    expect(errors.at(-1)).toMatch(/^::error::tracegate gate failed: 3 failure modes failing: /);
    const cases = errors.slice(0, 9).map((l) => /title=tracegate ([a-z-]+)%3A/.exec(l)?.[1]);
    // In turns over the modes: each failing mode has 3 of the 9.
    for (const m of modes) expect(cases.filter((c) => c === m)).toHaveLength(3);
    expect(cases.slice(0, 3).sort()).toEqual([...modes].sort());
    expect(run.stdout).toContain(
      '::notice::51 more failing cases are not annotated (GitHub shows at most 10 error annotations per step, and 1 is kept for the verdict); the job summary and report.md list them.',
    );
  } finally {
    p.cleanup();
    await github.close();
  }
});
