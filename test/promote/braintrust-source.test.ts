import { execFileSync } from 'node:child_process';
import { cli as runCli } from '../helpers/cli.js';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promoteTraces } from '../../src/promote/promote.js';
import { importTraces } from '../../src/traces/import.js';
import {
  braintrustLogRecords,
  btqlQuery,
  type BraintrustFetchStats,
} from '../../src/traces/braintrust-api.js';
import { UsageError } from '../../src/errors.js';
import { startBraintrustServer, type BraintrustServer } from '../servers/braintrust-server.js';
import { supportTrace } from './generate.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const KEY = 'sk-test-braintrust-0123456789';
const PROJECT_ID = 'a1b2c3d4-0000-4000-8000-000000000001';
const OTHER_ID = 'a1b2c3d4-0000-4000-8000-000000000002';
const START = 1795168800;

/**
 * Six failing traces (tool called with a bad order id, thumbs-down) and four good ones (thumbs-up), three
 * rows each, laid out in order: with pages of 4 rows nearly every trace straddles a page boundary (fail1's
 * root is row 4 of page 1, its LLM and tool spans rows 1–2 of page 2). fail5, the most recent failure, has
 * no `project_id` on its rows, so the project id must come from the API lookup. Another project's rows are
 * mixed in and must never be fetched.
 */
function fixtureRows(): Array<Record<string, unknown>> {
  const rows: Array<Record<string, unknown>> = [];
  const add = (key: string, i: number, failing: boolean, project = PROJECT_ID) => {
    const created = new Date((START + i * 60) * 1000).toISOString();
    for (const row of supportTrace(key, i, { failing, project })) {
      row.created ??= created;
      if (key === 'fail5') {
        row._project = row.project_id;
        delete row.project_id;
      }
      rows.push(row);
    }
  };
  for (let i = 0; i < 6; i++) add(`fail${i}`, i, true);
  add('other0', 3, true, OTHER_ID);
  for (let i = 0; i < 4; i++) add(`ok${i}`, 10 + i, false);
  return rows;
}

