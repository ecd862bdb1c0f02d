import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The rows of the fixture datasets: a question, what the answer must contain, and its origin row id. */
export const FIXTURE_ROWS = {
  hallucination: [
    { id: 'hal-0001', q: 'refund window', expected: '30 days' },
    { id: 'hal-0002', q: 'shipping cost', expected: 'free shipping' },
    { id: 'hal-0003', q: 'warranty', expected: 'one year' },
  ],
  'format-violation': [
    { id: 'fmt-0001', q: 'order status', expected: '"status":' },
    { id: 'fmt-0002', q: 'order total', expected: '"total":' },
  ],
} as const;

/** Braintrust project the fixture rows say they came from. */
export const FIXTURE_PROJECT_ID = 'proj-0c1d';

/**
 * A small tracegate project in a temp directory: a config with two failure modes (Braintrust origin links
 * pointing at `originAppUrl`), two JSONL datasets, and three builds of a tiny "support assistant":
 * `build-good.js` (answers everything right), `build-regressed.js` (hal-0002 and hal-0003 regress, one
 * with hostile markdown in its output) and `build-fixed.js` (regressed, but hal-0003 fixed again).
 */
export function createFixtureProject(originAppUrl: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracegate-action-e2e-'));
  mkdirSync(path.join(dir, 'datasets'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: 'fixture-app', private: true, type: 'module' }),
  );
  writeFileSync(
    path.join(dir, 'tracegate.config.json'),
    JSON.stringify(
      {
        task: 'module:./build-good.js#answer',
        datasets: 'datasets/*.jsonl',
        braintrust: { app_url: originAppUrl, org: 'acme' },
        failure_modes: {
          hallucination: { threshold: 1, scorers: ['contains'] },
          'format-violation': { threshold: 1, scorers: ['contains'] },
        },
      },
      null,
      2,
    ),
  );
  for (const [mode, rows] of Object.entries(FIXTURE_ROWS)) {
    const lines = rows.map((r) =>
      JSON.stringify({
        id: r.id,
        input: { question: r.q },
        expected: r.expected,
        origin: { object_type: 'project_logs', object_id: FIXTURE_PROJECT_ID, id: `row-${r.id}` },
        metadata: { failure_mode: mode, source_span_id: `span-${r.id}` },
      }),
    );
    writeFileSync(path.join(dir, 'datasets', `${mode}.jsonl`), lines.join('\n') + '\n');
  }
  // A second config adds a judge-scored failure mode: without a key its cases must be skipped, not passed.
  mkdirSync(path.join(dir, 'judge-datasets'));
  mkdirSync(path.join(dir, 'scorers'));
  writeFileSync(
    path.join(dir, 'tracegate.with-judge.config.json'),
    JSON.stringify({
      task: 'module:./build-good.js#answer',
      datasets: ['datasets/*.jsonl', 'judge-datasets/*.jsonl'],
      braintrust: { app_url: originAppUrl, org: 'acme' },
      failure_modes: {
        hallucination: { threshold: 1, scorers: ['contains'] },
        'format-violation': { threshold: 1, scorers: ['contains'] },
        'instruction-follow-failure': { threshold: 1, scorers: ['file:./scorers/tone-judge.js'] },
      },
    }),
  );
  writeFileSync(
    path.join(dir, 'judge-datasets', 'instruction-follow-failure.jsonl'),
    ['ifo-0001', 'ifo-0002']
      .map((id) =>
        JSON.stringify({
          id,
          input: { question: 'refund window' },
          metadata: { failure_mode: 'instruction-follow-failure' },
        }),
      )
      .join('\n') + '\n',
  );
  writeFileSync(
    path.join(dir, 'scorers', 'tone-judge.js'),
    `export default {
  id: 'tone-judge', version: '1', kind: 'judge', failureModes: ['instruction-follow-failure'],
  description: 'LLM judge of tone (test double: needs a key, never calls out)',
  options: { safeParse: (v) => ({ success: true, data: v }) },
  create: (_options, context) => () =>
    context.judge?.apiKey
      ? { name: 'tone-judge', score: 1 }
      : { name: 'tone-judge', score: null, metadata: { skipped: true, reason: 'no judge API key' } },
};
`,
  );
  const answers = {
    'refund window': 'Refunds are accepted within 30 days of purchase.',
    'shipping cost': 'We offer free shipping on every order.',
    warranty: 'Every device has a one year warranty.',
    'order status': '{"status": "shipped"}',
    'order total': '{"total": 42}',
  };
  const build = (overrides: Record<string, string>) =>
    `const answers = ${JSON.stringify({ ...answers, ...overrides }, null, 2)};\n` +
    `export async function answer(input) {\n  return answers[input.question] ?? 'I do not know.';\n}\n`;
  writeFileSync(path.join(dir, 'build-good.js'), build({}));
  const regressed = {
    'shipping cost':
      'Shipping costs $5 <b>unless</b> @here says otherwise </details> `rm -rf` [click](javascript:alert(1))',
    warranty: 'Warranty? No idea.',
  };
  writeFileSync(path.join(dir, 'build-regressed.js'), build(regressed));
  writeFileSync(path.join(dir, 'build-fixed.js'), build({ 'shipping cost': regressed['shipping cost'] }));
  return dir;
}
