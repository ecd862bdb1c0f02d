/**
 * A `module:` task runs in a worker thread: whatever it does to its own thread (process.exit, a
 * synchronous infinite loop, an exception thrown outside the call) costs its cases, never the run, and
 * the CLI's exit code, timeout and signals keep working. Runs the real CLI (bin/tracegate.js → lib/).
 */
import path from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { makeTempProject } from '../helpers/temp-project.js';
import { cli } from '../helpers/cli.js';
import {
  buildActionBundle,
  caseRow,
  leftovers,
  plantPassingOutputs,
  readResults,
  start,
  waitForFile,
} from './runtime-helpers.js';

const APP = `
import { writeFileSync } from 'node:fs';
export async function answer(input) {
  const q = input.question;
  if (q === 'exit') process.exit(0);
  if (q === 'loop') { writeFileSync('loop-started', ''); for (;;) {} }
  if (q === 'stray') setTimeout(() => { throw new Error('stray callback failed'); }, 0);
  if (q === 'stray') await new Promise((r) => setTimeout(r, 50));
  return '{"ok":true}';
}
`;

function project(questions: string[], config: Record<string, unknown> = {}) {
  return makeTempProject({
    'app.mjs': APP,
    'datasets/cases.jsonl': questions.map((q, i) => caseRow(`c${i + 1}-${q}`, q)).join('\n') + '\n',
    'tracegate.config.json': {
      task: 'module:./app.mjs#answer',
      failure_modes: { 'format-violation': { scorers: ['json-parse'] } },
      ...config,
    },
  });
}

