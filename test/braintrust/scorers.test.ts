import { createRequire } from 'node:module';
import { pushScorers, renderScorerPlan } from '../../src/braintrust/scorers.js';
import { validateConfig } from '../../src/config/load-config.js';
import { UsageError } from '../../src/errors.js';
import { makeTempProject } from '../helpers/temp-project.js';
import { startBraintrustServer, type BraintrustServer } from '../servers/braintrust-server.js';

const KEY = 'sk-bt-test-scorers-0123456789';
const PROJECT_ID = 'a1b2c3d4-0000-4000-8000-0000000000c1';

const SCHEMA = { type: 'object', required: ['answer'], properties: { answer: { type: 'string' } } };
const JUDGE_WITH_PROMPT = `export default {
  id: 'politeness', version: '3', kind: 'judge', failureModes: [], description: 'Is the answer polite?',
  options: { safeParse: (v) => ({ success: true, data: v }) },
  prompt: { messages: [{ role: 'user', content: 'Is this polite? {{output}} Answer Y or N.' }], choice_scores: { Y: 1, N: 0 } },
  create: () => async () => ({ name: 'politeness', score: 1 }),
};
`;
const JUDGE_WITHOUT_PROMPT = `export default {
  id: 'opaque-judge', version: '1', kind: 'judge', failureModes: [], description: 'x',
  options: { safeParse: (v) => ({ success: true, data: v }) },
  create: () => async () => ({ name: 'opaque-judge', score: 1 }),
};
`;

function config(extra: Record<string, unknown> = {}) {
  return validateConfig(
    {
      failure_modes: {
        'format-violation': {
          threshold: 1,
          scorers: [{ id: 'json-schema', options: { schema_file: 'answer.schema.json' } }, 'exact-match'],
        },
      },
      scorers: ['autoevals:Levenshtein'],
      ...extra,
    },
    'test',
  );
}

let server: BraintrustServer;
let project: ReturnType<typeof makeTempProject>;
beforeEach(async () => {
  server = await startBraintrustServer({ apiKey: KEY, projects: [{ id: PROJECT_ID, name: 'support-prod' }] });
  project = makeTempProject({
    'answer.schema.json': SCHEMA,
    'scorers/politeness.mjs': JUDGE_WITH_PROMPT,
    'scorers/opaque-judge.mjs': JUDGE_WITHOUT_PROMPT,
  });
});
afterEach(async () => {
  await server.close();
  project.cleanup();
});

const env = () => ({
  BRAINTRUST_API_KEY: KEY,
  BRAINTRUST_APP_URL: server.url,
  BRAINTRUST_API_URL: server.url,
});
const options = (extra: Record<string, unknown> = {}) => ({
  config: config(),
  configDir: project.dir,
  project: 'support-prod',
  rule: 'tracegate',
  samplingRate: '0.1',
  env: env(),
  retryBaseMs: 1,
  ...extra,
});
const writes = () => server.requests.filter((r) => r.method === 'PUT');

test('dry run: the diff lists every function and the rule, and changes nothing', async () => {
  const plan = await pushScorers(options({ dryRun: true, filter: "metadata.env = 'prod'" }));
  expect(plan.scorers.map((s) => [s.name, s.kind, s.action, s.slug])).toEqual([
    ['json-schema', 'code', 'create', 'tracegate-json-schema'],
    ['exact-match', 'code', 'create', 'tracegate-exact-match'],
    ['autoevals:Levenshtein', 'global', 'global', undefined],
  ]);
  expect(plan.rule).toMatchObject({
    name: 'tracegate',
    action: 'create',
    sampling_rate: 0.1,
    btql_filter: "metadata.env = 'prod'",
  });
  expect(writes()).toEqual([]);
  const text = renderScorerPlan(plan, true);
  expect(text).toMatch(/^would push 3 scorer\(s\) to project "support-prod":/);
  expect(text).toMatch(/\+ json-schema → function tracegate-json-schema \(code, v\d+, \d+ KiB\)/);
  expect(text).toMatch(
    /= autoevals:Levenshtein: Braintrust's global scorer Levenshtein \(nothing to upload\)/,
  );
  expect(text).toMatch(/\+ online rule "tracegate" \(sampling 0\.1, filter metadata\.env = 'prod'\)/);
  expect(text).toMatch(/\(dry run: nothing changed\)$/);
});

