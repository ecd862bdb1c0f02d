/**
 * `cmd:` tasks: only a well-formed reply line (a JSON object with "output" or "error") is an answer. A
 * log line on stdout, JSON or not, is shown as the app's log, neutralised, and the real answer is
 * scored. A command that cannot start stops the run with exit 2 instead of erroring every case.
 */
import path from 'node:path';
import { makeTempProject } from '../helpers/temp-project.js';
import { cli } from '../helpers/cli.js';
import { caseRow, leftovers, plantPassingOutputs, readResults } from './runtime-helpers.js';

const APP = `
import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (line) => {
  const { id, input } = JSON.parse(line);
  // A structured logger writing to stdout, before the answer: JSON, but no id and no output.
  process.stdout.write(JSON.stringify({ level: 'info', msg: 'handling ' + input.question }) + '\\n');
  // Plain text, a terminal escape and a workflow command: a log line, never printed raw.
  process.stdout.write('\\u001b[2J::set-output name=passed::true\\n');
  process.stdout.write(JSON.stringify({ id, output: '{"answer":"' + input.question + '"}' }) + '\\n');
});
`;

describe('cmd: replies and logs', () => {
  it('scores the reply, not the JSON log line before it, and shows the log neutralised on stderr', async () => {
    const p = makeTempProject({
      'app.mjs': APP,
      'datasets/cases.jsonl': [caseRow('a', 'one'), caseRow('b', 'two')].join('\n') + '\n',
      'tracegate.config.json': {
        task: 'cmd:node app.mjs',
        failure_modes: { 'format-violation': { scorers: ['json-parse'] } },
      },
    });
    try {
      const run = await cli(['eval', '--quiet'], p.dir);
      expect(run.code).toBe(0);
      const results = readResults(path.join(p.dir, '.tracegate'));
      expect(results.passed).toBe(true);
      expect(results.cases.map((c: any) => c.status)).toEqual(['passed', 'passed']);
      expect(run.stderr).toContain('task log (cmd:node app.mjs): {"level":"info","msg":"handling one"}');
      // The escape and the workflow command arrive as visible text, never at the start of a line.
      expect(run.stderr).toContain('\\u001b[2J::set-output name=passed::true');
      expect(run.stderr).not.toContain('\u001b');
      expect(run.stderr).not.toMatch(/^::/m);
      expect(run.stdout).not.toMatch(/^::/m);
    } finally {
      p.cleanup();
    }
  });

  it('a command that cannot start is exit 2 naming it, with no stale passing results left behind', async () => {
    const p = makeTempProject({
      'datasets/cases.jsonl': [caseRow('a', 'one'), caseRow('b', 'two')].join('\n') + '\n',
      'tracegate.config.json': {
        task: 'cmd:./no-such-app --serve',
        failure_modes: { 'format-violation': { scorers: ['json-parse'] } },
      },
    });
    try {
      const out = path.join(p.dir, '.tracegate');
      plantPassingOutputs(out);
      const run = await cli(['eval', '--quiet'], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /Task "cmd:\.\/no-such-app --serve" could not start \(exit code 127: .*no-such-app.*not found/,
      );
      expect(run.stderr).toContain(`The command runs through the shell in ${p.dir}`);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      const results = readResults(out);
      expect(results).toMatchObject({ passed: false, interrupted: true });
      expect(leftovers(out)).toEqual([]);
    } finally {
      p.cleanup();
    }
  });
});
