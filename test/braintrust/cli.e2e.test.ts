import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getSettings } from '../../src/action/inputs.js';
import { terminalSafe } from '../../src/braintrust/terminal-safe.js';
import { cli, repo } from '../helpers/cli.js';
import { startBraintrustServer, type BraintrustServer } from '../servers/braintrust-server.js';

const KEY = 'sk-bt-test-cli-0123456789';

let server: BraintrustServer;
let dir: string;
beforeAll(async () => {
  server = await startBraintrustServer({ apiKey: KEY, projects: [] });
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-bt-cli-'));
  await cp(path.join(repo, 'datasets'), path.join(dir, 'datasets'), { recursive: true });
  // The demo's code scorers: its faithfulness judge exposes no Braintrust prompt, which push refuses by name
  // (tested in test/braintrust/scorers.test.ts), so it is left out of the online rule here.
  const demo = JSON.parse(await readFile(path.join(repo, 'tracegate.config.json'), 'utf8'));
  for (const mode of Object.values(demo.failure_modes) as Array<{ scorers: unknown[] }>)
    mode.scorers = mode.scorers.filter(
      (s) => s !== 'faithfulness' && (s as { id?: string }).id !== 'faithfulness',
    );
  await writeFile(path.join(dir, 'tracegate.config.json'), JSON.stringify(demo, null, 2));
  await cp(path.join(repo, 'examples'), path.join(dir, 'examples'), { recursive: true });
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  BRAINTRUST_API_KEY: KEY,
  BRAINTRUST_APP_URL: server.url,
  BRAINTRUST_API_URL: server.url,
  BRAINTRUST_PROJECT: 'support-prod',
  BRAINTRUST_ORG_NAME: undefined,
});

test('push datasets --dry-run, push, pull: what a user sees, and the rows come back', async () => {
  const dry = await cli(['push', 'datasets', '--dataset', 'hallucination', '--dry-run'], dir, env());
  expect(dry.code).toBe(0);
  expect(dry.stdout).toBe(
    [
      'would push datasets/hallucination.jsonl → dataset "hallucination" (new): 3 added, 0 changed, 0 unchanged, 0 only in Braintrust (left alone)',
      '  + hal-0001',
      '  + hal-0002',
      '  + hal-0003',
      `  ${server.url}/app/acme/p/support-prod/datasets/hallucination`,
      '(dry run: nothing sent)',
      '',
    ].join('\n'),
  );
  expect(server.datasets.size).toBe(0);

  const push = await cli(['push', 'datasets', '--json'], dir, env());
  expect(push.code).toBe(0);
  const outcomes = JSON.parse(push.stdout) as Array<{ dataset: string; diff: { added: string[] } }>;
  expect(outcomes.map((o) => [o.dataset, o.diff.added.length])).toEqual([
    ['format-violation', 4],
    ['hallucination', 3],
    ['instruction-follow-failure', 3],
    ['retrieval-miss', 3],
    ['tool-argument-error', 4],
  ]);

  const pull = await cli(
    ['pull', 'dataset', '--dataset', 'tool-argument-error', '--to', 'pulled'],
    dir,
    env(),
  );
  expect(pull.code).toBe(0);
  expect(pull.stdout).toMatch(
    /^wrote pulled\/tool-argument-error\.jsonl: 4 row\(s\) from Braintrust dataset "tool-argument-error" in project "support-prod" — 4 added, 0 changed, 0 unchanged, 0 local-only kept\n/,
  );
  const original = (await readFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const pulled = (await readFile(path.join(dir, 'pulled/tool-argument-error.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(pulled).toEqual(original);

  // Pulling onto the source file changes nothing: same rows, same bytes.
  const before = await readFile(path.join(dir, 'datasets/hallucination.jsonl'), 'utf8');
  const onto = await cli(['pull', 'dataset', '--dataset', 'hallucination'], dir, env());
  expect(onto.stdout).toMatch(
    /^unchanged datasets\/hallucination\.jsonl: .* 0 added, 0 changed, 3 unchanged/,
  );
  expect(await readFile(path.join(dir, 'datasets/hallucination.jsonl'), 'utf8')).toBe(before);
}, 120_000);

test('push scorers --dry-run prints the diff for the demo config and changes nothing', async () => {
  const run = await cli(['push', 'scorers', '--dry-run', '--sampling-rate', '0.25'], dir, env());
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^would push 6 scorer\(s\) to project "support-prod":\n/);
  for (const id of [
    'json-schema',
    'tool-call',
    'retrieval-recall',
    'citation-grounding',
    'unsupported-claims',
    'constraints',
  ])
    expect(run.stdout).toContain(`  + ${id} → function tracegate-${id} (code, v`);
  expect(run.stdout).toMatch(/\+ online rule "tracegate" \(sampling 0\.25\)/);
  expect(server.functions.size).toBe(0);
  expect(server.projectScores.size).toBe(0);
}, 120_000);

test('usage errors exit 2 with the flag named', async () => {
  const noDataset = await cli(['pull', 'dataset'], dir, env());
  expect(noDataset.code).toBe(2);
  expect(noDataset.stderr).toMatch(/required option '--dataset <name>' not specified/);
  const noProject = await cli(['pull', 'dataset', '--dataset', 'x'], dir, {
    ...env(),
    BRAINTRUST_PROJECT: undefined,
  });
  expect(noProject.code).toBe(2);
  expect(noProject.stderr).toMatch(/No Braintrust project given/);
  const badFilter = await cli(
    ['promote', '--from', 'datasets/x.jsonl', '--score', 'Factuality<0.5', '--label', 'hallucination'],
    dir,
    env(),
  );
  expect(badFilter.code).toBe(2);
  expect(badFilter.stderr).toMatch(
    /--score, --feedback and --with-tag apply to --from braintrust:PROJECT only/,
  );
});

test.each([
  ['', undefined],
  ['false', undefined],
  ['true', true],
  ['TRUE', true],
  ['nightly run', 'nightly run'],
])('action input braintrust-experiment %j → %j', (value, expected) => {
  const settings = getSettings((name) => (name === 'braintrust-experiment' ? value : ''), repo);
  expect(settings.braintrustExperiment).toBe(expected);
});

test.each([
  ['plain name', 'plain name'],
  ['\u001b[2Jclear', '\\x1b[2Jclear'],
  ['::set-output name=passed::true', ': :set-output name=passed::true'],
  ['a\rb', 'a\\x0db'],
  ['ok\n::error::x', 'ok\n: :error::x'],
])('names from Braintrust are made inert on a terminal: %j', (text, expected) => {
  expect(terminalSafe(text)).toBe(expected);
});
