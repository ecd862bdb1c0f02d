/**
 * Values and situations that used to end in exit 3 with a stack trace: a failing case whose output is
 * circular, a BigInt or nested 100,000 deep; a scorer file with a syntax error; a reader that closes the
 * pipe (`| head`); a promote lock held by a live process; a file too big for one string. Each is now a
 * failed case or exit 2 with the path and the fix, and the run's other results are kept.
 */
import path from 'node:path';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { makeTempProject } from '../helpers/temp-project.js';
import { cli } from '../helpers/cli.js';
import { caseRow, readResults, start } from './runtime-helpers.js';
import { withFileLock } from '../../src/promote/write.js';
import { EnvironmentError, environmentError, UsageError } from '../../src/errors.js';

const APP = `
export async function answer(input) {
  const q = input.question;
  if (q === 'circular') { const o = { answer: 'x' }; o.self = o; return o; }
  if (q === 'bigint') return { answer: 12345678901234567890n };
  if (q === 'deep') { let o = {}; for (let i = 0; i < 100000; i++) o = { o }; return o; }
  return 'fine';
}
`;

/** Fails every case but "fine": the outputs above must reach the report of a failing case. */
const SCORER = `export default ({ output }) => ({ name: 'is-fine', score: output === 'fine' ? 1 : 0 });`;

describe('a failing case whose output cannot be printed', () => {
  it('circular, BigInt and 100,000-deep outputs fail their cases; the run finishes with exit 1', async () => {
    const p = makeTempProject({
      'app.mjs': APP,
      'is-fine.mjs': SCORER,
      'datasets/cases.jsonl':
        ['circular', 'bigint', 'deep', 'fine'].map((q) => caseRow(q, q)).join('\n') + '\n',
      'tracegate.config.json': {
        task: 'module:./app.mjs#answer',
        failure_modes: { 'format-violation': { scorers: ['file:./is-fine.mjs'] } },
      },
    });
    try {
      const run = await cli(['eval', '--quiet'], p.dir);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.code).toBe(1);
      const byId = Object.fromEntries(
        readResults(path.join(p.dir, '.tracegate')).cases.map((c: any) => [c.id, c]),
      );
      expect(byId.fine.status).toBe('passed');
      for (const id of ['circular', 'bigint', 'deep']) expect(byId[id].passed).toBe(false);
      expect(byId.circular.output_excerpt).toContain('[Circular]');
      expect(byId.bigint.output_excerpt).toContain('12345678901234567890n');
    } finally {
      p.cleanup();
    }
  });
});

describe('bad files and a closed pipe', () => {
  it('a scorer file with a syntax error is exit 2 naming the file', async () => {
    const p = makeTempProject({
      'broken-scorer.mjs': 'export default ({ output }) => ({ name: "x", score: 1 ;\n',
      'datasets/cases.jsonl': caseRow('a', 'a', { output: '{}' }) + '\n',
      'tracegate.config.json': {
        task: 'replay',
        failure_modes: { 'format-violation': { scorers: ['file:./broken-scorer.mjs'] } },
      },
    });
    try {
      const run = await cli(['eval', '--quiet'], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /Scorer file .*broken-scorer\.mjs .* failed to load: .*SyntaxError|Unexpected token/,
      );
      expect(run.stderr).toContain('Fix the error in that file');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      p.cleanup();
    }
  });

  it('EPIPE (the reader closed the pipe) is exit 2 saying so; the files are complete', async () => {
    const p = makeTempProject({
      'datasets/cases.jsonl':
        [caseRow('a', 'a', { output: '{}' }), caseRow('b', 'b', { output: '{}' })].join('\n') + '\n',
      'tracegate.config.json': {
        task: 'replay',
        failure_modes: { 'format-violation': { scorers: ['json-parse'] } },
      },
    });
    try {
      const started = start(['eval', '--quiet'], p.dir);
      started.child.stdout!.destroy(); // like `| head` exiting before tracegate prints its summary
      const run = await started.done;
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/output was cut short \(EPIPE/);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(readResults(path.join(p.dir, '.tracegate'))).toMatchObject({ passed: true });
    } finally {
      p.cleanup();
    }
  });
});

describe('promote of a file with no usable trace', () => {
  it('is exit 2 with what was read and the hint, and writes nothing', async () => {
    const p = makeTempProject({ 'junk.json': '{"nothing": 1}\n' });
    try {
      const run = await cli(['promote', '--from', 'junk.json', '--label', 'hallucination'], p.dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(
        'tracegate: No usable trace in junk.json: 1 record(s) read, 1 skipped (no recognised format).',
      );
      expect(run.stderr).toContain('pass --format if auto-detection guessed wrong');
      expect(existsSync(path.join(p.dir, 'datasets'))).toBe(false);
    } finally {
      p.cleanup();
    }
  });
});

describe('promote under a lock', () => {
  it('a lock held by a live process is a UsageError naming the lock and its holder, after the wait', async () => {
    const p = makeTempProject({ 'datasets/h.jsonl': '' });
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      const dataset = path.join(p.dir, 'datasets/h.jsonl');
      writeFileSync(
        `${dataset}.lock`,
        JSON.stringify({ pid: holder.pid, host: (await import('node:os')).hostname() }),
      );
      const attempt = withFileLock(dataset, async () => 'ran', { timeoutMs: 300 });
      await expect(attempt).rejects.toThrow(UsageError);
      await expect(attempt).rejects.toThrow(`waiting for the lock ${dataset}.lock`);
      await expect(attempt).rejects.toThrow(`"pid":${holder.pid}`);
      expect(existsSync(`${dataset}.lock`)).toBe(true); // a live holder's lock is never taken away
    } finally {
      holder.kill();
      p.cleanup();
    }
  });
});

describe('a file too big for one string', () => {
  it('becomes an EnvironmentError naming the file and the fix', () => {
    let thrown: unknown;
    try {
      'x'.repeat(2 ** 30); // V8's own error, as readFile(…, 'utf8') throws it for a huge file
    } catch (error) {
      thrown = error;
    }
    const translated = environmentError(thrown, 'read the dataset', 'datasets/huge.jsonl');
    expect(translated).toBeInstanceOf(EnvironmentError);
    expect((translated as Error).message).toMatch(
      /^Cannot read the dataset datasets\/huge\.jsonl: ERR_STRING_TOO_LONG\n\s+the file is larger than Node\.js can hold in one string/,
    );
  });
});
