import { getSettings, InputError, secretValues, type InputReader } from '../../src/action/inputs.js';

/** Inputs as the runner gives them: action.yml defaults filled in, everything else empty. */
function reader(inputs: Record<string, string>): InputReader {
  const all: Record<string, string> = {
    comment: 'always',
    'comment-id': 'tracegate',
    'github-token': 'ghs_x',
    ...inputs,
  };
  return (name) => all[name] ?? '';
}

describe('getSettings', () => {
  test('defaults: empty inputs leave the config in charge', () => {
    const s = getSettings(reader({}), '/ws');
    expect(s).toMatchObject({
      workingDirectory: '/ws',
      comment: 'always',
      commentId: 'tracegate',
      filters: [],
      merge: [],
      githubToken: 'ghs_x',
    });
    for (const key of [
      'config',
      'task',
      'datasets',
      'baseline',
      'trials',
      'concurrency',
      'timeoutMs',
      'shard',
      'out',
      'failOn',
      'prNumber',
      'judgeApiKey',
    ] as const) {
      expect(s[key]).toBeUndefined();
    }
  });

  test('every input, typed', () => {
    const s = getSettings(
      reader({
        config: 'ci/tracegate.config.yaml',
        task: 'module:./app.js#answer',
        datasets: 'datasets/a.jsonl, datasets/b/*.jsonl\ndatasets/c.jsonl',
        baseline: 'baseline/results.json',
        trials: '3',
        concurrency: '16',
        timeout: '30000',
        shard: '2/4',
        filter: 'failure_mode=hallucination\n tag=billing ',
        out: 'out',
        'fail-on': 'regression',
        merge: '',
        comment: 'on-failure',
        'comment-id': 'nightly.v2',
        'pr-number': '42',
        'judge-api-key': 'sk-1',
        'judge-base-url': 'https://llm.internal/v1',
        'braintrust-api-key': 'bt-1',
        'braintrust-project': 'support',
        'origin-url-template': 'https://viewer.example/{object_id}/{id}',
        'working-directory': 'apps/support',
      }),
      '/ws',
    );
    expect(s).toMatchObject({
      workingDirectory: '/ws/apps/support',
      datasets: ['datasets/a.jsonl', 'datasets/b/*.jsonl', 'datasets/c.jsonl'],
      trials: 3,
      concurrency: 16,
      timeoutMs: 30000,
      shard: '2/4',
      filters: ['failure_mode=hallucination', 'tag=billing'],
      failOn: 'regression',
      comment: 'on-failure',
      commentId: 'nightly.v2',
      prNumber: 42,
      judgeBaseUrl: 'https://llm.internal/v1',
      originUrlTemplate: 'https://viewer.example/{object_id}/{id}',
    });
    expect(secretValues(s)).toEqual(['ghs_x', 'sk-1', 'bt-1']);
  });

  test.each([
    [{ trials: '0' }, "Invalid trials '0'. Expected a whole number ≥ 1, e.g. 3."],
    [{ concurrency: '2.5' }, "Invalid concurrency '2.5'. Expected a whole number ≥ 1, e.g. 8."],
    [{ timeout: '30s' }, "Invalid timeout '30s'. Expected a whole number ≥ 1, e.g. 60000 (milliseconds)."],
    [{ shard: '5/4' }, "Invalid shard '5/4'. Expected K/N with 1 ≤ K ≤ N, e.g. 2/4"],
    [{ comment: 'sometimes' }, "Invalid comment 'sometimes'. Expected one of: always, on-failure, never."],
    [{ 'fail-on': 'all' }, "Invalid fail-on 'all'. Expected one of: regression, threshold, both, never."],
    [{ 'comment-id': 'a -->' }, "Invalid comment-id 'a -->'. Expected letters, digits"],
    [{ filter: 'hallucination' }, "Invalid filter 'hallucination'. Expected key=value"],
    [{ 'pr-number': '#12' }, "Invalid pr-number '#12'. Expected the pull request number"],
    [
      { 'judge-base-url': 'api.openai.com' },
      "Invalid judge-base-url 'api.openai.com'. Expected an http(s) URL",
    ],
    [
      { 'origin-url-template': 'viewer/{id}' },
      "Invalid origin-url-template 'viewer/{id}'. Expected an http(s) URL with {object_type}",
    ],
    [
      { merge: 'shards/*/results.json', shard: '1/2' },
      "Invalid combination: merge 'shards/*/results.json' with shard '1/2'.",
    ],
  ])('%j fails quoting the value: %s', (inputs, message) => {
    expect(() => getSettings(reader(inputs), '/ws')).toThrow(InputError);
    expect(() => getSettings(reader(inputs), '/ws')).toThrow(message);
  });

  test('all problems at once', () => {
    expect(() => getSettings(reader({ trials: 'x', concurrency: 'y' }), '/ws')).toThrow(
      /Invalid inputs:\n {2}Invalid trials 'x'.*\n {2}Invalid concurrency 'y'/,
    );
  });
});
