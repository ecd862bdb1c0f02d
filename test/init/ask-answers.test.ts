import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { askAnswers } from '../../src/init/ask-answers.js';
import type { DetectedProject } from '../../src/init/detect-project.js';
import { nodeEntry } from '../../src/init/detect-project.js';

const node: DetectedProject = {
  kind: 'node',
  evidence: 'package.json',
  entry: './index.js',
  lockfile: false,
  mainBranch: 'main',
};

/** Answer init's questions with these lines, as a person at a terminal would. */
async function answer(lines: string[], cwd = tmpdir()) {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (c) => (printed += c));
  input.end(lines.map((l) => l + '\n').join(''));
  const answers = await askAnswers(node, cwd, { input, output });
  return { answers, printed };
}

describe('init, interactive', () => {
  test('Enter takes the detected adapter and writes the workflow', async () => {
    const { answers, printed } = await answer(['', '']);
    expect(answers.task.spec).toBe('module:./tracegate.task.mjs#answer');
    expect(answers.task.adapter?.path).toBe('tracegate.task.mjs');
    expect(answers.workflow).toBe(true);
    expect(printed).toContain('Detected: package.json.');
  });

  test('a command becomes a cmd: task; n skips the workflow', async () => {
    const { answers } = await answer(['2', 'python3 serve.py', 'n']);
    expect(answers).toEqual({ task: { spec: 'cmd:python3 serve.py' }, workflow: false });
  });

  test('a bad URL or an unknown choice is asked again with the reason', async () => {
    const { answers, printed } = await answer([
      '7',
      '3',
      'http://',
      '3',
      'http://localhost:3000/tracegate',
      'y',
    ]);
    expect(printed).toContain('Answer 1, 2, 3 or 4.');
    expect(printed).toContain('not a valid URL: http://');
    expect(answers.task.spec).toBe('http://localhost:3000/tracegate');
  });

  test('replay', async () => {
    expect((await answer(['4', ''])).answers.task).toEqual({ spec: 'replay' });
  });

  test('input that ends early is an error, not a half-written scaffold', async () => {
    await expect(answer(['2'])).rejects.toThrow(
      'init cancelled: the input ended before every question was answered',
    );
  });

  test('a module path that does not exist is refused, naming where it looked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tracegate-ask-'));
    try {
      writeFileSync(path.join(dir, 'app.mjs'), 'export const answer = () => 1;');
      // There is no menu entry for module: typed by hand, so --task is the way; checkTaskSpec guards it.
      const { checkTaskSpec } = await import('../../src/init/task-spec.js');
      expect(checkTaskSpec('module:./app.mjs#answer', dir)).toBeUndefined();
      expect(checkTaskSpec('module:./missing.mjs#answer', dir)).toBe(
        `module file not found: ./missing.mjs (looked for ${path.join(dir, 'missing.mjs')})`,
      );
      expect(checkTaskSpec('ftp://x', dir)).toMatch(/unknown task/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nodeEntry', () => {
  test.each([
    [{ exports: './dist/index.js' }, './dist/index.js'],
    [{ exports: { '.': { import: './esm/index.js', require: './cjs/index.cjs' } } }, './esm/index.js'],
    [{ exports: { '.': './lib/main.mjs' }, main: 'ignored.js' }, './lib/main.mjs'],
    [{ main: 'index.js' }, './index.js'],
    [{ bin: { app: 'bin/app.js' } }, './bin/app.js'],
    [{ name: 'no-entry' }, undefined],
  ])('%j → %s', (pkg, entry) => {
    expect(nodeEntry(pkg)).toBe(entry);
  });
});
