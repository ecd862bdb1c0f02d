/**
 * Issue 8, item 12: `pull_request_target` runs with the base repository's secrets and a write token, and
 * a workflow that checks out the PR would hand both to a fork's code. The bundled action refuses to run
 * anything but `replay` (and refuses code configs and `file:` scorers) on a fork PR there, unless
 * `allow-untrusted-code: true`, and says why. The refused run executes nothing: the build's module is
 * never imported, no results are written, GitHub is not called.
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempProject, jsonl, row } from '../helpers/temp-project.js';
import { GitHubServer } from '../servers/github-server.js';
import { pullRequestPayload, requireBundle, runStep } from '../action/action-runner.js';

let github: GitHubServer;

beforeAll(async () => {
  requireBundle();
  github = await new GitHubServer({ login: 'tracegate-bot' }).start();
});
afterAll(() => github?.close());

/** A project whose build records that it ran (as a fork's code would do something with the secrets). */
function project(config: Record<string, unknown>, configName = 'tracegate.config.json') {
  const p = makeTempProject({
    'package.json': JSON.stringify({ type: 'module' }),
    'build.js': `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./pwned.txt', import.meta.url), String(process.env.OPENAI_API_KEY));\nexport async function answer() { return 'Refunds within 30 days.'; }\n`,
    'datasets/hallucination.jsonl': jsonl([
      row('hal-1', 'hallucination', { expected: '30 days', output: 'Refunds within 30 days.' }),
    ]),
  });
  const text =
    configName.endsWith('.json') || configName.endsWith('.yaml')
      ? configName.endsWith('.json')
        ? JSON.stringify(config)
        : Object.entries(config)
            .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
            .join('\n')
      : `export default ${JSON.stringify(config)};\n`;
  writeFileSync(path.join(p.dir, configName), text);
  return p;
}

const modes = { hallucination: { threshold: 1, scorers: ['contains'] } };

async function prTarget(dir: string, inputs: Record<string, string> = {}, fork = true) {
  github.requests.length = 0;
  return runStep({
    project: dir,
    apiUrl: github.url,
    event: 'pull_request_target',
    payload: pullRequestPayload(50, fork),
    inputs: { comment: 'never', ...inputs },
    env: { OPENAI_API_KEY: 'sk-base-repo-secret-0123456789' },
  });
}

function expectRefusedWithoutRunning(run: Awaited<ReturnType<typeof prTarget>>, dir: string, why: string) {
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(`::error::Refusing to run code from a fork on pull_request_target: ${why}`);
  expect(run.stdout).toContain('allow-untrusted-code: true');
  expect(run.stdout).toContain('docs/action-security.md');
  expect(existsSync(path.join(dir, 'pwned.txt'))).toBe(false);
  expect(existsSync(path.join(dir, '.tracegate'))).toBe(false);
  expect(github.requests).toEqual([]);
  expect(run.outputs).toEqual({});
}

describe('pull_request_target from a fork', () => {
  test('a module task from the config is refused, and nothing runs', async () => {
    const p = project({ task: 'module:./build.js#answer', failure_modes: modes });
    try {
      expectRefusedWithoutRunning(
        await prTarget(p.dir),
        p.dir,
        "the task 'module:./build.js#answer' runs the pull request's code",
      );
    } finally {
      p.cleanup();
    }
  });

  test('a cmd: task given as an input is refused; so is one in a YAML config', async () => {
    const p = project({ task: 'replay', failure_modes: modes });
    try {
      expectRefusedWithoutRunning(
        await prTarget(p.dir, { task: 'cmd:node build.js' }),
        p.dir,
        "the task 'cmd:node build.js' runs the pull request's code",
      );
    } finally {
      p.cleanup();
    }
    const y = project({ task: 'cmd:node build.js', failure_modes: modes }, 'tracegate.config.yaml');
    try {
      expectRefusedWithoutRunning(await prTarget(y.dir), y.dir, "the task 'cmd:node build.js'");
    } finally {
      y.cleanup();
    }
  });

  test('replay with a code config, or with a file: scorer, is refused too (loading them runs them)', async () => {
    const js = project({ task: 'replay', failure_modes: modes }, 'tracegate.config.js');
    try {
      expectRefusedWithoutRunning(
        await prTarget(js.dir),
        js.dir,
        'the config tracegate.config.js is code, and loading it runs it',
      );
    } finally {
      js.cleanup();
    }
    const scorer = project({
      task: 'replay',
      failure_modes: { hallucination: { threshold: 1, scorers: ['file:./build.js#answer'] } },
    });
    try {
      expectRefusedWithoutRunning(
        await prTarget(scorer.dir),
        scorer.dir,
        "the scorer 'file:./build.js#answer' is code from the checkout",
      );
    } finally {
      scorer.cleanup();
    }
  });

  test('replay with built-in scorers runs (it scores recorded outputs), with a warning saying so', async () => {
    const p = project({ task: 'module:./build.js#answer', failure_modes: modes });
    try {
      const run = await prTarget(p.dir, { task: 'replay' });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        '::warning::pull_request_target from a fork: running task replay only (recorded outputs are scored, no code from the pull request runs).',
      );
      expect(run.outputs.passed).toBe('true');
      expect(existsSync(path.join(p.dir, 'pwned.txt'))).toBe(false);
    } finally {
      p.cleanup();
    }
  });

  test('allow-untrusted-code: true runs the task, with a warning naming the risk', async () => {
    const p = project({ task: 'module:./build.js#answer', failure_modes: modes });
    try {
      const run = await prTarget(p.dir, { 'allow-untrusted-code': 'true' });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        "::warning::allow-untrusted-code is true: on pull_request_target from a fork, the task 'module:./build.js#answer' runs the pull request's code, with this workflow's secrets and a token that can write.",
      );
      expect(existsSync(path.join(p.dir, 'pwned.txt'))).toBe(true);
    } finally {
      p.cleanup();
    }
  });

  test('a PR from the same repository is trusted code: it runs without a warning', async () => {
    const p = project({ task: 'module:./build.js#answer', failure_modes: modes });
    try {
      const run = await prTarget(p.dir, {}, false);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('tracegate: evaluating on pull_request_target for pull request #50\n');
      expect(run.stdout).not.toContain('::warning::');
      expect(existsSync(path.join(p.dir, 'pwned.txt'))).toBe(true);
    } finally {
      p.cleanup();
    }
  });

  test('a config that cannot be read as data is refused (what it would run is unknown)', async () => {
    const p = project({ task: 'replay', failure_modes: modes });
    try {
      writeFileSync(path.join(p.dir, 'tracegate.config.json'), '{"task": "replay",');
      expectRefusedWithoutRunning(
        await prTarget(p.dir),
        p.dir,
        'the config could not be read to check what it runs',
      );
    } finally {
      p.cleanup();
    }
  });

  test('a bad allow-untrusted-code value is an input error quoting it', async () => {
    const p = project({ task: 'replay', failure_modes: modes });
    try {
      const run = await prTarget(p.dir, { 'allow-untrusted-code': 'yes' });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(
        "::error::Invalid allow-untrusted-code 'yes'. Expected one of: true, false.",
      );
      rmSync(path.join(p.dir, '.tracegate'), { recursive: true, force: true });
    } finally {
      p.cleanup();
    }
  });
});
