import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { BUILTIN_SCORERS } from '../../scorers/registry.js';
import { cli } from '../helpers/cli.js';
import { jsonl, makeTempProject } from '../helpers/temp-project.js';
import { startBraintrustServer, type BraintrustServer } from '../servers/braintrust-server.js';

const KEY = 'sk-bt-test-experiments-0123456789';
const PROJECT_ID = 'a1b2c3d4-0000-4000-8000-0000000000e1';

/** Replay rows: fmt-2 fails (its recorded output is not the expected one). */
const ROWS = [
  {
    id: 'fmt-1',
    input: { q: 1 },
    expected: 'a',
    output: 'a',
    metadata: { failure_mode: 'format-violation' },
  },
  {
    id: 'fmt-2',
    input: { q: 2 },
    expected: 'b',
    output: 'x',
    origin: { object_type: 'project_logs', object_id: PROJECT_ID, id: 'log-2' },
    metadata: { failure_mode: 'format-violation' },
  },
  {
    id: 'fmt-3',
    input: { q: 3 },
    expected: 'c',
    output: 'c',
    metadata: { failure_mode: 'format-violation' },
  },
];
const CONFIG = {
  task: 'replay',
  braintrust: { project: 'support-prod', org: 'acme' },
  failure_modes: { 'format-violation': { threshold: 0.5, scorers: ['exact-match'] } },
};
const hashOf = (row: object) => 'sha256:' + createHash('sha256').update(JSON.stringify(row)).digest('hex');
const fingerprint = {
  datasets: 'sha256:older',
  scorers: { 'exact-match': BUILTIN_SCORERS['exact-match'].version },
  judge: { model: null, prompt: null },
};

/** The rows of an experiment tracegate logged on a commit where every case passed. */
function passingRows() {
  return ROWS.map((r) => ({
    id: r.id,
    input: r.input,
    output: r.expected,
    scores: { 'exact-match': 1 },
    metadata: {
      tracegate: {
        case_id: r.id,
        failure_mode: r.metadata.failure_mode,
        passed: true,
        status: 'passed',
        hash: hashOf(r),
      },
    },
  }));
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@x',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@x',
    },
  }).trim();
}

let server: BraintrustServer;
let project: ReturnType<typeof makeTempProject>;
let commits: { a: string; b: string; c: string; d: string };
beforeEach(async () => {
  server = await startBraintrustServer({ apiKey: KEY, projects: [{ id: PROJECT_ID, name: 'support-prod' }] });
  project = makeTempProject({
    'tracegate.config.json': CONFIG,
    'datasets/format-violation.jsonl': jsonl(ROWS),
  });
  const dir = project.dir;
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'A');
  const a = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'B');
  const b = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-qb', 'feature');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'D');
  const d = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', 'main');
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'C');
  const c = git(dir, 'rev-parse', 'HEAD');
  git(dir, 'checkout', '-q', 'feature');
  commits = { a, b, c, d };
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const btEnv = (extra: Record<string, string | undefined> = {}) => ({
  BRAINTRUST_API_KEY: KEY,
  BRAINTRUST_APP_URL: server.url,
  BRAINTRUST_API_URL: server.url,
  BRAINTRUST_ORG_NAME: undefined,
  BRAINTRUST_PROJECT: undefined,
  GITHUB_REF: 'refs/pull/7/merge',
  GITHUB_HEAD_REF: 'feature',
  GITHUB_BASE_REF: 'main',
  GITHUB_EVENT_PATH: undefined,
  ...extra,
});

test("the run is logged as an experiment linked in the PR comment, against the base branch's experiment on the nearest ancestor of the merge-base", async () => {
  // The base branch ran tracegate on A (everything passed) and on C, after the fork (not an ancestor).
  server.addExperiment({
    name: 'main A',
    project_id: PROJECT_ID,
    created: '2026-11-01T00:00:00.000Z',
    repo_info: { commit: commits.a, branch: 'main' },
    metadata: { tracegate: { fingerprint } },
    rows: passingRows(),
  });
  server.addExperiment({
    name: 'main C',
    project_id: PROJECT_ID,
    created: '2026-11-03T00:00:00.000Z',
    repo_info: { commit: commits.c, branch: 'main' },
    metadata: { tracegate: { fingerprint } },
    rows: [],
  });
  // An experiment that is not tracegate's, on B itself, is not a baseline.
  server.addExperiment({
    name: 'someone else',
    project_id: PROJECT_ID,
    created: '2026-11-02T00:00:00.000Z',
    repo_info: { commit: commits.b },
    metadata: null,
  });

  const run = await cli(['eval', '--braintrust-experiment', '--quiet'], project.dir, btEnv());
  expect(run.stderr).toMatch(
    new RegExp(
      `baseline: Braintrust experiment "main A" on ${commits.a.slice(0, 12)} \\(1 commit\\(s\\) before the merge-base ${commits.b.slice(0, 12)}\\), 3 case\\(s\\)`,
    ),
  );
  // fmt-2 passed on the base branch and fails now: a regression, exit 1.
  expect(run.code).toBe(1);

  const created = [...server.experiments.values()].find(
    (e) => !['main A', 'main C', 'someone else'].includes(e.name),
  )!;
  expect(created.name).toBe(`tracegate pr-7 ${commits.d.slice(0, 7)}`);
  expect(created.metadata).toMatchObject({
    git_commit: commits.d,
    git_branch: 'feature',
    pr_number: 7,
    base_branch: 'main',
  });
  expect(created.repo_info).toMatchObject({ commit: commits.d, branch: 'feature' });
  const logged = [...created.rows.values()].sort((x, y) => String(x.id).localeCompare(String(y.id)));
  expect(logged.map((r) => [r.id, r.input, r.output, r.expected, r.scores])).toEqual([
    ['fmt-1', { q: 1 }, 'a', 'a', { 'exact-match': 1 }],
    ['fmt-2', { q: 2 }, 'x', 'b', { 'exact-match': 0 }],
    ['fmt-3', { q: 3 }, 'c', 'c', { 'exact-match': 1 }],
  ]);
  expect((logged[1].metadata as any).tracegate).toMatchObject({
    passed: false,
    vs_baseline: 'regressed',
    failure_mode: 'format-violation',
  });
  expect((logged[1].metadata as any).failure_mode).toBe('format-violation');

  const url = `${server.url}/app/acme/p/support-prod/experiments/${encodeURIComponent(created.name)}`;
  const results = JSON.parse(await readFile(path.join(project.dir, '.tracegate/results.json'), 'utf8'));
  expect(results.braintrust_experiment).toEqual({
    project: 'support-prod',
    name: created.name,
    id: created.id,
    url,
  });
  expect(results.cases.find((c: { id: string }) => c.id === 'fmt-2').vs_baseline).toBe('regressed');
  expect(results.baseline.path).toBe('braintrust experiment main A');
  // Permalinks to the origin span use BRAINTRUST_APP_URL (a self-hosted app) in the SDK's format.
  const permalink = `${server.url}/app/acme/object?object_type=project_logs&object_id=${PROJECT_ID}&id=log-2`;
  expect(results.cases.find((c: { id: string }) => c.id === 'fmt-2').origin_url).toBe(permalink);
  // The PR comment body (report.md, which the action posts and puts in the job summary) links it.
  const report = await readFile(path.join(project.dir, '.tracegate/report.md'), 'utf8');
  expect(report).toContain(`🧪 Braintrust experiment: [tracegate pr-7 ${commits.d.slice(0, 7)}](${url})`);
  expect(report).toMatch(/1 regression\(s\) against the baseline/);
  expect(report).toContain(`[span](${permalink})`);
  expect(run.stdout).toContain(`experiment: ${url}`);
});

