/**
 * End to end: runs the bundle `node dist/index.js` exactly as a runner does (see action-runner.ts) against a
 * local GitHub API (test/servers/github-server.ts, real HTTP) and a local trace viewer answering the origin
 * links. Every test is self-contained: the baseline from main is made in beforeAll, and each test uses its
 * own pull request number and seeds the comments it needs, so any one test runs alone and in any order.
 * Run `npm run bundle` first: this tests dist/, not src/.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { GitHubServer } from '../servers/github-server.js';
import { createFixtureProject, FIXTURE_PROJECT_ID } from './fixture-project.js';
import {
  HEAD_SHA,
  MARKER,
  OWNER,
  pullRequestPayload,
  REPO,
  requireBundle,
  runStep as runActionStep,
  type StepRun,
} from './action-runner.js';

let github: GitHubServer;
let origin: Server;
let originUrl: string;
let project: string;
const originHits: string[] = [];

function runStep(event: string, payload: unknown, inputs: Record<string, string>): Promise<StepRun> {
  return runActionStep({ project, apiUrl: github.url, event, payload, inputs });
}

function ownComments(issue: string) {
  return github.list(issue).filter((c) => c.body.includes(MARKER) && c.user.login === 'tracegate-bot');
}

/** A comment of ours from an earlier run that showed all green. */
function seedGreenComment(issue: string) {
  return github.seed(
    issue,
    `${MARKER}\n<!-- tracegate:digest:0123456789abcdef0123456789abcdef -->\n### ✅ tracegate: all 2 failure modes pass (5 cases)\n\nearlier results\n`,
    'tracegate-bot',
  );
}

beforeAll(async () => {
  requireBundle();
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
  // The baseline main saved (what the push workflow uploads and the PR workflow downloads).
  const main = await runStep('push', { ref: 'refs/heads/main', after: 'b'.repeat(40) }, { out: 'main-out' });
  if (main.code !== 0) throw new Error(`the baseline run failed (exit ${main.code}): ${main.stdout}`);
  mkdirSync(path.join(project, 'baseline'));
  copyFileSync(
    path.join(project, 'main-out', 'results.json'),
    path.join(project, 'baseline', 'results.json'),
  );
});