describe('a module: task cannot end or hang the run', () => {
  it('process.exit(0) in the task errors its case; the CLI exits 1, and the other cases are scored', async () => {
    const p = project(['a', 'exit', 'b']);
    try {
      plantPassingOutputs(path.join(p.dir, '.tracegate'));
      const run = await cli(['eval', '--concurrency', '1'], p.dir);
      expect(run.code).toBe(1);
      const results = readResults(path.join(p.dir, '.tracegate'));
      expect(results.passed).toBe(false);
      const byId = Object.fromEntries(results.cases.map((c: any) => [c.id, c]));
      expect(byId['c2-exit'].status).toBe('errored');
      expect(byId['c2-exit'].error).toMatch(/ended its worker thread \(exit code 0/);
      expect(byId['c1-a'].status).toBe('passed');
      expect(byId['c3-b'].status).toBe('passed');
      expect(leftovers(path.join(p.dir, '.tracegate'))).toEqual([]);
    } finally {
      p.cleanup();
    }
  });

  it('a synchronous infinite loop is stopped by --timeout: the case errors and the run goes on', async () => {
    const p = project(['loop', 'after']);
    try {
      const run = await cli(['eval', '--concurrency', '1', '--timeout', '1500'], p.dir);
      expect(run.code).toBe(1);
      const results = readResults(path.join(p.dir, '.tracegate'));
      const byId = Object.fromEntries(results.cases.map((c: any) => [c.id, c]));
      expect(byId['c1-loop'].status).toBe('errored');
      expect(byId['c1-loop'].error).toBe('timed out after 1500 ms');
      // The stuck worker was replaced: the next case ran and passed.
      expect(byId['c2-after'].status).toBe('passed');
    } finally {
      p.cleanup();
    }
  });

  it('an exception thrown outside the call crashes only the worker: its case errors, naming it', async () => {
    const p = project(['stray', 'after']);
    try {
      const run = await cli(['eval', '--concurrency', '1'], p.dir);
      expect(run.code).toBe(1);
      const byId = Object.fromEntries(
        readResults(path.join(p.dir, '.tracegate')).cases.map((c: any) => [c.id, c]),
      );
      expect(byId['c1-stray'].error).toMatch(/crashed its worker thread: stray callback failed/);
      expect(byId['c2-after'].status).toBe('passed');
    } finally {
      p.cleanup();
    }
  });

  it('SIGTERM during a synchronous infinite loop ends the CLI at once with 143 and partial results', async () => {
    const p = project(['a', 'b', 'loop', 'never-run']);
    try {
      const out = path.join(p.dir, '.tracegate');
      plantPassingOutputs(out);
      const started = start(['eval', '--concurrency', '1', '--timeout', '600000'], p.dir);
      await waitForFile(path.join(p.dir, 'loop-started'));
      started.child.kill('SIGTERM');
      const run = await started.done;
      expect(run.code).toBe(143);
      const results = readResults(out);
      expect(results).toMatchObject({ passed: false, interrupted: true });
      expect(results.interrupted_reason).toMatch(/SIGTERM/);
      expect(results.cases.map((c: any) => c.id)).toEqual(['c1-a', 'c2-b']);
      expect(run.stderr).toMatch(/run interrupted .*SIGTERM.* after 2 case\(s\)/);
      expect(leftovers(out)).toEqual([]);
    } finally {
      p.cleanup();
    }
  });

  it('process.exit(0) in a scorer module never exits 0: exit 2 and the results so far, marked interrupted', async () => {
    const p = project(['a', 'b', 'c'], {
      failure_modes: { 'format-violation': { scorers: ['file:./quitter.mjs'] } },
    });
    try {
      writeFileSync(
        path.join(p.dir, 'quitter.mjs'),
        `export default ({ input }) => { if (input.question === 'c') process.exit(0); return { name: 'quitter', score: 1 }; };`,
      );
      const out = path.join(p.dir, '.tracegate');
      plantPassingOutputs(out);
      const run = await cli(['eval', '--concurrency', '1'], p.dir);
      expect(run.code).toBe(2);
      const results = readResults(out);
      expect(results).toMatchObject({ passed: false, interrupted: true });
      expect(results.interrupted_reason).toMatch(/process\.exit\(0\)/);
      expect(results.cases.map((c: any) => c.id)).toEqual(['c1-a', 'c2-b']);
      expect(run.stderr).toMatch(/run interrupted/);
    } finally {
      p.cleanup();
    }
  });
});

describe('the action (node dist/index.js, built from today’s sources)', () => {
  let bundle: Awaited<ReturnType<typeof buildActionBundle>>;
  beforeAll(async () => {
    bundle = await buildActionBundle();
  }, 120000);
  afterAll(() => bundle?.cleanup());

  it('fails the step when a task calls process.exit(0), or a scorer does mid-run', async () => {
    for (const scorer of ['json-parse', 'file:./quitter.mjs']) {
      const p = project(['a', 'exit', 'c'], {
        failure_modes: { 'format-violation': { scorers: [scorer] } },
      });
      try {
        writeFileSync(
          path.join(p.dir, 'quitter.mjs'),
          `export default ({ input }) => { if (input.question === 'c') process.exit(0); return { name: 'quitter', score: 1 }; };`,
        );
        const step = path.join(p.dir, 'step');
        mkdirSync(step);
        writeFileSync(path.join(step, 'output'), '');
        writeFileSync(path.join(step, 'summary.md'), '');
        writeFileSync(path.join(step, 'event.json'), '{}');
        const env: Record<string, string> = {
          GITHUB_ACTIONS: 'true',
          GITHUB_EVENT_NAME: 'push',
          GITHUB_EVENT_PATH: path.join(step, 'event.json'),
          GITHUB_OUTPUT: path.join(step, 'output'),
          GITHUB_STEP_SUMMARY: path.join(step, 'summary.md'),
          GITHUB_REPOSITORY: 'acme/app',
          RUNNER_TEMP: step,
          INPUT_COMMENT: 'never',
          INPUT_CONCURRENCY: '1',
        };
        for (const key of Object.keys(process.env)) if (/^(INPUT_|GITHUB_)/.test(key)) env[key] ??= '';
        const run = await start([], p.dir, env, bundle.entry).done;
        expect(run.code).not.toBe(0);
        expect(run.code).toBe(scorer === 'json-parse' ? 1 : 2);
        expect(existsSync(path.join(p.dir, '.tracegate', 'results.json'))).toBe(true);
        expect(readResults(path.join(p.dir, '.tracegate')).passed).toBe(false);
      } finally {
        p.cleanup();
      }
    }
  }, 120000);
});
