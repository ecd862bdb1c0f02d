import { jest } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAction } from '../../src/action/run-action.js';
import { GitHubServer } from '../servers/github-server.js';
import { supportTrace, toJsonl } from '../promote/generate.js';

// The action's `mode: harvest`, as a scheduled workflow runs it: inputs from INPUT_* variables, the
// repository and API URL from the runner's environment, the local GitHub API server behind it.
const REPO = 'acme/support';
// Each test starts the real CLI several times: give a loaded CI machine room.
jest.setTimeout(180_000);

let dir: string;
let github: GitHubServer;
const saved = { ...process.env };

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-harvest-action-'));
  github = await new GitHubServer().start();
  github.git.seed(REPO, { 'README.md': '# support\n' });
  const rows = [];
  for (let i = 0; i < 4; i++) rows.push(...supportTrace(`t${i}`, i, { failing: true }));
  await writeFile(path.join(dir, 'logs.jsonl'), toJsonl(rows));
  await writeFile(path.join(dir, 'summary.md'), '');
  Object.assign(process.env, {
    GITHUB_WORKSPACE: dir,
    GITHUB_REPOSITORY: REPO,
    GITHUB_API_URL: github.url,
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    'INPUT_GITHUB-TOKEN': 'test-token',
    INPUT_MODE: 'harvest',
    'INPUT_HARVEST-FROM': 'logs.jsonl',
    'INPUT_MIN-OCCURRENCES': '2',
  });
});
afterEach(async () => {
  process.env = { ...saved };
  await github.close();
  await rm(dir, { recursive: true, force: true });
});

test('mode: harvest opens the harvest pull request, then leaves it alone when nothing is new', async () => {
  const first = await runAction();
  expect(first).toEqual({ passed: true, failureMessage: '' });
  const [pull] = github.git.pulls(REPO);
  expect(pull).toMatchObject({ number: 1, head: { ref: 'tracegate/harvest' }, base: { ref: 'main' } });
  const files = github.git.files(REPO, 'tracegate/harvest')!;
  expect(files['datasets/tool-argument-error.jsonl'].trim().split('\n')).toHaveLength(1);
  expect(await readFile(path.join(dir, 'summary.md'), 'utf8')).toMatch(/opened pull request #1/);

  const writes = github.writes().length;
  const second = await runAction();
  expect(second.passed).toBe(true);
  expect(github.writes().length).toBe(writes);
});

test('mode: harvest without a source is an input error; a source with no trace fails the step', async () => {
  delete process.env['INPUT_HARVEST-FROM'];
  await expect(runAction()).rejects.toThrow(/mode 'harvest' needs harvest-from/);
  process.env['INPUT_HARVEST-FROM'] = 'empty.jsonl';
  await writeFile(path.join(dir, 'empty.jsonl'), '');
  const outcome = await runAction();
  expect(outcome).toEqual({
    passed: false,
    failureMessage: 'tracegate harvest: no trace was scored from empty.jsonl: nothing was checked.',
  });
  expect(github.writes()).toEqual([]);
});
