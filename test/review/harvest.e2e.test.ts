import { jest } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/cli.js';
import { GitHubServer } from '../servers/github-server.js';
import { supportTrace, toJsonl } from '../promote/generate.js';

// `tracegate harvest` end to end: the real CLI against a local GitHub API (git data + pulls), from
// production logs to one pull request on tracegate/harvest — held by the policy, then opened, then a
// second harvest that adds nothing and updates nothing (with the same queue, and with a fresh one).
const REPO = 'acme/support';
const EXISTING = JSON.stringify({
  id: 'hal-0001',
  input: { question: 'What is the refund window?' },
  metadata: { failure_mode: 'hallucination', signature: 'sha256:unrelated' },
});

// Each test starts the real CLI several times: give a loaded CI machine room.
jest.setTimeout(180_000);

let dir: string;
let github: GitHubServer;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-harvest-'));
  github = await new GitHubServer().start();
  github.git.seed(REPO, { 'datasets/hallucination.jsonl': EXISTING + '\n', 'README.md': '# support\n' });
  await mkdir(path.join(dir, 'datasets'));
  await writeFile(path.join(dir, 'datasets/hallucination.jsonl'), EXISTING + '\n');
  // Six failing lookups by three users (the model drops the order id's letter prefix), two good traces.
  const rows = [];
  for (let i = 0; i < 8; i++) {
    const trace = supportTrace(`t${i}`, i, { failing: i < 6 });
    (trace[0].metadata as Record<string, unknown>).user_id = `user-${i % 3}`;
    rows.push(...trace);
  }
  await writeFile(path.join(dir, 'logs.jsonl'), toJsonl(rows));
});
afterEach(async () => {
  await github.close();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ GITHUB_TOKEN: 'test-token', GITHUB_API_URL: github.url, GITHUB_REPOSITORY: REPO });
const harvest = (args: string[] = []) => cli(['harvest', '--from', 'logs.jsonl', ...args], dir, env());
const writesSince = (n: number) => github.writes().slice(n);

test('held by the policy, then one PR with the verified row; a second harvest adds and updates nothing', async () => {
  const held = await harvest(['--min-occurrences', '4', '--distinct-by', 'user']);
  expect(held.stderr).toBe('');
  expect(held.code).toBe(0);
  expect(held.stdout).toMatch(/scored 8 trace\(s\), 6 failing/);
  expect(held.stdout).toMatch(/held rv-[0-9a-f]{12}: seen with 3 distinct user\(s\); the policy needs 4/);
  expect(held.stdout).toMatch(/nothing new to harvest/);
  expect(github.writes()).toEqual([]);
  expect(github.git.pulls(REPO)).toEqual([]);

  const opened = await harvest(['--min-occurrences', '3', '--distinct-by', 'user']);
  expect(opened.stderr).toBe('');
  expect(opened.code).toBe(0);
  expect(opened.stdout).toMatch(/added tool-0001 to datasets\/tool-argument-error\.jsonl/);
  expect(opened.stdout).toMatch(/opened pull request #1 \(tracegate\/harvest → main\)/);
  const files = github.git.files(REPO, 'tracegate/harvest')!;
  expect(files['datasets/hallucination.jsonl']).toBe(EXISTING + '\n');
  expect(files['README.md']).toBe('# support\n');
  const rows = files['datasets/tool-argument-error.jsonl']
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    id: 'tool-0001',
    metadata: {
      failure_mode: 'tool-argument-error',
      review_status: 'approved',
      verified: true,
      verified_by: [{ scorer: 'tool-call', score: 0, min_score: 1 }],
      signature_basis: 'tool-argument-error|tool:lookup_order|arg:order_id',
    },
  });
  expect(JSON.stringify(rows[0])).not.toMatch(/@example\.com/); // scrubbed
  expect(github.git.history(REPO, 'tracegate/harvest').map((c) => c.message.split('\n')[0])).toEqual([
    'tracegate harvest: 1 regression row(s) from production failures',
    'initial',
  ]);
  const [pull] = github.git.pulls(REPO);
  expect(pull).toMatchObject({
    number: 1,
    state: 'open',
    head: { ref: 'tracegate/harvest' },
    base: { ref: 'main' },
  });
  expect(pull.body).toMatch(/^<!-- tracegate:harvest -->/);
  expect(pull.body).toMatch(/\| `tool-0001` \| datasets/);
  expect(pull.body).toMatch(/tool-call 0\.00/);
  expect(pull.body).toMatch(/×6/);
  // The main branch is untouched: the rows arrive only through the pull request.
  expect(github.git.files(REPO, 'main')!['datasets/tool-argument-error.jsonl']).toBeUndefined();
  // The queue item is approved, with where it went.
  const queue = await readFile(path.join(dir, '.tracegate/review/tool-argument-error.jsonl'), 'utf8');
  expect(JSON.parse(queue)).toMatchObject({
    status: 'approved',
    decision: { row_id: 'tool-0001', note: 'harvested into https://github.test/acme/support/pull/1' },
  });

  // Second harvest, same queue: the item is approved already. Nothing is written to GitHub.
  const before = github.writes().length;
  const again = await harvest(['--min-occurrences', '3', '--distinct-by', 'user']);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/nothing new to harvest; pull request #1 left as it is/);
  expect(writesSince(before)).toEqual([]);

  // A fresh queue (a scheduled job on a new runner): the same failure is found in the open PR's branch.
  const fresh = await harvest(['--review-dir', 'other-queue']);
  expect(fresh.code).toBe(0);
  expect(fresh.stdout).toMatch(
    /unchanged rv-[0-9a-f]{12}: datasets\/tool-argument-error\.jsonl: span t0-root is already promoted as tool-0001 \(in #1\)/,
  );
  expect(fresh.stdout).toMatch(/nothing new to harvest/);
  expect(writesSince(before)).toEqual([]);
  expect(github.git.pulls(REPO)).toHaveLength(1);
  expect(github.git.pulls(REPO)[0].body).toBe(pull.body);
});

