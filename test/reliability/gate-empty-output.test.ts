/**
 * Issue 8, item 10: an empty answer (null, "", {output: undefined}) is a failed case, on the demo's own
 * hallucination and instruction-following datasets, unless the row's expected says empty is right.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { repo } from '../helpers/cli.js';
import { evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

describe('empty output fails', () => {
  it.each([
    ['null', 'null'],
    ['""', '""'],
    ['{output: undefined}', '{ output: undefined }'],
  ])(
    'a build returning %s fails every demo hallucination and instruction-following case',
    async (_name, value) => {
      const p = makeTempProject({ 'app.mjs': `export const run = () => (${value});\n` });
      cpSync(path.join(repo, 'tracegate.config.json'), path.join(p.dir, 'tracegate.config.json'));
      cpSync(path.join(repo, 'examples'), path.join(p.dir, 'examples'), { recursive: true });
      for (const mode of ['hallucination', 'instruction-follow-failure'])
        cpSync(path.join(repo, `datasets/${mode}.jsonl`), path.join(p.dir, `datasets/${mode}.jsonl`));
      const run = await evalIn(p.dir, ['--task', 'module:./app.mjs#run']);
      expect(run.code).toBe(1);
      for (const mode of ['hallucination', 'instruction-follow-failure'])
        expect(run.results.failure_modes[mode]).toMatchObject({ passed: 0, verdict: 'fail' });
      for (const c of run.results.cases) {
        expect(c.passed).toBe(false);
        expect(c.reasons[0]).toMatch(/^empty output: the task returned (null|""|no output)$/);
      }
      p.cleanup();
    },
  );

  it('an empty answer passes where the row expects it', async () => {
    const p = makeTempProject({
      'tracegate.config.json': {
        task: 'module:./app.mjs#run',
        failure_modes: { x: { scorers: ['exact-match'] } },
      },
      'app.mjs': 'export const run = () => "";\n',
      'datasets/a.jsonl': jsonl([
        row('silent', 'x', { expected: '' }),
        row('talks', 'x', { expected: 'hi' }),
      ]),
    });
    const run = await evalIn(p.dir);
    expect(run.code).toBe(1);
    const byId = Object.fromEntries(run.results.cases.map((c: { id: string }) => [c.id, c]));
    expect(byId.silent).toMatchObject({ passed: true, status: 'passed' });
    expect(byId.talks).toMatchObject({
      passed: false,
      reasons: ['empty output: the task returned ""', 'exact-match 0.00: output differs from expected'],
    });
    p.cleanup();
  });
});
