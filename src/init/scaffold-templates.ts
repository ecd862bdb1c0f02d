import { BUILTIN_FAILURE_MODES } from '../cases/regression-case.js';
import { DEFAULT_SCORERS_BY_MODE } from '../../scorers/registry.js';
import type { DetectedProject } from './detect-project.js';
import type { PlannedFile } from './task-templates.js';

/** tracegate.config.json: the task, the datasets, and the five failure modes with their default scorers. */
export function configFile(task: string): PlannedFile {
  const failureModes = Object.fromEntries(
    BUILTIN_FAILURE_MODES.map((mode) => [mode, { threshold: 1, scorers: DEFAULT_SCORERS_BY_MODE[mode] }]),
  );
  const config = { task, datasets: 'datasets/**/*.jsonl', timeout_ms: 60000, failure_modes: failureModes };
  return { path: 'tracegate.config.json', content: JSON.stringify(config, null, 2) + '\n' };
}

const NOTE =
  'Example row written by tracegate init: replace it with a real failure (tracegate promote) or delete it.';

/**
 * One example row per failure mode, each passing its default scorers on its recorded output (so the first
 * `tracegate eval` is green), each showing what its scorers read. JSONL has no comments: `metadata.note`
 * says what the row is, datasets/README.md explains the fields.
 */
export const EXAMPLE_ROWS: Record<(typeof BUILTIN_FAILURE_MODES)[number], Record<string, unknown>> = {
  hallucination: {
    id: 'example-hallucination-1',
    input: { question: 'What is the refund window?' },
    context: { retrieved: [{ id: 'kb-1', text: 'Refunds are accepted within 30 days of purchase.' }] },
    output: '{"answer":"You can ask for a refund within 30 days of purchase [kb-1].","citations":["kb-1"]}',
    metadata: {
      failure_mode: 'hallucination',
      note: `${NOTE} The answer may cite only retrieved documents (citation-grounding) and state only figures found in them (unsupported-claims).`,
    },
  },
  'retrieval-miss': {
    id: 'example-retrieval-miss-1',
    input: { question: 'Can I get my money back?' },
    expected: { doc_ids: ['kb-1'] },
    context: {
      retrieved: [
        { id: 'kb-1', text: 'Refunds are accepted within 30 days of purchase.', score: 0.82 },
        { id: 'kb-4', text: 'Invoices are emailed on the first day of each month.', score: 0.41 },
      ],
    },
    output: 'Yes: refunds are accepted within 30 days of purchase.',
    metadata: {
      failure_mode: 'retrieval-miss',
      note: `${NOTE} expected.doc_ids must be among the top retrieved documents (retrieval-recall).`,
    },
  },
  'tool-argument-error': {
    id: 'example-tool-argument-error-1',
    input: { question: 'Where is my order ORD-10001?' },
    expected: { tool_calls: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }] },
    context: {
      tools: [
        {
          type: 'function',
          function: {
            name: 'lookup_order',
            parameters: {
              type: 'object',
              properties: { order_id: { type: 'string' } },
              required: ['order_id'],
            },
          },
        },
      ],
      tool_calls: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
    },
    output: 'Order ORD-10001 has shipped.',
    metadata: {
      failure_mode: 'tool-argument-error',
      note: `${NOTE} The calls must match expected.tool_calls and each tool's parameter schema in context.tools (tool-call).`,
    },
  },
  'instruction-follow-failure': {
    id: 'example-instruction-follow-failure-1',
    input: { question: 'How do I reset my password? Answer in one short sentence.' },
    expected: { constraints: { max_words: 20, no_pii: true } },
    output: 'Open Settings, choose Security, then Reset password.',
    metadata: {
      failure_mode: 'instruction-follow-failure',
      note: `${NOTE} expected.constraints lists what the answer must respect (constraints).`,
    },
  },
  'format-violation': {
    id: 'example-format-violation-1',
    input: { question: 'What is the refund window? Reply in JSON.' },
    expected: {
      schema: {
        type: 'object',
        properties: { answer: { type: 'string' } },
        required: ['answer'],
      },
    },
    output: '{"answer":"30 days"}',
    metadata: {
      failure_mode: 'format-violation',
      note: `${NOTE} The output must be one JSON value (json-parse) valid against expected.schema (json-schema).`,
    },
  },
};

/** datasets/<mode>.jsonl for each mode, one example row each. */
export function datasetFiles(): PlannedFile[] {
  return BUILTIN_FAILURE_MODES.map((mode) => ({
    path: `datasets/${mode}.jsonl`,
    content: JSON.stringify(EXAMPLE_ROWS[mode]) + '\n',
  }));
}

