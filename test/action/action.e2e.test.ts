/**
 * End to end: runs the committed bundle `node dist/index.js` exactly as a runner does (INPUT_* variables,
 * GITHUB_EVENT_PATH with a real event payload, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) against a local GitHub
 * API (test/servers/github-server.ts, real HTTP) and a local trace viewer answering the origin links.
 * Run `npm run bundle` first: this tests dist/, not src/.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GitHubServer } from '../servers/github-server.js';
import { createFixtureProject, FIXTURE_PROJECT_ID } from './fixture-project.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const entry = path.join(root, 'dist', 'index.js');
const MARKER = '<!-- tracegate:comment:tracegate -->';
const OWNER = 'acme';
const REPO = 'support-app';

interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

let github: GitHubServer;
let origin: Server;
let originUrl: string;
let project: string;
let runnerTemp: string;
const originHits: string[] = [];

/** A pull_request payload as GitHub sends it (the fields a consumer reads), from a fork or not. */
function pullRequestPayload(number: number, fork = false) {
  const base = { full_name: `${OWNER}/${REPO}`, name: REPO, fork: false, owner: { login: OWNER } };
  const head = fork
    ? { full_name: `contributor/${REPO}`, name: REPO, fork: true, owner: { login: 'contributor' } }
    : base;
  return {
    action: 'synchronize',
    number,
    pull_request: {
      number,
      state: 'open',
      title: 'Tweak the support prompt',
      user: { login: fork ? 'contributor' : 'dev' },
      head: { ref: 'prompt-tweak', sha: 'a'.repeat(40), repo: head, user: head.owner },
      base: { ref: 'main', sha: 'b'.repeat(40), repo: base, user: base.owner },
    },
    repository: base,
    sender: { login: fork ? 'contributor' : 'dev' },
  };
}

/** Run the action once, as a runner does: a fresh output file and summary file per step. */
async function runStep(event: string, payload: unknown, inputs: Record<string, string>): Promise<StepRun> {
  const step = mkdtempSync(path.join(runnerTemp, 'step-'));
  const files = {
    event: path.join(step, 'event.json'),
    output: path.join(step, 'output'),
    summary: path.join(step, 'summary.md'),
  };
  writeFileSync(files.event, JSON.stringify(payload));
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(INPUT_|GITHUB_|RUNNER_|ACTIONS_|OPENAI_|BRAINTRUST_)/.test(k)) env[k] = v;
  }
  Object.assign(env, {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_WORKSPACE: project,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: step,
    // Defaults from action.yml, which the runner fills in for inputs the workflow leaves out.
    'INPUT_GITHUB-TOKEN': 'test-token',
    INPUT_COMMENT: 'always',
    'INPUT_COMMENT-ID': 'tracegate',
  });
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const child = spawn(process.execPath, [entry], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(files.output, 'utf8')),
    summary: readFileSync(files.summary, 'utf8'),
  };
}

