/**
 * The judge key never reaches an output. A judge endpoint that answers 401 with the Authorization header
 * echoed in its message (as an OpenAI-style "Incorrect API key provided: sk-proj-…" does when a gateway
 * quotes the header) would put the key into every case's error. Through the real CLI (`node
 * bin/tracegate.js`, built by `npm test`'s pretest) and the bundled action (`node dist/index.js`, built by
 * `npm run bundle`), against the local OpenAI-compatible server: results.json, report.md, junit.xml,
 * stdout, stderr, the job summary and the PR comment hold `[REDACTED]`, never the key.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startOpenAIServer, type OpenAIServer } from '../servers/openai-server.js';
import { GitHubServer } from '../servers/github-server.js';
import { cli } from '../helpers/cli.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';
import { pullRequestPayload, requireBundle, runStep, MARKER } from '../action/action-runner.js';

const KEY = 'sk-proj-Zx9_4hTq2L7mN1pR5sV8wY3bC6dF0gJ2kM4nP7qS9tU1vW3xY5z';
const GITHUB_TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';
const TEAM_KEY = 'team-gateway-key-7f3a9c2e5b1d8f4a6c0e';

let judge: OpenAIServer;

beforeAll(async () => {
  judge = await startOpenAIServer({
    fault: (_body, _n, headers) => ({
      status: 401,
      body: {
        error: {
          message: `Incorrect API key provided: ${String(headers.authorization)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          code: 'invalid_api_key',
        },
      },
    }),
  });
});
afterAll(() => judge.close());

function project(apiKeyEnv = 'OPENAI_API_KEY') {
  return makeTempProject({
    'tracegate.config.json': {
      task: 'replay',
      judge: { model: 'judge-model-2026-01', base_url: judge.url, api_key_env: apiKeyEnv },
      failure_modes: {
        hallucination: { threshold: 1, scorers: ['autoevals:Factuality'] },
      },
    },
    'datasets/hallucination.jsonl': jsonl([
      row('h1', 'hallucination', { input: 'Capital of France?', expected: 'Paris', output: 'Paris' }),
      row('h2', 'hallucination', { input: 'Capital of Spain?', expected: 'Madrid', output: 'Barcelona' }),
    ]),
  });
}

function expectNoSecret(where: string, text: string, secrets: string[]) {
  for (const secret of secrets) {
    // Not the key, and not a long piece of it (a renderer cutting the text must not leave half a key).
    expect({ where, leaks: text.includes(secret.slice(0, 16)) || text.includes(secret.slice(-16)) }).toEqual({
      where,
      leaks: false,
    });
  }
}

describe('known secrets are redacted from every output', () => {
  test('CLI: a 401 echoing the judge key leaves [REDACTED] in results.json, report.md, junit.xml, stdout and stderr', async () => {
    const p = project();
    try {
      const run = await cli(['eval', '--out', 'out'], p.dir, {
        OPENAI_API_KEY: KEY,
        GITHUB_TOKEN,
      });
      // An uncalibrated judge is a shadow scorer (issue 9): its failure warns, and lands in shadow_errors.
      expect(run.code).toBe(0);
      expect(judge.requests.length).toBeGreaterThan(0);
      const files = ['results.json', 'report.md', 'junit.xml'].map((f) => [
        f,
        readFileSync(path.join(p.dir, 'out', f), 'utf8'),
      ]);
      for (const [name, text] of [...files, ['stdout', run.stdout], ['stderr', run.stderr]])
        expectNoSecret(name, text, [KEY, GITHUB_TOKEN]);
      const results = JSON.parse(files[0][1]);
      // What the server said is kept, with the key replaced: the user can still see why it failed.
      const messages = results.cases.map((c: { error: string | null; shadow_errors?: object }) =>
        JSON.stringify([c.error, c.shadow_errors]),
      );
      expect(messages).toHaveLength(2);
      for (const m of messages) expect(m).toContain('Incorrect API key provided: Bearer [REDACTED]');
    } finally {
      p.cleanup();
    }
  });

  test('CLI: a key in a variable the config names (judge.api_key_env) is redacted too', async () => {
    const p = project('TEAM_GATEWAY_KEY');
    try {
      const run = await cli(['eval', '--out', 'out', '--json'], p.dir, {
        TEAM_GATEWAY_KEY: TEAM_KEY,
        OPENAI_API_KEY: undefined,
      });
      expect(run.code).toBe(0);
      const report = readFileSync(path.join(p.dir, 'out', 'report.md'), 'utf8');
      for (const [name, text] of [
        ['report.md', report],
        ['results.json', readFileSync(path.join(p.dir, 'out', 'results.json'), 'utf8')],
        ['stdout', run.stdout],
        ['stderr', run.stderr],
      ])
        expectNoSecret(name, text, [TEAM_KEY]);
      expect(readFileSync(path.join(p.dir, 'out', 'results.json'), 'utf8')).toContain(
        'Incorrect API key provided: Bearer [REDACTED]',
      );
    } finally {
      p.cleanup();
    }
  });

  test('action: the judge-api-key and the GitHub token stay out of the log, outputs, job summary and PR comment', async () => {
    requireBundle();
    const github = await new GitHubServer({ login: 'tracegate-bot', tokens: [GITHUB_TOKEN] }).start();
    const p = project();
    try {
      const run = await runStep({
        project: p.dir,
        apiUrl: github.url,
        event: 'pull_request',
        payload: pullRequestPayload(21),
        inputs: { 'judge-api-key': KEY, 'github-token': GITHUB_TOKEN },
      });
      expect(run.code).toBe(0);
      const [comment] = github.list('acme/support-app#21').filter((c) => c.body.includes(MARKER));
      expect(comment).toBeDefined();
      const outputs = JSON.stringify(run.outputs);
      // The log masks the inputs with ::add-mask:: (that line is the runner's instruction, not output).
      const log = run.stdout.replace(/^::add-mask::.*$/gm, '');
      for (const [name, text] of [
        ['log', log],
        ['stderr', run.stderr],
        ['outputs', outputs],
        ['summary', run.summary],
        ['comment', comment.body],
        ['report.md', readFileSync(run.outputs['report-path'], 'utf8')],
        ['results.json', readFileSync(run.outputs['results-path'], 'utf8')],
        ['junit.xml', readFileSync(run.outputs['junit-path'], 'utf8')],
        [
          'PR writes',
          github
            .writes()
            .map((w) => w.body)
            .join('\n'),
        ],
      ])
        expectNoSecret(name, text, [KEY, GITHUB_TOKEN]);
      expect(readFileSync(run.outputs['results-path'], 'utf8')).toContain(
        'Incorrect API key provided: Bearer [REDACTED]',
      );
    } finally {
      p.cleanup();
      await github.close();
    }
  });
});