test('push registers runnable code functions and an online project_score; a second run is unchanged; a new rate is an update', async () => {
  const plan = await pushScorers(options());
  const functions = [...server.functions.values()];
  expect(functions.map((f) => f.slug).sort()).toEqual(['tracegate-exact-match', 'tracegate-json-schema']);
  const schemaFn = functions.find((f) => f.slug === 'tracegate-json-schema')!;
  expect(schemaFn).toMatchObject({ project_id: PROJECT_ID, function_type: 'scorer', name: 'json-schema' });
  const data = (schemaFn.function_data as any).data;
  expect(data).toMatchObject({ type: 'inline', runtime_context: { runtime: 'node', version: '20' } });
  // The schema file was inlined: the function needs no local file.
  expect((schemaFn.metadata as any).tracegate.options).toEqual({ schema: SCHEMA });

  // The bundle runs on its own and scores like the CI gate does.
  const handler = new Function('require', `${data.code}\nreturn handler;`)(
    createRequire(import.meta.url),
  ) as (args: unknown) => Promise<{ name: string; score: number | null }>;
  expect((await handler({ input: {}, output: '{"answer":"30 days"}', metadata: {} })).score).toBe(1);
  expect((await handler({ input: {}, output: '{"answer":30}', metadata: {} })).score).toBe(0);

  const rule = [...server.projectScores.values()][0];
  expect(rule).toMatchObject({ project_id: PROJECT_ID, name: 'tracegate', score_type: 'online' });
  expect((rule.config as any).online).toEqual({
    sampling_rate: 0.1,
    btql_filter: null,
    apply_to_root_span: true,
    scorers: [
      { type: 'function', id: plan.scorers[0].function_id },
      { type: 'function', id: plan.scorers[1].function_id },
      { type: 'global', name: 'Levenshtein' },
    ],
  });

  server.requests.length = 0;
  const again = await pushScorers(options());
  expect(again.scorers.filter((s) => s.kind !== 'global').map((s) => s.action)).toEqual([
    'unchanged',
    'unchanged',
  ]);
  expect(again.rule.action).toBe('unchanged');
  expect(writes()).toEqual([]);

  const faster = await pushScorers(options({ samplingRate: 0.5, dryRun: true }));
  expect(faster.rule.action).toBe('update');
  expect(faster.rule.changes).toEqual(['sampling_rate: 0.1 → 0.5']);
  expect(renderScorerPlan(faster, true)).toMatch(
    /~ online rule "tracegate" \(sampling 0\.5\)\n {6}sampling_rate: 0\.1 → 0\.5/,
  );
});

test('a judge exposing its prompt becomes a prompt function; one that does not is refused by name', async () => {
  const withJudge = config({ scorers: ['politeness'], judge: { model: 'gpt-4.1-mini' } });
  await pushScorers(options({ config: withJudge }));
  const judge = [...server.functions.values()].find((f) => f.slug === 'tracegate-politeness')!;
  expect(judge.function_data).toEqual({ type: 'prompt' });
  expect(judge.prompt_data).toMatchObject({
    prompt: {
      type: 'chat',
      messages: [{ role: 'user', content: 'Is this polite? {{output}} Answer Y or N.' }],
    },
    options: { model: 'gpt-4.1-mini' },
    parser: { type: 'llm_classifier', choice_scores: { Y: 1, N: 0 } },
  });

  server.requests.length = 0;
  const error = await pushScorers(options({ config: config({ scorers: ['opaque-judge'] }) })).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(
    /scorer "opaque-judge" \(opaque-judge\) is a judge that exposes no prompt/,
  );
  expect(server.requests).toEqual([]);
});

test.each([
  [{ samplingRate: '1.5' }, /--sampling-rate "1\.5": expected a fraction between 0 and 1/],
  [{ samplingRate: '' }, /--sampling-rate ""/],
  [
    {
      config: config({
        failure_modes: {
          'format-violation': {
            threshold: 1,
            scorers: [{ id: 'json-schema', options: { schema_file: 'missing.json' } }],
          },
        },
      }),
    },
    /schema_file "missing\.json" cannot be read/,
  ],
])('bad input %j fails before any request', async (extra, message) => {
  const error = await pushScorers(options(extra)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).toMatch(message);
  expect(server.requests).toEqual([]);
});
