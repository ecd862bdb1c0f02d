/**
 * Ctrl-C and CI cancellations: an interrupted run exits 130/143, writes the results it has marked
 * `interrupted: true` with `passed: false` (results.json, report.md and junit.xml), leaves no temporary
 * file, no previous passing file, and no task process behind.
 */
import path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeTempProject } from '../helpers/temp-project.js';
import {
  caseRow,
  leftovers,
  plantPassingOutputs,
  readResults,
  start,
  waitForFile,
} from './runtime-helpers.js';

const echoApp = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/tasks/echo-app.mjs');

const HANGING_APP = `
import { writeFileSync } from 'node:fs';
export async function answer(input) {
  if (input.question === 'hang') {
    writeFileSync('hang-started', '');
    await new Promise(() => {}); // waits forever, like a model call that never returns
  }
  return '{"ok":true}';
}
`;

/** Whether a process still runs (a zombie nobody reaped, as in a container without an init, does not). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !existsSync(stat) || !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
}

describe('an interrupted run', () => {
  it('SIGINT: exit 130, the finished cases in results.json, report.md and junit.xml, marked interrupted', async () => {
    const p = makeTempProject({
      'app.mjs': HANGING_APP,
      'datasets/cases.jsonl': ['a', 'b', 'c', 'hang', 'never'].map((q) => caseRow(q, q)).join('\n') + '\n',
      'tracegate.config.json': {
        task: 'module:./app.mjs#answer',
        failure_modes: { 'format-violation': { scorers: ['json-parse'] } },
      },
    });
    try {
      const out = path.join(p.dir, '.tracegate');
      plantPassingOutputs(out);
      const started = start(['eval', '--concurrency', '1'], p.dir);
      await waitForFile(path.join(p.dir, 'hang-started'));
      started.child.kill('SIGINT');
      const run = await started.done;
      expect(run.code).toBe(130);
      const results = readResults(out);
      expect(results).toMatchObject({
        passed: false,
        interrupted: true,
        interrupted_reason: 'SIGINT received during the run',
      });
      expect(results.cases.map((c: any) => c.id)).toEqual(['a', 'b', 'c']);
      expect(results.failure_modes['format-violation']).toMatchObject({ cases: 3, passed: 3 });
      expect(readFileSync(path.join(out, 'report.md'), 'utf8')).toMatch(
        /^> \[!CAUTION\]\n> \*\*Interrupted: these results are partial and the gate fails\.\*\* SIGINT received during the run/,
      );
      expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toMatch(/<testcase[^>]*name="c"/);
      expect(leftovers(out)).toEqual([]);
    } finally {
      p.cleanup();
    }
  });

  it('SIGTERM with a cmd: task: exit 143, partial results, and the task process is gone', async () => {
    const p = makeTempProject({
      'datasets/cases.jsonl': ['a', 'b', 'hang', 'never'].map((q) => caseRow(q, q)).join('\n') + '\n',
      'tracegate.config.json': {
        task: `cmd:node ${echoApp}`,
        failure_modes: { 'format-violation': { scorers: ['json-parse'] } },
      },
    });
    try {
      const pidFile = path.join(p.dir, 'app.pid');
      const started = start(['eval', '--concurrency', '1', '--quiet'], p.dir, {
        ECHO_APP_PID_FILE: pidFile,
        ECHO_APP_STAY_UP: '1',
      });
      await waitForFile(pidFile);
      const appPid = Number(readFileSync(pidFile, 'utf8'));
      // Wait until the two answered cases are in, then cancel while "hang" is in flight.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      started.child.kill('SIGTERM');
      const run = await started.done;
      expect(run.code).toBe(143);
      const results = readResults(path.join(p.dir, '.tracegate'));
      expect(results).toMatchObject({ passed: false, interrupted: true });
      expect(results.cases.map((c: any) => c.id)).toEqual(['a', 'b']);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(alive(appPid)).toBe(false);
      expect(existsSync(path.join(p.dir, '.tracegate', 'results.json'))).toBe(true);
    } finally {
      p.cleanup();
    }
  });
});
