/**
 * The action with `braintrust-experiment: true`, run as a runner runs it (INPUT_* variables, a
 * pull_request event file, GITHUB_STEP_SUMMARY) from the built library (lib/, what dist/ bundles), against
 * the local GitHub API and Braintrust servers: the experiment's link must be in the PR comment and the job
 * summary.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repo } from '../helpers/cli.js';
import { jsonl, makeTempProject } from '../helpers/temp-project.js';
import { GitHubServer } from '../servers/github-server.js';
import { startBraintrustServer, type BraintrustServer } from '../servers/braintrust-server.js';

const KEY = 'sk-bt-test-action-0123456789';
const OWNER = 'acme';
const REPO = 'support-app';

let github: GitHubServer;
let braintrust: BraintrustServer;
let project: ReturnType<typeof makeTempProject>;
beforeAll(async () => {
  github = await new GitHubServer({ login: 'tracegate-bot' }).start();
  braintrust = await startBraintrustServer({ apiKey: KEY, projects: [] });
  project = makeTempProject({
    'tracegate.config.json': {
      task: 'replay',
      failure_modes: { 'format-violation': { threshold: 1, scorers: ['exact-match'] } },
    },
    'datasets/format-violation.jsonl': jsonl([
      {
        id: 'fmt-1',
        input: { q: 1 },
        expected: 'a',
        output: 'a',
        metadata: { failure_mode: 'format-violation' },
      },
    ]),
  });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: project.dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@x',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@x',
      },
    });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'A');
});
afterAll(async () => {
  await github.close();
  await braintrust.close();
  project.cleanup();
});

test('the experiment link is in the PR comment and the job summary', async () => {
  const step = mkdtempSync(path.join(project.dir, '.step-'));
  const files = {
    event: path.join(step, 'event.json'),
    output: path.join(step, 'out'),
    summary: path.join(step, 'summary.md'),
  };
  const base = { full_name: `${OWNER}/${REPO}`, name: REPO, fork: false, owner: { login: OWNER } };
  writeFileSync(
    files.event,
    JSON.stringify({
      action: 'synchronize',
      number: 7,
      pull_request: {
        number: 7,
        state: 'open',
        head: { ref: 'feature', sha: 'a'.repeat(40), repo: base, user: base.owner },
        base: { ref: 'main', sha: 'b'.repeat(40), repo: base, user: base.owner },
      },
      repository: base,
    }),
  );
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(INPUT_|GITHUB_|RUNNER_|BRAINTRUST_)/.test(k)) env[k] = v;
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_WORKSPACE: project.dir,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_HEAD_REF: 'feature',
    GITHUB_BASE_REF: 'main',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: step,
    BRAINTRUST_APP_URL: braintrust.url,
    BRAINTRUST_API_URL: braintrust.url,
    'INPUT_GITHUB-TOKEN': 'test-token',
    INPUT_COMMENT: 'always',
    'INPUT_COMMENT-ID': 'tracegate',
    'INPUT_BRAINTRUST-API-KEY': KEY,
    'INPUT_BRAINTRUST-PROJECT': 'support-prod',
    'INPUT_BRAINTRUST-EXPERIMENT': 'true',
  });
  const entry = `import(${JSON.stringify(path.join(repo, 'lib/src/action/main.js'))}).then((m) => m.run())`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', entry], { cwd: project.dir, env });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  // The key is registered as a secret (the runner masks it) and appears nowhere else.
  expect(stdout).toContain(`::add-mask::${KEY}`);
  expect(stdout.replace(`::add-mask::${KEY}`, '')).not.toContain(KEY);

  const experiment = [...braintrust.experiments.values()][0];
  expect(experiment.metadata).toMatchObject({ pr_number: 7, git_branch: 'feature' });
  expect(experiment.rows.size).toBe(1);
  const url = `${braintrust.url}/app/acme/p/support-prod/experiments/${encodeURIComponent(experiment.name)}`;
  const line = `🧪 Braintrust experiment: [${experiment.name}](${url})`;
  const comments = github.list(`${OWNER}/${REPO}#7`);
  expect(comments).toHaveLength(1);
  expect(comments[0].body).toContain(line);
  expect(readFileSync(files.summary, 'utf8')).toContain(line);
}, 120_000);
