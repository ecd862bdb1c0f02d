import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startOpenAIServer, type OpenAIServer, type ChatReply } from '../servers/openai-server.js';
import { importTraces } from '../../src/traces/import.js';
import type { Trace } from '../../src/traces/trace.js';

// Traces produced by real instrumentation libraries, not written by hand: a child process runs the real
// `openai` client patched by @opentelemetry/instrumentation-openai (or OpenInference's instrumentation)
// against a local OpenAI-compatible server, exports its spans with otlp-transformer's JSON serialiser, and
// we import that file.
const execFileAsync = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const app = path.join(here, 'instrumented-app.cjs');

const reply = (body: any): ChatReply => {
  const toolMessage = (body.messages as any[]).find((m) => m.role === 'tool');
  if (!toolMessage)
    return {
      tool_calls: [
        { id: 'call_order_1', name: 'lookup_order', arguments: { order_id: 'A-1234', include_items: true } },
      ],
    };
  return { content: 'Your order A-1234 shipped on 2026-11-18. Refunds are accepted within 30 days [kb-12].' };
};

let server: OpenAIServer;
let dir: string;
beforeAll(async () => {
  server = await startOpenAIServer({ reply, model: 'gpt-4.1-mini-2025-04-14' });
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-otel-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function record(
  flavour: 'otel' | 'openinference',
): Promise<{ traces: Trace[]; skipped: unknown[]; file: string }> {
  const file = path.join(dir, `${flavour}.otlp.jsonl`);
  const before = server.requests.length;
  await execFileAsync(process.execPath, [app, flavour, server.url, file], {
    cwd: path.resolve(here, '../..'),
  });
  expect(server.requests.length - before).toBe(2); // two real chat completions went over HTTP
  const traces: Trace[] = [];
  const skipped: unknown[] = [];
  for await (const item of importTraces(file)) {
    if ('trace' in item) traces.push(item.trace);
    else skipped.push(item.skipped);
  }
  return { traces, skipped, file };
}

function checkCommon(t: Trace) {
  expect(t.source.format).toBe('otlp');
  expect(t.name).toBe('support.answer');
  expect(t.input).toEqual({ question: 'Where is my order A-1234, and can I still get a refund?' });
  expect(t.output).toBe(
    'Your order A-1234 shipped on 2026-11-18. Refunds are accepted within 30 days [kb-12].',
  );
  expect(t.prompt_version).toBe('support-v14');
  expect(t.feature_flags).toEqual({ new_ranker: true });
  // Retrieved chunks in rank order with ids, texts and scores.
  expect(t.retrieved.map((c) => [c.id, c.text, c.score])).toEqual([
    ['kb-12', 'Refunds are accepted within 30 days of purchase.', 0.92],
    ['kb-31', 'Orders ship within 2 business days.', 0.71],
    ['kb-40', 'Gift cards cannot be refunded.', 0.64],
  ]);
  // The tool call: name, id, arguments exactly as the model sent them, and the result.
  expect(t.tool_calls).toHaveLength(1);
  expect(t.tool_calls[0]).toMatchObject({
    name: 'lookup_order',
    id: 'call_order_1',
    arguments: { order_id: 'A-1234', include_items: true },
    result: { order_id: 'A-1234', status: 'shipped', shipped_on: '2026-11-18' },
  });
  expect(t.model_version).toBe('gpt-4.1-mini-2025-04-14');
  expect(t.usage?.input_tokens).toBeGreaterThan(0);
  expect(t.usage?.output_tokens).toBeGreaterThan(0);
  const kinds = t.spans.map((s) => s.kind).sort();
  expect(kinds).toEqual(['function', 'llm', 'llm', 'retrieval', 'tool']);
  expect(t.spans.every((s) => /^[0-9a-f]{16}$/.test(s.span_id))).toBe(true);
  expect(t.trace_id).toMatch(/^[0-9a-f]{32}$/);
  expect(t.start_time && t.end_time && t.start_time <= t.end_time).toBe(true);
}

test('OpenTelemetry instrumentation-openai: spans plus GenAI log events come through intact', async () => {
  const { traces, skipped, file } = await record('otel');
  expect(skipped).toEqual([]);
  expect(traces).toHaveLength(1);
  const t = traces[0];
  checkCommon(t);
  // Message content came from the gen_ai.* log events the instrumentation emitted (second line of the file).
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(JSON.parse(lines[1]).resourceLogs).toBeDefined();
  expect(t.system_prompt).toMatch(/^You are Acme's support assistant/);
  const llm = t.spans.filter((s) => s.kind === 'llm');
  expect(llm.every((s) => s.name === 'chat gpt-4.1-mini')).toBe(true);
});

test('OpenInference instrumentation: llm.* attributes come through intact, with tool definitions', async () => {
  const { traces, skipped } = await record('openinference');
  expect(skipped).toEqual([]);
  expect(traces).toHaveLength(1);
  const t = traces[0];
  checkCommon(t);
  expect(t.system_prompt).toMatch(/^You are Acme's support assistant/);
  // The same export as one pretty-printed OTLP/JSON document (not JSON Lines): read by the streaming splitter.
  const { file } = { file: path.join(dir, 'openinference.otlp.jsonl') };
  const doc = path.join(dir, 'openinference.otlp.json');
  await writeFile(doc, JSON.stringify(JSON.parse((await readFile(file, 'utf8')).split('\n')[0]), null, 2));
  const again: Trace[] = [];
  for await (const item of importTraces(doc)) if ('trace' in item) again.push(item.trace);
  expect(again).toEqual(traces);
  // OpenInference records the tools offered to the model, with their JSON Schemas.
  expect(t.tools).toHaveLength(1);
  expect((t.tools[0] as any).function?.name ?? (t.tools[0] as any).name).toBe('lookup_order');
});