afterAll(async () => {
  await github?.close();
  await new Promise((resolve) => origin?.close(resolve));
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('node dist/index.js on a runner', () => {
  test('push to main: gates, sets outputs, writes the summary, never calls the comment API', async () => {
    github.requests.length = 0;
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
    expect(run.outputs['junit-path']).toBe(path.join(project, '.tracegate', 'junit.xml'));
    expect(run.outputs['comment-url']).toBe('');
    expect(JSON.parse(run.outputs['failure-modes'])).toEqual({
      'format-violation': expect.objectContaining({ verdict: 'pass', pass_rate: 1 }),
      hallucination: expect.objectContaining({ verdict: 'pass', pass_rate: 1 }),
    });
    expect(run.summary).toContain('tracegate: all 2 failure modes pass (5 cases)');
    // The summary's footer names the run; push has no PR head, so the commit is GITHUB_SHA.
    expect(run.summary).toContain(
      'commit fffffff · [workflow run](https://github.example/acme/support-app/actions/runs/4242)',
    );
  });

  test('first PR run: posts "running…", then fills in the same comment; finds it past page 1; ignores a marked comment by someone else', async () => {
    const pr = `${OWNER}/${REPO}#7`;
    for (let i = 0; i < 120; i++) github.seed(pr, `Looks good ${i}`, i % 2 ? 'reviewer' : 'dev');
    const stale = github.seed(pr, `${MARKER}\nold results copied by another bot`, 'other-bot[bot]');
    github.requests.length = 0;

    const run = await runStep('pull_request', pullRequestPayload(7), { baseline: 'baseline/results.json' });
    expect(run.code).toBe(0);
    const writes = github.writes();
    expect(writes.map((w) => w.method)).toEqual(['POST', 'PATCH']);
    expect(writes[0].body).toContain('### ⏳ tracegate is running…');
    expect(writes.every((w) => w.authorization === 'token test-token')).toBe(true);
    expect(github.requests.some((r) => r.method === 'GET' && /[?&]page=2\b/.test(r.path))).toBe(true);
    const mine = ownComments(pr);
    expect(mine).toHaveLength(1);
    expect(writes[1].path).toBe(`/repos/${OWNER}/${REPO}/issues/comments/${mine[0].id}`);
    expect(mine[0].body).toContain('tracegate: all 2 failure modes pass (5 cases)');
    expect(mine[0].body).not.toContain('is running');
    expect(stale.body).toBe(`${MARKER}\nold results copied by another bot`);
    expect(run.outputs.passed).toBe('true');
    expect(run.outputs['comment-url']).toBe(
      `https://github.example/${OWNER}/${REPO}/pull/7#issuecomment-${mine[0].id}`,
    );
  });

  test('regressed build on a PR with an earlier comment: marks it re-running (last verdict kept), then fills in the regressions with working links', async () => {
    const pr = `${OWNER}/${REPO}#11`;
    const earlier = seedGreenComment(pr);
    github.requests.length = 0;
    const run = await runStep('pull_request', pullRequestPayload(11), {
      baseline: 'baseline/results.json',
      task: 'module:./build-regressed.js#answer',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /::error::tracegate gate failed: 1 failure mode failing: hallucination \(pass rate 0.33 < threshold 1.00; 2 regression\(s\) against the baseline\)/,
    );
    const writes = github.writes();
    expect(writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${earlier.id}`,
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${earlier.id}`,
    ]);
    // While it runs, the last verdict stays readable under a banner.
    expect(writes[0].body).toContain('> ⏳ **tracegate is re-running** for commit aaaaaaa');
    expect(writes[0].body).toContain(
      '### ✅ tracegate: all 2 failure modes pass (5 cases)\n\nearlier results',
    );
    const [comment] = ownComments(pr);
    expect(comment.id).toBe(earlier.id);
    expect(comment.body).not.toContain('re-running');
    expect(comment.body).toContain(
      '### ❌ tracegate: 1 of 2 failure modes failing: `hallucination` · 2 regressions\n',
    );
    expect(comment.body).toMatch(/hal-0002.*🔻\u00a0regressed/);
    expect(comment.body).toMatch(/hal-0003.*🔻\u00a0regressed/);
    // Hostile model output is quoted inertly: no HTML, no live mention, no broken <details>.
    expect(comment.body).toContain(
      '&lt;b&gt;unless&lt;/b&gt; `@here` says otherwise &lt;/details&gt; &#96;rm -rf&#96; \\[click\\](javascript:alert(1))',
    );
    expect(comment.body).not.toMatch(/(?<!`)@here|<b>|`rm|(?<!\\)\]\(javascript:/);
    expect(comment.body.match(/<details/g)?.length ?? 0).toBe(
      comment.body.match(/<\/details>/g)?.length ?? 0,
    );
    // Dataset lines link to the file at the PR's head commit; the footer names commit, run and time.
    expect(comment.body).toContain(
      `[datasets/hallucination.jsonl:2](https://github.example/${OWNER}/${REPO}/blob/${HEAD_SHA}/datasets/hallucination.jsonl#L2)`,
    );
    expect(comment.body).toMatch(
      /<sub>tracegate · commit aaaaaaa · \[workflow run\]\(https:\/\/github\.example\/acme\/support-app\/actions\/runs\/4242\) · \d{4}-\d\d-\d\d \d\d:\d\d UTC · /,
    );
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

  test('comment: on-failure, a second run with identical results writes nothing', async () => {
    const pr = `${OWNER}/${REPO}#12`;
    const inputs = {
      baseline: 'baseline/results.json',
      task: 'module:./build-regressed.js#answer',
      comment: 'on-failure',
    };
    const first = await runStep('pull_request', pullRequestPayload(12), inputs);
    expect(first.code).toBe(1);
    expect(ownComments(pr)).toHaveLength(1);
    const before = ownComments(pr)[0].body;
    github.requests.length = 0;
    const second = await runStep('pull_request', pullRequestPayload(12), inputs);
    expect(second.code).toBe(1);
    expect(github.writes()).toEqual([]);
    expect(second.stdout).toContain('PR comment unchanged');
    expect(ownComments(pr)[0].body).toBe(before);
    expect(second.outputs['comment-url']).toBe(
      `https://github.example/${OWNER}/${REPO}/pull/12#issuecomment-${ownComments(pr)[0].id}`,
    );
  });

  test('a partial fix updates the comment again, still failing on the remaining regression', async () => {
    const pr = `${OWNER}/${REPO}#13`;
    const inputs = { baseline: 'baseline/results.json' };
    const regressed = await runStep('pull_request', pullRequestPayload(13), {
      ...inputs,
      task: 'module:./build-regressed.js#answer',
    });
    expect(regressed.code).toBe(1);
    expect(ownComments(pr)[0].body).toContain('· 2 regressions');
    github.requests.length = 0;
    const run = await runStep('pull_request', pullRequestPayload(13), {
      ...inputs,
      task: 'module:./build-fixed.js#answer',
    });
    expect(run.code).toBe(1);
    expect(github.writes().map((w) => w.method)).toEqual(['PATCH', 'PATCH']);
    expect(ownComments(pr)).toHaveLength(1);
    expect(ownComments(pr)[0].body).toContain('· 1 regression\n');
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
    // Without a key a judge keeps its declared (blocking) mode and skips: with on-skipped: warn (the fork
    // recipe) the mode is `skipped`, never `pass`.
    expect(JSON.parse(run.outputs['failure-modes'])['instruction-follow-failure']).toMatchObject({
      verdict: 'skipped',
      pass_rate: null,
    });
    expect(run.stdout).toMatch(
      /::warning::2 cases were skipped, not passed: no scorer could run on them\. No judge-api-key was given \(secrets are absent on pull requests from forks\)/,
    );
    expect(run.summary).toMatch(/\| ⏭️\s`instruction-follow-failure` \| —\s\(0\/0,\s2\sskipped\)/);
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
    expect(run.outputs['comment-url']).toBe('');
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
    expect(comment.body).toContain('1 of 2 failure modes failing: `hallucination` · 2 regressions');
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
    expect(comment.body).toContain('No verdict for this pull request yet.');
    expect(comment.body).not.toContain('is running');
  });

  test('a run that cannot finish on a PR with earlier results keeps them readable, marked as the previous run', async () => {
    const pr = `${OWNER}/${REPO}#14`;
    const earlier = seedGreenComment(pr);
    const run = await runStep('pull_request', pullRequestPayload(14), {
      task: 'module:./no-such-build.js#answer',
    });
    expect(run.code).toBe(1);
    const [comment] = ownComments(pr);
    expect(comment.id).toBe(earlier.id);
    expect(comment.body).toContain('### ⚠️ tracegate could not run');
    expect(comment.body).toContain(
      'No verdict for the latest commit; the results below are from the previous run.',
    );
    expect(comment.body).toContain('### ✅ tracegate: all 2 failure modes pass (5 cases)\n\nearlier results');
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