test('a failure already in the local datasets is not harvested; bad settings are exit 2 before any work', async () => {
  const first = await harvest();
  expect(first.code).toBe(0);
  const row = github.git.files(REPO, 'tracegate/harvest')!['datasets/tool-argument-error.jsonl'];
  // The PR was merged: the row is in the checkout now, and the PR is closed.
  await writeFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), row);
  github.git.pulls(REPO)[0].state = 'closed';
  const before = github.writes().length;
  const again = await harvest(['--review-dir', 'fresh']);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/already in the datasets \(tool-argument-error\.jsonl as tool-0001\)/);
  expect(writesSince(before)).toEqual([]);

  const noToken = await cli(['harvest', '--from', 'logs.jsonl'], dir, { ...env(), GITHUB_TOKEN: undefined });
  expect(noToken.code).toBe(2);
  expect(noToken.stderr).toMatch(/needs a GitHub token with contents: write and pull-requests: write/);
  const badRepo = await cli(['harvest', '--from', 'logs.jsonl', '--repo', 'nope'], dir, env());
  expect(badRepo.code).toBe(2);
  expect(badRepo.stderr).toMatch(/Invalid repository 'nope'\. Expected format \{owner\}\/\{repo\}/);
  expect((await readdir(dir)).includes('fresh')).toBe(true);
});

test('a new failure later is added to the same pull request: one more commit, the body lists both rows', async () => {
  expect((await harvest()).code).toBe(0);
  const firstBody = github.git.pulls(REPO)[0].body;
  // The same app a week later fails another tool the same way: a new signature.
  const logs = await readFile(path.join(dir, 'logs.jsonl'), 'utf8');
  await writeFile(
    path.join(dir, 'later.jsonl'),
    logs.replaceAll('lookup_order', 'track_parcel').replace(/"t(\d+)-/g, '"w$1-'),
  );
  const later = await cli(['harvest', '--from', 'later.jsonl'], dir, env());
  expect(later.stderr).toBe('');
  expect(later.code).toBe(0);
  expect(later.stdout).toMatch(/added tool-0002 to datasets\/tool-argument-error\.jsonl/);
  expect(later.stdout).toMatch(/updated pull request #1/);
  expect(github.git.pulls(REPO)).toHaveLength(1);
  const branch = github.git.files(REPO, 'tracegate/harvest')!;
  const rows = branch['datasets/tool-argument-error.jsonl']
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(rows.map((r) => [r.id, r.metadata.signature_basis])).toEqual([
    ['tool-0001', 'tool-argument-error|tool:lookup_order|arg:order_id'],
    ['tool-0002', 'tool-argument-error|tool:track_parcel|arg:order_id'],
  ]);
  expect(github.git.history(REPO, 'tracegate/harvest')).toHaveLength(3);
  const body = github.git.pulls(REPO)[0].body;
  expect(firstBody).toMatch(/1 regression row\(s\)/);
  expect(body).not.toBe(firstBody);
  expect(body).toMatch(/2 regression row\(s\)/);
  expect(body).toMatch(/`tool-0001`[\s\S]*`tool-0002`/);
});
