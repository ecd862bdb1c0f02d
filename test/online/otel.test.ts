import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startOpenAIServer, type ChatReply, type OpenAIServer } from '../servers/openai-server.js';
import { bin, repo } from '../helpers/cli.js';

// Spans made by the real instrumentation libraries (OpenTelemetry's instrumentation-openai, OpenInference's)
// around the real `openai` client talking to a local OpenAI-compatible server, whose model sends a bad
// tool argument ("1234" for an order id that must look like "A-1234"). Scored in the app by
// TracegateSpanProcessor, and out of the app by `tracegate score --otlp-listen`.
const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const app = path.join(here, 'scored-app.cjs');

const reply = (body: any): ChatReply =>
  (body.messages as any[]).some((m) => m.role === 'tool')
    ? { content: 'I could not find order 1234.' }
    : { tool_calls: [{ id: 'call_1', name: 'lookup_order', arguments: { order_id: '1234' } }] };

let server: OpenAIServer;
let dir: string;
beforeAll(async () => {
  server = await startOpenAIServer({ reply, model: 'gpt-4.1-mini-2025-04-14' });
});
afterAll(() => server.close());
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-otel-online-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function queue(reviewDir: string): Promise<any[]> {
  const text = await readFile(path.join(reviewDir, 'tool-argument-error.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

test.each(['otel', 'openinference'])(
  'TracegateSpanProcessor (%s): the bad tool argument is flagged, scores land on a span of the trace, the item is queued',
  async (flavour) => {
    const reviewDir = path.join(dir, 'review');
    const { stdout } = await execFileAsync(
      process.execPath,
      [app, flavour, 'processor', server.url, reviewDir],
      {
        cwd: repo,
      },
    );
    const out = JSON.parse(stdout);
    const root = out.spans.find((s: any) => s.name === 'support.answer');
    const score = out.spans.find((s: any) => s.name === 'tracegate.score');
    expect(score).toBeDefined();
    expect(score.traceId).toBe(root.traceId);
    expect(score.parentSpanId).toBe(root.spanId);
    expect(score.attributes).toMatchObject({
      'tracegate.failed': true,
      'tracegate.failure_mode': 'tool-argument-error',
      'tracegate.score.tool-call': 0,
    });
    expect(score.events).toEqual([
      {
        name: 'tracegate.score',
        attributes: expect.objectContaining({
          'tracegate.failure_mode': 'tool-argument-error',
          'tracegate.status': 'failed',
          'tracegate.score.tool-call': 0,
          'tracegate.reasons': [
            expect.stringMatching(/tool-call 0\.00: lookup_order\/order_id must match pattern/),
          ],
        }),
      },
    ]);
    expect(out.stats).toMatchObject({ scored: 1, failed: 1, dropped: 0, review_proposed: 1 });
    expect(out.buffer).toMatchObject({ built: 1, dropped_traces: 0, open_traces: 0 });
    // Exactly one score span: tracegate's own span is not scored again.
    expect(out.spans.filter((s: any) => s.name === 'tracegate.score')).toHaveLength(1);

    const [item] = await queue(reviewDir);
    expect(item).toMatchObject({
      status: 'pending',
      proposed_mode: 'tool-argument-error',
      signature_basis: 'tool-argument-error|tool:lookup_order|arg:order_id',
      sources: [`otel:${flavour}`],
      needs_person: false,
      cluster: { size: 1 },
    });
    expect(item.row.input).toEqual({ question: 'Where is my order A-1234?' });
    expect(item.row.context.tool_calls[0]).toMatchObject({
      name: 'lookup_order',
      arguments: { order_id: '1234' },
    });
    expect(item.row.metadata.source_span_id).toBe(root.spanId);
    expect(item.cluster.distinct.user).toHaveLength(1);
  },
  30_000,
);

test('tracegate score --otlp-listen: OTLP/HTTP JSON exports of both instrumentations are scored and queued; SIGTERM drains and exits 0', async () => {
  await writeFile(
    path.join(dir, 'tools.json'),
    JSON.stringify([
      {
        type: 'function',
        function: {
          name: 'lookup_order',
          parameters: {
            type: 'object',
            properties: { order_id: { type: 'string', pattern: '^[A-Z]-\\d{4}$' } },
            required: ['order_id'],
          },
        },
      },
    ]),
  );
  const child = spawn(
    process.execPath,
    [
      bin,
      'score',
      '--otlp-listen',
      '127.0.0.1:0',
      '--review-dir',
      'q',
      '--tools',
      'tools.json',
      '--failure-mode',
      'tool-argument-error',
    ],
    { cwd: dir },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c) => {
      stdout += c;
      const m = /receiving OTLP\/HTTP JSON at (http:\/\/\S+)\/v1\/traces/.exec(stdout);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`receiver exited ${code}: ${stderr}`)));
  });
  try {
    for (const flavour of ['otel', 'openinference']) {
      const { stdout: out } = await execFileAsync(
        process.execPath,
        [app, flavour, 'export', server.url, url],
        {
          cwd: repo,
        },
      );
      expect(JSON.parse(out)).toMatchObject({ status: 200, body: '{}' });
    }
    const bad = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"nope": 1}',
    });
    expect(bad.status).toBe(400);
    const proto = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([1, 2, 3]),
    });
    expect(proto.status).toBe(415);
    expect(await proto.text()).toMatch(/set the exporter's protocol to http\/json/);
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(stderr).toMatch(/SIGTERM: scoring what is queued, then stopping/);
  expect(code).toBe(0);
  expect(stdout).toMatch(
    /4 export request\(s\) \(2 rejected\), \d+ span\(s\), 2 trace\(s\); received 2, scored 2, failed 2/,
  );
  const [item] = await queue(path.join(dir, 'q'));
  expect(item).toMatchObject({
    proposed_mode: 'tool-argument-error',
    sources: ['otlp'],
    cluster: { size: 2 },
    evidence: { scorers: [expect.objectContaining({ name: 'tool-call', score: 0 })] },
  });
}, 60_000);
