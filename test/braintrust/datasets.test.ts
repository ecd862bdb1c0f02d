import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pullDataset, pushDatasets } from '../../src/braintrust/datasets.js';
import { normaliseRow, TRACEGATE_KEY } from '../../src/braintrust/dataset-rows.js';
import { UsageError } from '../../src/errors.js';
import { startBraintrustServer, type BraintrustServer } from '../servers/braintrust-server.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEY = 'sk-bt-test-datasets-0123456789';
const PROJECT = 'support-prod';

/** Rows that exercise every field a dataset row may hold beyond Braintrust's record. */
const ODD_ROWS = [
  {
    id: 'odd-0001',
    input: { question: 'Ünïcødé — "quotes" and \\ backslashes\nnewline' },
    expected: null,
    output: 'recorded answer',
    context: { system_prompt: 'Be brief.', retrieved: [{ id: 'kb-9', text: 'x', score: 0.5 }] },
    origin: {
      object_type: 'project_logs',
      object_id: 'a1b2c3d4-0000-4000-8000-000000000001',
      id: 'row-1',
      span_id: 'span-1',
      url: 'https://viewer.example/span-1',
    },
    metadata: { failure_mode: 'custom-mode', review_status: 'approved', nested: { a: [1, 2, { b: null }] } },
    tags: ['billing', 'eu'],
    extra_field: { kept: true },
  },
  { id: 'odd-0002', input: 'plain string input', metadata: { failure_mode: 'custom-mode' }, tags: [] },
  {
    id: 'odd-0003',
    input: { q: 1 },
    expected: { answer: 42 },
    origin: { object_type: 'project_logs', object_id: 'a1b2c3d4-0000-4000-8000-000000000001', id: 'row-3' },
    metadata: { failure_mode: 'custom-mode', kind: 'golden' },
  },
];

let server: BraintrustServer;
let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  server = await startBraintrustServer({ apiKey: KEY, projects: [] });
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-bt-datasets-'));
  await cp(path.join(repo, 'datasets'), path.join(dir, 'datasets'), { recursive: true });
  await writeFile(
    path.join(dir, 'datasets', 'custom-mode.jsonl'),
    ODD_ROWS.map((r) => JSON.stringify(r)).join('\n') + '\n',
  );
  env = { BRAINTRUST_API_KEY: KEY, BRAINTRUST_APP_URL: server.url, BRAINTRUST_API_URL: server.url };
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const base = () => ({ cwd: dir, project: PROJECT, env, retryBaseMs: 1 });
const normalisedFile = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => normaliseRow(JSON.parse(l)))
    .join('\n') + '\n';