let server: BraintrustServer;
let dir: string;
beforeEach(async () => {
  server = await startBraintrustServer({
    apiKey: KEY,
    projects: [
      { id: PROJECT_ID, name: 'support-prod' },
      { id: OTHER_ID, name: 'other-app' },
    ],
    rows: fixtureRows(),
  });
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-bt-source-'));
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const btqlRequests = () => server.requests.filter((r) => r.url === '/btql');
const api = (extra: Record<string, unknown> = {}) => ({
  apiKey: KEY,
  apiUrl: server.url,
  pageSize: 4,
  retryBaseMs: 1,
  env: {},
  ...extra,
});

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

test('the query: select *, project_logs by id, created filter, limit, quoted cursor', () => {
  expect(btqlQuery({ projectId: PROJECT_ID, limit: 1000 })).toBe(
    `select: * | from: project_logs('${PROJECT_ID}') | limit: 1000`,
  );
  expect(
    btqlQuery({ projectId: PROJECT_ID, since: '2026-11-01T00:00:00.000Z', limit: 10, cursor: "ab'c" }),
  ).toBe(
    `select: * | from: project_logs('${PROJECT_ID}') | filter: created >= '2026-11-01T00:00:00.000Z' | limit: 10 | cursor: 'ab\\'c'`,
  );
});

test('every page is fetched and traces whose spans straddle pages assemble whole', async () => {
  const stats: BraintrustFetchStats = { api_url: '', pages: 0, rows: 0, retries: 0 };
  const source = braintrustLogRecords({ project: 'support-prod', ...api() }, stats);
  const traces = new Map<string, any>();
  const importStats = { records: 0, imported: 0, skipped: 0 };
  for await (const item of importTraces(source, { format: 'braintrust' }, importStats)) {
    if ('skipped' in item) throw new Error(`skipped ${item.skipped.position}: ${item.skipped.reason}`);
    traces.set(item.trace.trace_id, item.trace);
  }
  // 30 rows of the project in pages of 4: 8 pages with rows, then an empty one ends the paging.
  expect(stats).toMatchObject({ project_id: PROJECT_ID, project_name: 'support-prod', pages: 8, rows: 30 });
  expect(importStats).toMatchObject({ records: 30, imported: 10, skipped: 0 });
  expect([...traces.keys()].sort()).toEqual(
    [...[0, 1, 2, 3, 4, 5].map((i) => `fail${i}-root`), ...[0, 1, 2, 3].map((i) => `ok${i}-root`)].sort(),
  );
  const fail1 = traces.get('fail1-root');
  expect(fail1.spans.map((s: any) => s.span_id).sort()).toEqual(['fail1-llm', 'fail1-root', 'fail1-tool']);
  expect(fail1.tool_calls).toEqual([
    expect.objectContaining({ name: 'lookup_order', arguments: { order_id: '1037' } }),
  ]);
  // The name was looked up once, then BTQL paged by id with the server's cursors, every request keyed.
  expect(server.requests[0].url).toBe('/v1/project?project_name=support-prod');
  const pages = btqlRequests();
  expect(pages).toHaveLength(9);
  expect(pages.every((r) => r.btql?.from === PROJECT_ID && r.btql.limit === '4')).toBe(true);
  expect(pages[0].btql?.cursor).toBeUndefined();
  expect(pages.slice(1).every((r) => typeof r.btql?.cursor === 'string')).toBe(true);
  expect(server.requests.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
});

test('pages are fetched as the importer asks for rows, not ahead (memory holds one page)', async () => {
  const records = braintrustLogRecords({ project: PROJECT_ID, ...api() })[Symbol.asyncIterator]();
  expect(btqlRequests()).toHaveLength(0);
  await records.next();
  expect(btqlRequests()).toHaveLength(1);
  for (let i = 0; i < 3; i++) await records.next();
  expect(btqlRequests()).toHaveLength(1);
  const fifth = await records.next();
  expect(fifth.value).toMatchObject({ position: 'page 2 row 1' });
  expect(btqlRequests()).toHaveLength(2);
  await records.return?.(undefined);
});

test('--where thumbs-down --label: failing traces become one row whose origin is the project log row', async () => {
  const outcome = await promoteTraces({
    from: 'braintrust:support-prod',
    braintrust: api(),
    label: 'tool-argument-error',
    where: ['thumbs-down'],
    cwd: dir,
  });
  expect(outcome.stats).toMatchObject({ format: 'braintrust', imported: 10, skipped: 0 });
  expect(outcome.filtered).toBe(4); // the thumbs-up traces
  expect(outcome.written).toHaveLength(1);
  expect(outcome.written[0].file).toBe('datasets/tool-argument-error.jsonl');
  const [row] = outcome.written[0].rows;
  // fail5 is the most recent failure; its rows carry no project_id, so the id comes from the lookup.
  expect(row.origin).toEqual({
    object_type: 'project_logs',
    object_id: PROJECT_ID,
    id: 'fail5-row-root',
    span_id: 'fail5-root',
  });
  expect(row.metadata).toMatchObject({ failure_mode: 'tool-argument-error', review_status: 'approved' });
  expect((row.metadata.related_span_ids as string[]).sort()).toEqual(
    ['fail0-root', 'fail1-root', 'fail2-root', 'fail3-root', 'fail4-root'].sort(),
  );
  expect(JSON.stringify(row)).not.toContain('@example.com'); // scrubbed as from a file
  const written = (await readFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8')).trim();
  expect(JSON.parse(written).origin.object_id).toBe(PROJECT_ID);
});

test('a project id is used without a lookup; --since filters on created; --limit caps the rows', async () => {
  const since = new Date((START + 12 * 60) * 1000).toISOString();
  const outcome = await promoteTraces({
    from: `braintrust:${PROJECT_ID}`,
    braintrust: api({ since: since.replace('.000Z', 'Z') }),
    label: 'hallucination',
    dryRun: true,
    cwd: dir,
  });
  expect(server.requests.some((r) => r.url.startsWith('/v1/project'))).toBe(false);
  expect(btqlRequests()[0].btql?.since).toBe(since);
  expect(outcome.fetched).toMatchObject({ project_id: PROJECT_ID, rows: 6 }); // ok2 and ok3
  expect(outcome.stats.imported).toBe(2);

  server.requests.length = 0;
  const limited = await promoteTraces({
    from: `braintrust:${PROJECT_ID}`,
    braintrust: api({ limit: 6 }),
    label: 'hallucination',
    dryRun: true,
    cwd: dir,
  });
  expect(limited.fetched).toMatchObject({ rows: 6, pages: 2 });
  expect(btqlRequests().map((r) => r.btql?.limit)).toEqual(['4', '2']);
  expect(limited.stats).toMatchObject({ records: 6, imported: 2 });
});

test('429 then success: retried after Retry-After, nothing lost', async () => {
  server.fail({ status: 429, path: '/btql', retryAfter: '0' });
  server.fail({ status: 503, path: '/btql' });
  const retries: string[] = [];
  const outcome = await promoteTraces({
    from: 'braintrust:support-prod',
    braintrust: api({ onRetry: (m: string) => retries.push(m) }),
    label: 'tool-argument-error',
    where: ['thumbs-down'],
    dryRun: true,
    cwd: dir,
  });
  expect(outcome.fetched).toMatchObject({ rows: 30, retries: 2 });
  expect(outcome.stats.imported).toBe(10);
  expect(retries).toEqual([
    expect.stringMatching(/POST .*\/btql answered HTTP 429; retrying in 0\.0 s \(try 2 of 4\)/),
    expect.stringMatching(/HTTP 503; retrying in 0\.0 s \(try 3 of 4\)/),
  ]);
});

test('a connection dropped mid-request is retried', async () => {
  server.fail({ status: 0, path: '/btql' });
  const stats: BraintrustFetchStats = { api_url: '', pages: 0, rows: 0, retries: 0 };
  let n = 0;
  for await (const record of braintrustLogRecords({ project: PROJECT_ID, ...api() }, stats)) if (record) n++;
  expect(n).toBe(30);
  expect(stats.retries).toBe(1);
});

test('persistent 500: four tries, then a UsageError saying so', async () => {
  server.fail({ status: 500, path: '/btql', times: Infinity, body: '{"error":"internal boom"}' });
  const error = await usageError(
    promoteTraces({ from: 'braintrust:support-prod', braintrust: api(), label: 'hallucination', cwd: dir }),
  );
  expect(error.message).toMatch(/HTTP 500 4 times: internal boom/);
  expect(btqlRequests()).toHaveLength(4);
});

test('401 names the key; an unknown project is named; a refused connection names the URL; no key', async () => {
  const bad = await usageError(
    promoteTraces({
      from: 'braintrust:support-prod',
      braintrust: api({ apiKey: 'sk-wrong' }),
      label: 'hallucination',
      cwd: dir,
    }),
  );
  expect(bad.message).toMatch(/rejected the API key \(HTTP 401 on GET .*\/v1\/project\)/);
  expect(bad.message).toMatch(/BRAINTRUST_API_KEY/);

  const missing = await usageError(
    promoteTraces({ from: 'braintrust:no-such-app', braintrust: api(), label: 'hallucination', cwd: dir }),
  );
  expect(missing.message).toMatch(/Braintrust project "no-such-app" not found/);

  const unknownId = 'ffffffff-0000-4000-8000-000000000009';
  const gone = await usageError(
    promoteTraces({ from: `braintrust:${unknownId}`, braintrust: api(), label: 'hallucination', cwd: dir }),
  );
  expect(gone.message).toContain(`Braintrust project ${unknownId} not found`);

  const url = server.url;
  await server.close();
  const refused = await usageError(
    promoteTraces({ from: 'braintrust:support-prod', braintrust: api(), label: 'hallucination', cwd: dir }),
  );
  expect(refused.message).toContain(`Cannot reach the Braintrust API at ${url}`);
  expect(refused.message).toMatch(/ECONNREFUSED/);

  const noKey = await usageError(
    promoteTraces({
      from: 'braintrust:support-prod',
      braintrust: { env: { BRAINTRUST_API_URL: url } },
      label: 'hallucination',
      cwd: dir,
    }),
  );
  expect(noKey.message).toMatch(/^BRAINTRUST_API_KEY is not set/);
});

test('--since and --limit are refused with a file, --format must fit, --since must be a date', async () => {
  await expect(
    promoteTraces({ from: 'logs.jsonl', braintrust: { limit: 5 }, label: 'hallucination', cwd: dir }),
  ).rejects.toThrow(/--limit applies to --from braintrust:PROJECT only/);
  await expect(
    promoteTraces({
      from: 'braintrust:x',
      format: 'otlp',
      braintrust: api(),
      label: 'hallucination',
      cwd: dir,
    }),
  ).rejects.toThrow(/--format otlp does not fit/);
  await expect(
    promoteTraces({
      from: 'braintrust:x',
      braintrust: api({ since: 'yesterday' }),
      label: 'hallucination',
      cwd: dir,
    }),
  ).rejects.toThrow(/--since "yesterday": expected an ISO 8601 date/);
  expect(server.requests).toHaveLength(0);
});

// ---- The real CLI, as a user runs it ----

function cli(args: string[], env: Record<string, string | undefined>) {
  return runCli(args, dir, env);
}

beforeAll(() => {
  // Build lib/ when it lacks this feature or is older than its sources.
  const built = path.join(repo, 'lib/src/traces/braintrust-api.js');
  const sources = [
    'src/traces/braintrust-api.ts',
    'src/traces/import.ts',
    'src/promote/promote.ts',
    'src/cli/commands/promote-command.ts',
  ].map((f) => statSync(path.join(repo, f)).mtimeMs);
  if (!existsSync(built) || statSync(built).mtimeMs < Math.max(...sources)) {
    try {
      execFileSync(
        process.execPath,
        [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        { cwd: repo, stdio: 'pipe' },
      );
    } catch (error) {
      // tsc still emits when a file elsewhere has a type error; only a missing output is fatal here.
      if (!existsSync(built)) throw error;
    }
  }
}, 180_000);

describe('tracegate promote --from braintrust:PROJECT (real process)', () => {
  let cliServer: BraintrustServer;
  beforeEach(async () => {
    // The server caps pages at 4 rows, so the CLI's default page size still pages 8 times.
    cliServer = await startBraintrustServer({
      apiKey: KEY,
      projects: [{ id: PROJECT_ID, name: 'support-prod' }],
      rows: fixtureRows(),
      maxPageSize: 4,
    });
  });
  afterEach(() => cliServer.close());
  const env = () => ({ BRAINTRUST_API_KEY: KEY, BRAINTRUST_API_URL: cliServer.url });
  const args = ['promote', '--from', 'braintrust:support-prod', '--label', 'tool-argument-error'];

  test('pages through the logs, selects, labels, clusters and writes a row with its origin', async () => {
    cliServer.fail({ status: 429, path: '/btql', retryAfter: '0' });
    const r = await cli([...args, '--where', 'thumbs-down'], env());
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /^braintrust: POST .*\/btql answered HTTP 429; retrying in 0\.0 s \(try 2 of 4\)\n$/,
    );
    expect(r.stdout).toContain(
      `fetched 30 row(s) in 8 page(s) of BTQL from project support-prod (${PROJECT_ID}) at ${cliServer.url} (1 retried request(s))`,
    );
    expect(r.stdout).toContain(
      'imported 10 trace(s) from braintrust:support-prod (braintrust), skipped 0 record(s)',
    );
    expect(r.stdout).toContain('4 trace(s) not selected by --where');
    expect(r.stdout).toMatch(/appended 1 row\(s\) to datasets\/tool-argument-error\.jsonl: tool-0001/);
    const lines = (await readFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8'))
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);
    const row = JSON.parse(lines[0]);
    expect(row.origin).toMatchObject({
      object_type: 'project_logs',
      object_id: PROJECT_ID,
      id: 'fail5-row-root',
    });
    expect(row.metadata.related_span_ids).toHaveLength(5);

    // Promoting again is idempotent, from the API as from a file.
    const again = await cli([...args, '--where', 'thumbs-down'], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 new row\(s\), 1 already promoted/);
  });

  test('cluster reads the same source, with --since and --limit', async () => {
    const r = await cli(['cluster', '--from', 'braintrust:support-prod', '--limit', '9', '--json'], env());
    expect(r.code).toBe(0);
    const btql = cliServer.requests.filter((q) => q.url.startsWith('/btql'));
    // The server caps pages at 4 rows: 4 + 4 + 1, each request asking only for what the limit leaves.
    expect(btql.map((q) => q.btql?.limit)).toEqual(['9', '5', '1']);
    const out = JSON.parse(r.stdout);
    expect(out.records).toBe(9);
    expect(out.clusters.length).toBeGreaterThan(0);
    for (const c of out.clusters) expect(c.size).toBeGreaterThan(0);
    const bad = await cli(['cluster', '--from', 'braintrust:support-prod', '--since', 'yesterday'], env());
    expect(bad.code).toBe(2);
  });

  test('--json reports the fetch; --limit caps it', async () => {
    const r = await cli([...args, '--limit', '9', '--dry-run', '--json'], env());
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.fetched).toMatchObject({ project_id: PROJECT_ID, rows: 9, pages: 3, retries: 0 });
    expect(out.records).toBe(9);
  });

  test('a wrong key exits 2 with a message about the key, and does not print it', async () => {
    const r = await cli(args, { ...env(), BRAINTRUST_API_KEY: 'sk-revoked-key-999' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tracegate: The Braintrust API rejected the API key \(HTTP 401/);
    expect(r.stderr).toContain('Check BRAINTRUST_API_KEY');
    expect(r.stderr).not.toContain('sk-revoked-key-999');
    expect(existsSync(path.join(dir, 'datasets'))).toBe(false);
  });

  test('no key: exit 2 naming BRAINTRUST_API_KEY, before any request', async () => {
    const r = await cli(args, { BRAINTRUST_API_KEY: undefined, BRAINTRUST_API_URL: cliServer.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^tracegate: BRAINTRUST_API_KEY is not set/);
    expect(cliServer.requests).toHaveLength(0);
  });

  test('an unknown project and an unreachable API exit 2 with what and where', async () => {
    const r = await cli(['promote', '--from', 'braintrust:nope', '--label', 'hallucination'], env());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Braintrust project "nope" not found/);

    const down = await cli(args, { ...env(), BRAINTRUST_API_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('Cannot reach the Braintrust API at http://127.0.0.1:9');
  });
});