/** Parse GITHUB_OUTPUT (`name<<delimiter` … `delimiter` blocks, as @actions/core writes them). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([^\n<]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]] = m[3];
  return out;
}

function ownComments(issue: string) {
  return github.list(issue).filter((c) => c.body.includes(MARKER) && c.user.login === 'tracegate-bot');
}

beforeAll(async () => {
  if (!existsSync(entry)) throw new Error('dist/index.js is missing: run `npm run bundle` before this test.');
  github = await new GitHubServer({ login: 'tracegate-bot' }).start();
  // The trace viewer the origin links point at: answers a Braintrust-style permalink for known rows.
  origin = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    originHits.push(url.pathname + url.search);
    const ok =
      url.pathname === '/app/acme/object' &&
      url.searchParams.get('object_type') === 'project_logs' &&
      url.searchParams.get('object_id') === FIXTURE_PROJECT_ID &&
      /^row-(hal|fmt)-\d{4}$/.test(url.searchParams.get('id') ?? '');
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(ok ? { id: url.searchParams.get('id') } : { error: 'no such row' }));
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  project = createFixtureProject(originUrl);
  runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'tracegate-runner-'));
});

afterAll(async () => {
  await github?.close();
  await new Promise((resolve) => origin?.close(resolve));
  for (const dir of [project, runnerTemp]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('node dist/index.js on a runner', () => {
  const pr = `${OWNER}/${REPO}#7`;
  let commentId: number;

  test('push to main: gates, sets outputs, writes the summary, never calls the comment API; results become the baseline', async () => {
    const run = await runStep(
      'push',
      { ref: 'refs/heads/main', after: 'b'.repeat(40), repository: { full_name: `${OWNER}/${REPO}` } },
      {},
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^(::add-mask::.*\n)*tracegate: evaluating on push\n/);
    expect(run.stdout).toContain('::group::Evaluate');
    expect(run.stdout).not.toContain('running…');
    expect(github.requests).toHaveLength(0);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs.regressions).toBe('0');
    expect(run.outputs['results-path']).toBe(path.join(project, '.tracegate', 'results.json'));
    expect(run.outputs['report-path']).toBe(path.join(project, '.tracegate', 'report.md'));
    expect(JSON.parse(run.outputs['failure-modes'])).toEqual({
      'format-violation': expect.objectContaining({ verdict: 'pass', pass_rate: 1 }),
      hallucination: expect.objectContaining({ verdict: 'pass', pass_rate: 1 }),
    });
    expect(run.summary).toContain('tracegate: all 2 failure modes pass (5 cases)');
    // What the push workflow uploads (artifact or cache) and the PR workflow downloads.
    mkdirSync(path.join(project, 'baseline'));
    copyFileSync(run.outputs['results-path'], path.join(project, 'baseline', 'results.json'));
  });

  test('first PR run: posts "running…", then fills in the same comment; finds it past page 1; ignores a marked comment by someone else', async () => {
    for (let i = 0; i < 120; i++) github.seed(pr, `Looks good ${i}`, i % 2 ? 'reviewer' : 'dev');
    const stale = github.seed(pr, `${MARKER}\nold results copied by another bot`, 'other-bot[bot]');
    github.requests.length = 0;

    const run = await runStep('pull_request', pullRequestPayload(7), { baseline: 'baseline/results.json' });
    expect(run.code).toBe(0);
    const writes = github.writes();
    expect(writes.map((w) => w.method)).toEqual(['POST', 'PATCH']);
    expect(writes.every((w) => w.authorization === 'token test-token')).toBe(true);
    expect(github.requests.some((r) => r.method === 'GET' && /[?&]page=2\b/.test(r.path))).toBe(true);
    const mine = ownComments(pr);
    expect(mine).toHaveLength(1);
    commentId = mine[0].id;
    expect(writes[1].path).toBe(`/repos/${OWNER}/${REPO}/issues/comments/${commentId}`);
    expect(mine[0].body).toContain('tracegate: all 2 failure modes pass (5 cases)');
    expect(mine[0].body).not.toContain('is running');
    expect(stale.body).toBe(`${MARKER}\nold results copied by another bot`);
    expect(run.outputs.passed).toBe('true');
  });

  test('second PR run, regressed build: fails the step, updates the same comment naming the regressed modes with working origin links', async () => {
    github.requests.length = 0;
    const run = await runStep('pull_request', pullRequestPayload(7), {
      baseline: 'baseline/results.json',
      task: 'module:./build-regressed.js#answer',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::tracegate gate failed: 1 failure mode failing: hallucination \(pass rate 0.33 < threshold 1.00; 2 regression\(s\) against the baseline\)/,
    );
    expect(github.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${commentId}`,
    ]);
    const [comment] = ownComments(pr);
    expect(comment.id).toBe(commentId);
    expect(comment.body).toContain(
      '### ❌ tracegate: 1 of 2 failure modes failing: `hallucination` · 2 regression(s) against the baseline',
    );
    expect(comment.body).toMatch(/hal-0002.*🔻 regressed/);
    expect(comment.body).toMatch(/hal-0003.*🔻 regressed/);
    // Hostile model output is quoted inertly: no HTML, no mention, no broken <details>.
    expect(comment.body).toContain(
      '&lt;b&gt;unless&lt;/b&gt; @\u200dhere says otherwise &lt;/details&gt; &#96;rm -rf&#96; \\[click\\](javascript:alert(1))',
    );
    expect(comment.body).not.toMatch(/@here|<b>|`rm|(?<!\\)\]\(javascript:/);
    expect(comment.body.match(/<details/g)?.length).toBe(comment.body.match(/<\/details>/g)?.length);
    // Origin links: Braintrust permalinks that the trace viewer answers.
    const links = [...comment.body.matchAll(/\[span\]\((http[^)]+)\)/g)].map((m) => m[1]);
    expect(links).toEqual([
      `${originUrl}/app/acme/object?object_type=project_logs&object_id=${FIXTURE_PROJECT_ID}&id=row-hal-0002`,
      `${originUrl}/app/acme/object?object_type=project_logs&object_id=${FIXTURE_PROJECT_ID}&id=row-hal-0003`,
    ]);
    for (const link of links) expect((await fetch(link)).status).toBe(200);
    // Annotations at the dataset lines, regressions first; outputs.
    expect(run.stdout).toContain(
      '::error title=tracegate hallucination%3A hal-0002 regressed,file=datasets/hallucination.jsonl,line=2::Regressed (passed on the baseline)',
    );
    expect(run.stdout).toContain(
      '::error title=tracegate hallucination%3A hal-0003 regressed,file=datasets/hallucination.jsonl,line=3::Regressed (passed on the baseline)',
    );
    expect(run.outputs.passed).toBe('false');
    expect(run.outputs.regressions).toBe('2');
    expect(JSON.parse(run.outputs['failure-modes']).hallucination).toMatchObject({
      verdict: 'fail',
      regressions: 2,
      baseline_pass_rate: 1,
    });
    expect(run.summary).toContain('failure modes failing');
  });

  test('third PR run with identical results: no write at all', async () => {
    github.requests.length = 0;
    const before = ownComments(pr)[0].body;
    const run = await runStep('pull_request', pullRequestPayload(7), {
      baseline: 'baseline/results.json',
      task: 'module:./build-regressed.js#answer',
    });
    expect(run.code).toBe(1);
    expect(github.writes()).toEqual([]);
    expect(run.stdout).toContain('PR comment unchanged');
    expect(ownComments(pr)[0].body).toBe(before);
  });

  test('a partial fix updates the comment again (one PATCH), still failing on the remaining regression', async () => {
    github.requests.length = 0;
    const run = await runStep('pull_request', pullRequestPayload(7), {
      baseline: 'baseline/results.json',
      task: 'module:./build-fixed.js#answer',
    });
    expect(run.code).toBe(1);
    expect(github.writes().map((w) => w.method)).toEqual(['PATCH']);
    expect(ownComments(pr)[0].body).toContain('1 regression(s) against the baseline');
    expect(run.outputs.regressions).toBe('1');
  });

  test('fork PR with a read-only token: a 403 on the comment is a warning; the gate, summary and outputs still work', async () => {
    github.forbidCreate.add(`${OWNER}/${REPO}#8`);
    github.requests.length = 0;
    const run = await runStep('pull_request', pullRequestPayload(8, true), {
      baseline: 'baseline/results.json',
      config: 'tracegate.with-judge.config.json',
      // The fork recipe: secrets are absent by design, so "not checked" warns instead of failing.
      'on-skipped': 'warn',
    });
    expect(run.code).toBe(0);
    // The judge-scored mode has no key on a fork: skipped, never passed, and said so.
    expect(JSON.parse(run.outputs['failure-modes'])['instruction-follow-failure']).toMatchObject({
      verdict: 'skipped',
      pass_rate: null,
    });
    expect(run.stdout).toMatch(
      /::warning::2 cases were skipped, not passed: no scorer could run on them\. No judge-api-key was given \(secrets are absent on pull requests from forks\)/,
    );
    expect(run.summary).toMatch(/\| ⏭️ `instruction-follow-failure` \| — \(0\/0 · 2 skipped\)/);
    expect(run.summary).toContain('passed, but 2 case(s) were not checked');
    expect(run.summary).toMatch(/Not checked:\*\* `instruction-follow-failure` 2 of 2 case\(s\)/);
    expect(run.stdout).toContain('(from a fork)');
    expect(run.stdout).toMatch(
      /::warning::Could not write the PR comment: Creating the PR comment failed \(HTTP 403\).*forks GITHUB_TOKEN is read-only.*Pull requests from forks/,
    );
    // One attempt only: the "running…" comment failed, so the final one is not tried again.
    expect(github.writes()).toHaveLength(1);
    expect(github.list(`${OWNER}/${REPO}#8`)).toHaveLength(0);
    expect(run.summary).toContain('Could not write the PR comment');
    expect(run.outputs.passed).toBe('true');
  });

  test('sharded matrix then a merge job: shards post nothing, the merge job posts one comment for all cases', async () => {
    github.requests.length = 0;
    for (const k of [1, 2]) {
      const shard = await runStep('pull_request', pullRequestPayload(9), {
        shard: `${k}/2`,
        out: `shards/${k}`,
        comment: 'never',
        baseline: 'baseline/results.json',
        task: 'module:./build-regressed.js#answer',
      });
      expect(shard.stdout).toContain('comment: never');
      expect(shard.outputs['results-path']).toBe(path.join(project, 'shards', String(k), 'results.json'));
    }
    expect(github.requests).toHaveLength(0);
    const merge = await runStep('pull_request', pullRequestPayload(9), {
      merge: 'shards/*/results.json',
      out: 'merged',
    });
    expect(merge.stdout).toContain('tracegate: merging shards/*/results.json');
    expect(merge.code).toBe(1);
    expect(github.writes().map((w) => w.method)).toEqual(['POST']);
    const [comment] = ownComments(`${OWNER}/${REPO}#9`);
    expect(comment.body).toContain('1 of 2 failure modes failing: `hallucination` · 2 regression(s)');
    expect(comment.body).toMatch(/5 cases/);
    expect(merge.outputs['results-path']).toBe(path.join(project, 'merged', 'results.json'));
    expect(JSON.parse(readFileSync(merge.outputs['results-path'], 'utf8')).cases).toHaveLength(5);
  });

  test('a run that cannot finish replaces its "running…" comment with the error and fails the step', async () => {
    github.requests.length = 0;
    const run = await runStep('pull_request', pullRequestPayload(10), {
      task: 'module:./no-such-build.js#answer',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('::error::Task module not found: ./no-such-build.js');
    expect(github.writes().map((w) => w.method)).toEqual(['POST', 'PATCH']);
    const [comment] = ownComments(`${OWNER}/${REPO}#10`);
    expect(comment.body).toContain(
      '### ⚠️ tracegate could not run\n\n> Task module not found: ./no-such-build.js',
    );
    expect(comment.body).not.toContain('is running');
  });

  test('a bad input fails the step with a message quoting the value and the expected form', async () => {
    github.requests.length = 0;
    const run = await runStep('pull_request', pullRequestPayload(7), {
      trials: 'three',
      'fail-on': 'sometimes',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "::error::Invalid inputs:%0A  Invalid trials 'three'. Expected a whole number ≥ 1, e.g. 3.",
    );
    expect(run.stdout).toContain(
      "Invalid fail-on 'sometimes'. Expected one of: regression, threshold, both, never.",
    );
    expect(github.requests).toHaveLength(0);
  });

  test('a missing baseline warns and gates on thresholds; secrets given as inputs are masked', async () => {
    const run = await runStep(
      'push',
      { ref: 'refs/heads/main' },
      { baseline: 'nowhere/results.json', 'judge-api-key': 'sk-secret-123' },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::add-mask::sk-secret-123');
    expect(run.stdout).toContain('::add-mask::test-token');
    expect(run.stdout).toMatch(/::warning::No baseline at nowhere\/results.json/);
  });
});
