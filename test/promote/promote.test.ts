import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promoteTraces, collectClusters } from '../../src/promote/promote.js';
import { regressionCaseSchema } from '../../src/cases/regression-case.js';
import { loadDatasets } from '../../src/cases/load-datasets.js';
import { questionTemplate } from '../../src/promote/signature.js';
import { UsageError } from '../../src/errors.js';
import { supportTrace, shuffle, toJsonl } from './generate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/traces');
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-promote-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function readRows(file: string) {
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

test('50 near-duplicate failures become one row with 49 related span ids, size and first/last seen', async () => {
  const rows = [];
  for (let i = 0; i < 50; i++) rows.push(...supportTrace(`dup${i}`, i, { failing: true }));
  for (let i = 0; i < 5; i++) rows.push(...supportTrace(`ok${i}`, 100 + i, { failing: false }));
  const file = path.join(dir, 'logs.jsonl');
  await writeFile(file, toJsonl(shuffle(rows)));

  const outcome = await promoteTraces({ from: file, autoLabel: true, cwd: dir });
  expect(outcome.stats).toMatchObject({ format: 'braintrust', imported: 55, skipped: 0 });
  expect(outcome.unlabelled).toBe(5); // the successful ones
  expect(outcome.clusters).toHaveLength(1);
  expect(outcome.written).toHaveLength(1);
  expect(outcome.written[0].file).toBe('datasets/tool-argument-error.jsonl');

  const [row] = await readRows(path.join(dir, 'datasets/tool-argument-error.jsonl'));
  expect(regressionCaseSchema.safeParse(row).success).toBe(true);
  expect(row.id).toBe('tool-0001');
  expect(row.metadata.related_span_ids).toHaveLength(49);
  expect(new Set([...row.metadata.related_span_ids, row.metadata.source_span_id]).size).toBe(50);
  // most-recent is the default representative: trace 49 started last.
  expect(row.metadata.source_span_id).toBe('dup49-root');
  expect(row.metadata.cluster).toEqual({
    size: 50,
    first_seen: '2026-11-20T10:00:00.000Z',
    last_seen: '2026-11-20T10:49:00.000Z',
  });
  expect(row.metadata).toMatchObject({
    failure_mode: 'tool-argument-error',
    review_status: 'pending',
    kind: 'failure',
    signature_basis: 'tool-argument-error|tool:lookup_order|arg:order_id',
    prompt_version: 'support-v14',
    model_version: 'gpt-4.1-2025-04-14',
    timestamp: '2026-11-20T10:49:00.000Z',
    scrubbed: { email: 1 },
  });
  expect(row.metadata.signature).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(row.metadata.evidence.reason).toMatch(/lookup_order argument \/order_id must match pattern/);
  expect(row.origin).toEqual({
    object_type: 'project_logs',
    object_id: 'p-support-0001',
    id: 'dup49-row-root',
    span_id: 'dup49-root',
  });
  expect(row.input.question).toMatch(/^Where is my order [A-Z]-\d{4}\? I am <EMAIL_1>$/);
  expect(row.context.tool_calls[0]).toMatchObject({
    name: 'lookup_order',
    arguments: { order_id: expect.stringMatching(/^\d{4}$/) },
  });
  expect(row.context.tools[0].function.name).toBe('lookup_order');
  // Keys in stable (sorted) order at every depth, so git diffs stay small.
  const line = (await readFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8')).split('\n')[0];
  expect(Object.keys(JSON.parse(line))).toEqual(['context', 'id', 'input', 'metadata', 'origin', 'output']);
  expect(Object.keys(JSON.parse(line).metadata)).toEqual([...Object.keys(JSON.parse(line).metadata)].sort());
});

test('re-promoting the same spans or the same cluster is a no-op; a new cluster appends with the next id', async () => {
  const file = path.join(dir, 'logs.jsonl');
  const first = [...supportTrace('a', 1), ...supportTrace('b', 2)];
  await writeFile(file, toJsonl(first));
  const one = await promoteTraces({ from: file, label: 'tool-argument-error', cwd: dir });
  expect(one.written[0].rows.map((r) => r.id)).toEqual(['tool-0001']);
  const before = await readFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8');

  const again = await promoteTraces({ from: file, label: 'tool-argument-error', cwd: dir });
  expect(again.written).toEqual([]);
  expect(again.duplicates).toHaveLength(1);
  expect(again.duplicates[0].reason).toMatch(/span b-root is already promoted as tool-0001/);
  // A later near-duplicate (same signature, new span) is a no-op too.
  await writeFile(file, toJsonl(supportTrace('c', 3)));
  const sameCluster = await promoteTraces({ from: file, label: 'tool-argument-error', cwd: dir });
  expect(sameCluster.written).toEqual([]);
  expect(sameCluster.duplicates[0].reason).toMatch(
    /its cluster \(tool-argument-error\|tool:lookup_order\|arg:order_id\) is already promoted as tool-0001/,
  );
  expect(await readFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8')).toBe(before);

  // A different failure (no schema, no tool error evidence: the question template decides) is a new row.
  const other = supportTrace('d', 4, { failing: false, question: 'Why was I charged twice on 2026-11-02?' });
  await writeFile(file, toJsonl(other));
  const next = await promoteTraces({ from: file, label: 'tool-argument-error', cwd: dir, review: 'pending' });
  expect(next.written[0].rows.map((r) => r.id)).toEqual(['tool-0002']);
  expect(next.written[0].rows[0].metadata).toMatchObject({
    review_status: 'pending',
    signature_basis: 'tool-argument-error|q:why was i charged twice on <date>',
  });
  const rows = await readRows(path.join(dir, 'datasets/tool-argument-error.jsonl'));
  expect(rows.map((r) => r.id)).toEqual(['tool-0001', 'tool-0002']);
  expect((await loadDatasets('datasets/*.jsonl', dir)).length).toBe(2); // the dataset loader accepts the file
});

test('--where selects by feedback and online scores; --dry-run writes nothing; --to names the file', async () => {
  const file = path.join(dir, 'logs.jsonl');
  await writeFile(
    file,
    toJsonl([...supportTrace('bad', 1, { feedback: 0 }), ...supportTrace('meh', 2, { feedback: 0.8 })]),
  );
  const dry = await promoteTraces({
    from: file,
    label: 'tool-argument-error',
    where: ['thumbs-down'],
    dryRun: true,
    to: 'cases/tools.jsonl',
    cwd: dir,
  });
  expect(dry.filtered).toBe(1);
  expect(dry.written[0]).toMatchObject({ file: 'cases/tools.jsonl' });
  expect(dry.written[0].rows[0].metadata.source_span_id).toBe('bad-root');
  await expect(readFile(path.join(dir, 'cases/tools.jsonl'))).rejects.toThrow(/ENOENT/);
  const byScore = await collectClusters({
    from: file,
    label: 'tool-argument-error',
    where: ['scores.user_feedback>=0.5'],
    cwd: dir,
  });
  expect(byScore.clusters[0].representative.trace.root_span_id).toBe('meh-root');
  const none = await collectClusters({ from: file, label: 'x', where: ['low-score<0'], cwd: dir });
  expect(none.filtered).toBe(2);
});

test('auto-label proposes modes with evidence from the checks; golden mode samples the successes', async () => {
  const file = path.join(fixtures, 'braintrust/support-logs.json');
  const auto = await promoteTraces({ from: file, autoLabel: true, cwd: dir, dryRun: true });
  const rows = auto.written.flatMap((w) => w.rows);
  const byMode = Object.fromEntries(rows.map((r) => [r.metadata.failure_mode, r]));
  expect(Object.keys(byMode).sort()).toEqual(['retrieval-miss', 'tool-argument-error']);
  expect(byMode['retrieval-miss'].metadata.evidence).toMatchObject({
    check: 'expected-document',
    document_id: 'kb-12',
  });
  expect(byMode['retrieval-miss'].expected).toEqual({ document_ids: ['kb-12'], doc_ids: ['kb-12'] });
  expect(byMode['tool-argument-error'].metadata.scrubbed).toEqual({ email: 1, phone: 1 });

  const logs = path.join(dir, 'logs.jsonl');
  const all = [];
  for (let i = 0; i < 40; i++)
    all.push(
      ...supportTrace(`g${i}`, i, {
        failing: false,
        question: `Where is order number ${i} in topic ${i % 4 === 0 ? 'billing' : 'shipping' + i}?`,
      }),
    );
  await writeFile(logs, toJsonl(all));
  const golden = await promoteTraces({
    from: logs,
    label: 'tool-argument-error',
    golden: 0.5,
    cwd: dir,
    dryRun: true,
  });
  const goldenRows = golden.written.flatMap((w) => w.rows);
  // Two question templates (billing / shipping<n>): near-duplicate successes are deduplicated too.
  expect(goldenRows.map((r) => r.metadata.signature_basis).sort()).toEqual([
    'golden|q:where is order number <n> in topic <id>',
    'golden|q:where is order number <n> in topic billing',
  ]);
  const sampled = goldenRows.reduce((n, r) => n + (r.metadata.cluster as { size: number }).size, 0);
  expect(sampled).toBeGreaterThan(8); // about half of 40, deterministic by trace id
  expect(sampled).toBeLessThan(32);
  for (const r of goldenRows) {
    expect(r.metadata).toMatchObject({ kind: 'golden', failure_mode: 'tool-argument-error' });
    expect(r.id).toMatch(/^tool-golden-\d{4}$/);
    expect((r.expected as any).tool_calls[0].name).toBe('lookup_order');
  }
});

test('scrubbing is on unless explicitly turned off, and covers input, output, context and tool arguments', async () => {
  const file = path.join(dir, 'logs.jsonl');
  const rows = supportTrace('p', 1, {
    question: 'Card 4111 1111 1111 1111, mail jo@example.org, ip 10.1.2.3',
  });
  (rows[2] as any).input = { order_id: '1234', email: 'jo@example.org' };
  (rows[0] as any).output = 'We emailed jo@example.org. Token: Bearer abcdefgh12345678';
  await writeFile(file, toJsonl(rows));
  const on = await promoteTraces({ from: file, label: 'tool-argument-error', dryRun: true, cwd: dir });
  const row = on.written[0].rows[0];
  const text = JSON.stringify(row);
  expect(text).not.toMatch(/jo@example\.org|4111 1111|10\.1\.2\.3|abcdefgh12345678/);
  expect(row.context!.tool_calls![0].arguments).toEqual({ order_id: '1234', email: '<EMAIL_1>' });
  expect(row.metadata.scrubbed).toEqual({ email: 3, card_number: 1, ip_address: 1, bearer_token: 1 });
  const off = await promoteTraces({
    from: file,
    label: 'tool-argument-error',
    dryRun: true,
    cwd: dir,
    scrub: false,
  });
  expect(JSON.stringify(off.written[0].rows[0])).toMatch(/jo@example\.org/);
  expect(off.written[0].rows[0].metadata.scrubbed).toEqual({ disabled: true });
});

test('usage errors', async () => {
  const file = path.join(fixtures, 'braintrust/support-logs.json');
  await expect(promoteTraces({ from: file, cwd: dir })).rejects.toThrow(/--label MODE .* or --auto-label/);
  await expect(promoteTraces({ from: file, label: 'Bad Mode', cwd: dir })).rejects.toThrow(UsageError);
  await expect(promoteTraces({ from: 'missing.json', label: 'x', cwd: dir })).rejects.toThrow(
    /Cannot read the trace file missing.json/,
  );
  await expect(promoteTraces({ from: file, golden: 0.1, autoLabel: true, cwd: dir })).rejects.toThrow(
    /--golden needs --label/,
  );
  await expect(promoteTraces({ from: file, label: 'x', where: ['a b c'], cwd: dir })).rejects.toThrow(
    /--where "a b c"/,
  );
});

test('question templates mask numbers, ids, dates and placeholders', () => {
  expect(questionTemplate({ question: 'Where is order A-1234 from 2026-11-02? Mail <EMAIL_1>' })).toBe(
    'where is order <id> from <date> mail <pii>',
  );
  expect(questionTemplate('where is ORDER b-99812 ,from Nov 3rd 2025??')).toBe(
    'where is order <id> from <date>',
  );
  expect(
    questionTemplate({ messages: [{ role: 'user', content: 'Refund $19.99 for invoice 7f3a9c2e' }] }),
  ).toBe('refund <n> for invoice <id>');
});