const routes = () => server.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`);

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

test('push then pull round-trips every dataset byte-identical after normalisation', async () => {
  const pushed = await pushDatasets({ ...base(), datasets: 'datasets/**/*.jsonl' });
  expect(pushed.map((p) => p.dataset).sort()).toEqual([
    'custom-mode',
    'format-violation',
    'hallucination',
    'instruction-follow-failure',
    'retrieval-miss',
    'tool-argument-error',
  ]);
  expect(
    pushed.every((p) => !p.existed && p.diff.changed.length === 0 && p.diff.unchanged.length === 0),
  ).toBe(true);
  expect(pushed.find((p) => p.dataset === 'custom-mode')!.url).toBe(
    `${server.url}/app/acme/p/${PROJECT}/datasets/custom-mode`,
  );
  // Written through the SDK: API-key login, dataset register, logs3 inserts.
  expect(routes()).toEqual(
    expect.arrayContaining(['POST /api/apikey/login', 'POST /api/dataset/register', 'POST /logs3']),
  );
  expect(server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);

  // Braintrust holds tracegate's metadata as metadata, the origin as Braintrust's origin reference.
  const custom = [...server.datasets.values()].find((d) => d.name === 'custom-mode')!;
  const odd = custom.rows.get('odd-0001')!;
  expect((odd.metadata as Record<string, unknown>).failure_mode).toBe('custom-mode');
  expect(odd.origin).toEqual({
    object_type: 'project_logs',
    object_id: ODD_ROWS[0].origin!.object_id,
    id: 'row-1',
  });
  expect((odd.metadata as Record<string, any>)[TRACEGATE_KEY].position).toBe(1);

  const out = path.join(dir, 'pulled');
  for (const p of pushed) {
    const pulled = await pullDataset({ ...base(), dataset: p.dataset, to: out });
    expect(pulled.diff.added.length).toBe(pulled.rows);
    expect(await readFile(path.join(out, `${p.dataset}.jsonl`), 'utf8')).toBe(
      await normalisedFile(path.join(dir, p.file)),
    );
  }
  expect((await readdir(out)).sort()).toEqual(pushed.map((p) => `${p.dataset}.jsonl`).sort());
});

test('a second push sends nothing; a dry run shows added, changed and left-alone rows and writes nothing', async () => {
  await pushDatasets({ ...base(), datasets: 'datasets/custom-mode.jsonl' });
  const logs3 = () => server.requests.filter((r) => r.url === '/logs3').length;
  const before = logs3();
  const again = await pushDatasets({ ...base(), datasets: 'datasets/custom-mode.jsonl' });
  expect(again[0].diff).toEqual({
    added: [],
    changed: [],
    unchanged: ['odd-0001', 'odd-0002', 'odd-0003'],
    untouched: [],
  });
  expect(logs3()).toBe(before);

  // Edit one row, drop one, add one.
  const rows: Array<Record<string, unknown>> = ODD_ROWS.map((r) => ({ ...r }));
  rows[1] = { ...rows[1], input: 'edited' };
  rows.splice(2, 1);
  rows.push({ id: 'odd-0004', input: { q: 4 }, metadata: { failure_mode: 'custom-mode' } } as never);
  await writeFile(
    path.join(dir, 'datasets', 'custom-mode.jsonl'),
    rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
  );
  const dry = await pushDatasets({ ...base(), datasets: 'datasets/custom-mode.jsonl', dryRun: true });
  expect(dry[0].diff).toEqual({
    added: ['odd-0004'],
    changed: ['odd-0002'],
    unchanged: ['odd-0001'],
    untouched: ['odd-0003'],
  });
  expect(logs3()).toBe(before);
  const custom = [...server.datasets.values()][0];
  expect(custom.rows.get('odd-0002')!.input).toBe('plain string input');

  // The real push upserts by id and leaves the Braintrust-only row alone.
  await pushDatasets({ ...base(), datasets: 'datasets/custom-mode.jsonl' });
  expect(custom.rows.get('odd-0002')!.input).toBe('edited');
  expect([...custom.rows.keys()].sort()).toEqual(['odd-0001', 'odd-0002', 'odd-0003', 'odd-0004']);
});

test('--dataset picks one file; an unknown name lists the local ones; a dry run on a new dataset creates nothing', async () => {
  const one = await pushDatasets({
    ...base(),
    datasets: 'datasets/**/*.jsonl',
    dataset: 'hallucination',
    dryRun: true,
  });
  expect(one.map((o) => [o.dataset, o.existed, o.diff.added.length])).toEqual([['hallucination', false, 3]]);
  expect(routes()).not.toContain('POST /api/dataset/register');
  expect(server.datasets.size).toBe(0);
  const error = await usageError(
    pushDatasets({ ...base(), datasets: 'datasets/**/*.jsonl', dataset: 'halucination' }),
  );
  expect(error.message).toMatch(/No local dataset named "halucination"/);
  expect(error.message).toMatch(/hallucination/);
});

test('an invalid local row stops the push before any request', async () => {
  await writeFile(path.join(dir, 'datasets', 'custom-mode.jsonl'), '{"id":"x","input":1,"metadata":{}}\n');
  const error = await usageError(pushDatasets({ ...base(), datasets: 'datasets/**/*.jsonl' }));
  expect(error.message).toMatch(/custom-mode\.jsonl:1/);
  expect(server.requests).toEqual([]);
});

test('pull merges by id: local-only rows stay, stale rows are replaced, an invalid remote row writes nothing', async () => {
  await pushDatasets({ ...base(), datasets: 'datasets/custom-mode.jsonl' });
  const file = path.join(dir, 'local.jsonl');
  const localOnly = '{"metadata":{"failure_mode":"custom-mode"},"input":"mine","id":"local-1"}';
  const stale = JSON.stringify({ ...ODD_ROWS[1], input: 'stale' });
  await writeFile(file, `${localOnly}\n${stale}\n`);
  const dry = await pullDataset({ ...base(), dataset: 'custom-mode', to: 'local.jsonl', dryRun: true });
  expect(dry.diff).toEqual({
    added: ['odd-0001', 'odd-0003'],
    changed: ['odd-0002'],
    unchanged: [],
    untouched: ['local-1'],
  });
  expect(await readFile(file, 'utf8')).toBe(`${localOnly}\n${stale}\n`);
  await pullDataset({ ...base(), dataset: 'custom-mode', to: 'local.jsonl' });
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
  expect(lines[0]).toBe(localOnly); // kept byte for byte, in place
  expect(lines.map((l) => JSON.parse(l).id)).toEqual(['local-1', 'odd-0002', 'odd-0001', 'odd-0003']);
  expect(JSON.parse(lines[1]).input).toBe('plain string input');

  // A row added in Braintrust's UI without a failure mode is invalid as a dataset row.
  const custom = [...server.datasets.values()][0];
  custom.rows.set('ui-row', { id: 'ui-row', input: 'from the UI', metadata: {}, dataset_id: custom.id });
  const before = await readFile(file, 'utf8');
  const error = await usageError(pullDataset({ ...base(), dataset: 'custom-mode', to: 'local.jsonl' }));
  expect(error.message).toMatch(/Invalid rows in custom-mode; nothing was written/);
  expect(error.message).toMatch(/row "ui-row": metadata\.failure_mode/);
  expect(await readFile(file, 'utf8')).toBe(before);
});

test('pull of a dataset that does not exist, or with an unsafe name, is a clear error', async () => {
  const missing = await usageError(pullDataset({ ...base(), dataset: 'nope' }));
  expect(missing.message).toMatch(/no dataset "nope" in project "support-prod"/);
  const unsafe = await usageError(pullDataset({ ...base(), dataset: '../../etc/passwd' }));
  expect(unsafe.message).toMatch(/not a safe file name: pass --to <file>\.jsonl/);
});

test('no key: a clear error and no request at all', async () => {
  const error = await usageError(
    pushDatasets({ ...base(), env: { BRAINTRUST_API_URL: server.url }, datasets: 'datasets/**/*.jsonl' }),
  );
  expect(error.message).toMatch(/BRAINTRUST_API_KEY is not set: tracegate push datasets needs Braintrust/);
  const pull = await usageError(pullDataset({ ...base(), env: {}, dataset: 'x' }));
  expect(pull.message).toMatch(/BRAINTRUST_API_KEY is not set/);
  expect(server.requests).toEqual([]);
});

test('a rejected key: a clear error naming the key, which is never printed', async () => {
  const wrong = 'sk-bt-wrong-key-9876543210';
  const error = await usageError(
    pushDatasets({
      ...base(),
      env: { ...env, BRAINTRUST_API_KEY: wrong },
      datasets: 'datasets/custom-mode.jsonl',
    }),
  );
  expect(error.message).toMatch(
    /Braintrust rejected the API key \(HTTP 401 on POST .*\/api\/apikey\/login\): Invalid API key/,
  );
  expect(error.message).toMatch(/Check BRAINTRUST_API_KEY/);
  expect(error.message).not.toContain(wrong);
  expect(server.requests.length).toBe(1);
});

test('a 5xx is retried and the push completes; persistent 5xx fails with the count', async () => {
  server.fail({ status: 503, path: '/logs3' });
  const retries: string[] = [];
  await pushDatasets({ ...base(), datasets: 'datasets/custom-mode.jsonl', onRetry: (m) => retries.push(m) });
  expect(retries).toEqual([
    expect.stringMatching(/POST .*\/logs3 answered HTTP 503; retrying in 0\.0 s \(try 2 of 4\)/),
  ]);
  expect([...server.datasets.values()][0].rows.size).toBe(3);

  server.fail({ status: 500, path: '/v1/dataset', times: Infinity, body: '{"error":"boom"}' });
  const error = await usageError(pushDatasets({ ...base(), datasets: 'datasets/custom-mode.jsonl' }));
  expect(error.message).toMatch(/Braintrust answered GET .*\/v1\/dataset with HTTP 500 4 times: boom/);
});

test('a 429 with Retry-After is waited out before the next try', async () => {
  server.fail({ status: 429, path: '/api/apikey/login', retryAfter: '1' });
  const started = Date.now();
  const retries: string[] = [];
  await pushDatasets({
    ...base(),
    datasets: 'datasets/custom-mode.jsonl',
    dryRun: true,
    onRetry: (m) => retries.push(m),
  });
  const logins = server.requests.filter((r) => r.url === '/api/apikey/login');
  expect(logins.length).toBe(2);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  expect(retries).toEqual([expect.stringMatching(/answered HTTP 429; retrying in 1\.0 s/)]);
});

test('rows Braintrust never accepted fail the push (the SDK would only log it)', async () => {
  server.fail({ status: 500, path: '/logs3', times: Infinity, body: '{"error":"disk full"}' });
  const error = await usageError(pushDatasets({ ...base(), datasets: 'datasets/custom-mode.jsonl' }));
  expect(error.message).toMatch(/Braintrust answered POST .*\/logs3 with HTTP 500 4 times: disk full/);
  expect(error.message).toMatch(/writing 3 row\(s\) to dataset "custom-mode" did not complete/);
}, 60_000);
