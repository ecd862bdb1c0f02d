/**
 * Issue 8, item 11: the fork-comment flow cannot be forged. In the `workflow_run` half of the fork recipe
 * the PR number and the results come from an artifact the fork's workflow uploaded, so a fork author
 * controls both. The bundled action (`node dist/index.js`) comments only when the PR, as the GitHub API
 * (the local server) reports it, has the triggering run's head commit and head repository; otherwise it
 * warns and writes nothing.
 */
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/cli.js';
import { GitHubServer } from '../servers/github-server.js';
import { createFixtureProject } from '../action/fixture-project.js';
import { MARKER, OWNER, REPO, requireBundle, runStep, workflowRunPayload } from '../action/action-runner.js';

const FORK = `contributor/${REPO}`;
const FORK_SHA = 'c'.repeat(40);
const VICTIM_SHA = 'd'.repeat(40);
let github: GitHubServer;
let project: string;

beforeAll(async () => {
  requireBundle();
  github = await new GitHubServer({ login: 'tracegate-bot' }).start();
  project = createFixtureProject('http://127.0.0.1:9');
  // The artifact: results of a passing run (what the fork's workflow uploaded), made by the real CLI.
  const made = await cli(['eval', '--out', 'made'], project);
  if (made.code !== 0) throw new Error(`fixture eval failed: ${made.stdout}${made.stderr}`);
  mkdirSync(path.join(project, 'artifact'));
  copyFileSync(path.join(project, 'made', 'results.json'), path.join(project, 'artifact', 'results.json'));
  github.setPull(`${OWNER}/${REPO}#40`, { sha: FORK_SHA, repo: FORK });
  github.setPull(`${OWNER}/${REPO}#41`, { sha: VICTIM_SHA, repo: FORK });
  github.setPull(`${OWNER}/${REPO}#42`, { sha: FORK_SHA, repo: `someone-else/${REPO}` });
  github.setPull(`${OWNER}/${REPO}#43`, { sha: 'e'.repeat(40), repo: FORK });
});

afterAll(async () => {
  await github?.close();
  if (project) rmSync(project, { recursive: true, force: true });
});

function mergeStep(prNumber: string, payload = workflowRunPayload(FORK_SHA, FORK)) {
  return runStep({
    project,
    apiUrl: github.url,
    event: 'workflow_run',
    payload,
    inputs: { merge: 'artifact/results.json', out: 'merged', 'pr-number': prNumber },
  });
}

describe('workflow_run: the PR is checked against the triggering run before any comment', () => {
  test('a forged artifact naming another PR is refused: a warning, no write, the victim comment unchanged', async () => {
    const victim = github.seed(
      `${OWNER}/${REPO}#41`,
      `${MARKER}\n<!-- tracegate:digest:feedfacefeedfacefeedfacefeedface -->\n### ❌ tracegate: 1 of 2 failure modes failing\n`,
      'tracegate-bot',
    );
    github.requests.length = 0;
    const run = await mergeStep('41');
    expect(github.writes()).toEqual([]);
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/pulls/41`,
    ]);
    expect(run.stdout).toContain(
      `::warning::Not commenting on pull request #41: pull request #41 is at ddddddd, but the triggering run tested ccccccc (a newer push, or results naming another pull request).`,
    );
    expect(victim.body).toContain('❌ tracegate');
    expect(run.outputs['comment-url']).toBe('');
    // The warning is in the job summary too, where the merge job's reader looks.
    expect(run.summary).toContain('Not commenting on pull request `#41`');
    expect(run.code).toBe(0);
  });

  test('the PR the run tested, from the same fork: the comment is written', async () => {
    github.requests.length = 0;
    const run = await mergeStep('40');
    expect(run.code).toBe(0);
    expect(github.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
      `POST /repos/${OWNER}/${REPO}/issues/40/comments`,
    ]);
    expect(run.stdout).toContain('Pull request #40 is at ccccccc, the commit the triggering run tested.');
    const [comment] = github.list(`${OWNER}/${REPO}#40`);
    expect(comment.body).toContain('### ✅ tracegate: all 2 failure modes pass (5 cases)');
    expect(run.outputs['comment-url']).toBe(
      `https://github.example/${OWNER}/${REPO}/pull/40#issuecomment-${comment.id}`,
    );
  });

  test('same head commit but another head repository: refused', async () => {
    github.requests.length = 0;
    const run = await mergeStep('42');
    expect(github.writes()).toEqual([]);
    expect(run.stdout).toContain(
      `pull request #42 comes from someone-else/${REPO}, but the triggering run came from ${FORK}`,
    );
  });

  test('the PR moved on since the run (a newer push): refused, the newer run will comment', async () => {
    github.requests.length = 0;
    const run = await mergeStep('43');
    expect(github.writes()).toEqual([]);
    expect(run.stdout).toContain('pull request #43 is at eeeeeee, but the triggering run tested ccccccc');
  });

  test('a PR the API does not know, or an event without a head commit: refused', async () => {
    github.requests.length = 0;
    const unknown = await mergeStep('404');
    expect(github.writes()).toEqual([]);
    expect(unknown.stdout).toMatch(
      /Not commenting on pull request #404: the pull request could not be read \(Reading the pull request failed \(HTTP 404\)/,
    );
    const noSha = await mergeStep('40', workflowRunPayload('', FORK));
    expect(github.writes()).toEqual([]);
    expect(noSha.stdout).toContain('the workflow_run event names no head commit');
  });
});