/** datasets/README.md: what the rows are, since JSONL cannot carry comments. */
export function datasetsReadme(): PlannedFile {
  return {
    path: 'datasets/README.md',
    content: `# Regression datasets

One JSON object per line, one file per failure mode (\`metadata.failure_mode\` is what counts). Every row is a
production failure (or a kept success, \`metadata.kind: "golden"\`) that every pull request is checked against.

The \`example-*\` rows were written by \`tracegate init\` to show the shape: each passes its failure mode's
default scorers. Replace them with real failures and delete them:

\`\`\`sh
npx tracegate promote --from traces.jsonl --label tool-argument-error   # a diagnosed failure becomes a row
npx tracegate promote --from traces.jsonl --auto-label --dry-run        # or let the checks propose the mode
\`\`\`

| field | meaning |
|---|---|
| \`id\` | unique across all files |
| \`input\` | what the task (your app) is called with |
| \`expected\` | what the scorers need: \`doc_ids\`, \`tool_calls\`, \`constraints\`, \`schema\`, … (optional) |
| \`context\` | what production recorded: \`retrieved\` (rank order), \`tools\`, \`tool_calls\`, \`system_prompt\` |
| \`output\` | what production answered (scored by \`--task replay\`) |
| \`metadata.failure_mode\` | decides the scorers, the threshold and the report section |
| \`metadata.review_status\` | \`pending\`, \`approved\` or \`rejected\`; a row without one counts as approved |

The full reference: https://github.com/tracegate/tracegate/blob/main/docs/dataset.md
`,
  };
}

/**
 * .github/workflows/tracegate.yml: the PR gate with main's baseline in the Actions cache. Permissions are
 * per job (nothing workflow-wide); a PR's newer push cancels its older run, but runs on the main branch are
 * each their own concurrency group, so a baseline run is never cancelled; every job has a timeout.
 */
export function workflowFile(project: DetectedProject): PlannedFile {
  const main = project.mainBranch;
  const install =
    project.kind === 'node'
      ? project.lockfile
        ? `      - run: npm ci   # your app's dependencies, for the task\n`
        : `      # - run: npm ci   # if your task needs your app's dependencies\n`
      : project.kind === 'python'
        ? `      - uses: actions/setup-python@v5\n        with:\n          python-version: '3.x'\n      # - run: pip install -r requirements.txt   # your app's dependencies, for the task\n`
        : project.kind === 'go'
          ? `      - uses: actions/setup-go@v5\n        with:\n          go-version: stable\n`
          : '';
  return {
    path: '.github/workflows/tracegate.yml',
    content: `# tracegate: every pull request runs the regression datasets (datasets/) against its build.
# - push to ${main}: run, and save results.json in the Actions cache as the baseline (keyed by commit);
# - pull request: restore the base commit's baseline (else the newest), gate, keep one PR comment.
# https://github.com/tracegate/tracegate/blob/main/docs/action.md
name: tracegate
on:
  push:
    branches: [${main}]
  pull_request:

permissions: {} # nothing workflow-wide: each job asks for what it needs

concurrency:
  # A new push to a PR cancels that PR's older run; each run on ${main} has its own group (its commit),
  # so a baseline run is never cancelled.
  group: tracegate-\${{ github.event_name == 'pull_request' && format('pr-{0}', github.event.pull_request.number) || github.sha }}
  cancel-in-progress: \${{ github.event_name == 'pull_request' }}

jobs:
  gate:
    runs-on: ubuntu-latest
    timeout-minutes: 20
    permissions:
      contents: read # check out the repository
      pull-requests: write # the PR comment
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
${install}
      - name: Restore the baseline
        if: github.event_name == 'pull_request'
        uses: actions/cache/restore@v4
        with:
          path: .tracegate/baseline/results.json
          key: tracegate-baseline-\${{ github.event.pull_request.base.sha }}
          restore-keys: tracegate-baseline-

      - name: tracegate
        id: tracegate
        uses: tracegate/tracegate@v1
        with:
          baseline: \${{ github.event_name == 'pull_request' && '.tracegate/baseline/results.json' || '' }}
          # judge-api-key: \${{ secrets.OPENAI_API_KEY }}   # only for judge scorers

      - name: Save the baseline (${main})
        if: always() && github.event_name == 'push' && steps.tracegate.outputs.results-path != ''
        run: mkdir -p .tracegate/baseline && cp "\${{ steps.tracegate.outputs.results-path }}" .tracegate/baseline/results.json
      - if: always() && github.event_name == 'push' && steps.tracegate.outputs.results-path != ''
        uses: actions/cache/save@v4
        with:
          path: .tracegate/baseline/results.json
          key: tracegate-baseline-\${{ github.sha }}
`,
  };
}

/** The .gitignore lines init makes sure of: run outputs are never committed. */
export const GITIGNORE_ENTRIES = ['.tracegate/'];