test('a local baseline file wins; with none and no experiment on any ancestor the run says so and is not compared', async () => {
  const run = await cli(['eval', '--braintrust-experiment', 'my run', '--quiet'], project.dir, btEnv());
  expect(run.stderr).toMatch(
    /no baseline: no tracegate experiment in Braintrust on main's merge-base [0-9a-f]{12} or any ancestor/,
  );
  expect(run.code).toBe(0);
  expect([...server.experiments.values()].map((e) => e.name)).toEqual(['my run']);
  expect(
    JSON.parse(await readFile(path.join(project.dir, '.tracegate/results.json'), 'utf8')).baseline,
  ).toBeNull();

  await rm(path.join(project.dir, '.tracegate'), { recursive: true });
  const first = await cli(['eval', '--quiet', '--out', 'base'], project.dir, btEnv());
  expect(first.code).toBe(0);
  server.requests.length = 0;
  const withFile = await cli(
    ['eval', '--braintrust-experiment', 'second', '--baseline', 'base/results.json', '--quiet'],
    project.dir,
    btEnv(),
  );
  expect(withFile.code).toBe(0);
  expect(server.requests.some((r) => r.url.startsWith('/v1/experiment'))).toBe(false);
  expect(
    JSON.parse(await readFile(path.join(project.dir, '.tracegate/results.json'), 'utf8')).baseline.path,
  ).toMatch(/base\/results\.json$/);
});

test('no key: exit 2 naming BRAINTRUST_API_KEY, and no command touches the network', async () => {
  const noKey = btEnv({ BRAINTRUST_API_KEY: undefined });
  const runs = [
    ['eval', '--braintrust-experiment', '--quiet'],
    ['push', 'datasets'],
    ['push', 'datasets', '--dry-run'],
    ['pull', 'dataset', '--dataset', 'format-violation', '--to', 'pulled'],
    ['push', 'scorers', '--dry-run'],
    ['promote', '--from', 'braintrust:support-prod', '--label', 'format-violation'],
  ];
  const [plain, ...outcomes] = await Promise.all([
    // A plain eval never needs Braintrust.
    cli(['eval', '--quiet', '--out', 'plain'], project.dir, noKey),
    ...runs.map((args) => cli(args, project.dir, noKey)),
  ]);
  for (const [i, run] of outcomes.entries()) {
    expect({ args: runs[i], code: run.code }).toEqual({ args: runs[i], code: 2 });
    expect(run.stderr).toMatch(/BRAINTRUST_API_KEY is not set/);
  }
  expect(plain.code).toBe(0);
  expect(server.requests).toEqual([]);
}, 120_000);

test('a shard cannot be an experiment: exit 2 before any request', async () => {
  const run = await cli(
    ['eval', '--braintrust-experiment', '--shard', '1/2', '--quiet'],
    project.dir,
    btEnv(),
  );
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/--braintrust-experiment with --shard 1\/2: one experiment holds one whole run/);
  expect(server.requests).toEqual([]);
});

test('a rejected key: exit 2 before any case runs, with a message about the key and without it', async () => {
  const wrong = 'sk-bt-wrong-1234567890';
  const run = await cli(
    ['eval', '--braintrust-experiment', '--quiet'],
    project.dir,
    btEnv({ BRAINTRUST_API_KEY: wrong }),
  );
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/Braintrust rejected the API key \(HTTP 401 on POST .*\/api\/apikey\/login\)/);
  expect(run.stderr + run.stdout).not.toContain(wrong);
  await expect(readFile(path.join(project.dir, '.tracegate/results.json'), 'utf8')).rejects.toThrow();
});
