import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTraces, type ImportStats } from '../../src/traces/import.js';
import { JsonSplitter, type PathSegment } from '../../src/traces/json-stream.js';
import type { Trace } from '../../src/traces/trace.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../fixtures/traces');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-import-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function importAll(
  file: string,
  format?: 'auto' | 'braintrust' | 'otlp' | 'langfuse' | 'jsonl',
  assembler?: object,
) {
  const traces: Trace[] = [];
  const skipped: Array<{ position: string; reason: string }> = [];
  const stats: ImportStats = { records: 0, imported: 0, skipped: 0 };
  for await (const item of importTraces(file, { format, assembler }, stats)) {
    if ('trace' in item) traces.push(item.trace);
    else skipped.push(item.skipped);
  }
  return { traces, skipped, stats };
}

describe('Braintrust project logs', () => {
  const file = path.join(fixtures, 'braintrust/support-logs.json');

  test('a 3-span trace is assembled from unordered rows (tool span first, root second, llm last)', async () => {
    const { traces, skipped, stats } = await importAll(file);
    expect(skipped).toEqual([]);
    expect(stats).toMatchObject({ format: 'braintrust', records: 6, imported: 2, skipped: 0 });
    const t = traces.find((x) => x.trace_id === 'span-a-root')!;
    expect(t.spans.map((s) => [s.span_id, s.kind, s.parent_span_id])).toEqual([
      ['span-a-root', 'task', undefined],
      ['span-a-llm', 'llm', 'span-a-root'],
      ['span-a-tool', 'tool', 'span-a-root'],
    ]);
    expect(t.source).toEqual({
      format: 'braintrust',
      object_type: 'project_logs',
      object_id: 'p-support-0001',
      id: 'row-a-root',
    });
    expect(t.input).toEqual({
      question: 'Where is my order A-1234? Reach me at jane.doe@example.com or +44 20 7946 0958.',
    });
    expect(t.output).toBe('Sorry, I could not find that order. Please check the order number.');
    expect(t.system_prompt).toBe('You are the support assistant of Acme. Use tools to look orders up.');
    expect(t.model_version).toBe('gpt-4.1-2025-04-14');
    expect(t.prompt_version).toBe('support-v14');
    expect(t.feature_flags).toEqual({ new_ranker: true });
    expect(t.usage).toEqual({ input_tokens: 182, output_tokens: 21, total_tokens: 203 });
    expect(t.tool_calls).toEqual([
      {
        name: 'lookup_order',
        id: 'call_1',
        span_id: 'span-a-tool',
        arguments: { order_id: '1234' },
        error:
          'lookup_order: invalid order_id "1234" (expected a letter, a dash and four digits, e.g. A-1234)',
      },
    ]);
    expect((t.tools[0] as any).function.name).toBe('lookup_order');
    expect(t.scores).toEqual({ user_feedback: 0, helpfulness: 0.2 });
    expect(t.feedback).toEqual([{ name: 'user_feedback', value: 0, source: 'braintrust' }]);
    expect(t.start_time).toBe('2026-11-20T10:00:00.000Z');
    expect(t.end_time).toBe('2026-11-20T10:00:02.500Z');
    expect(t.tags).toEqual(['orders']);
  });

  test('retrieval chunks keep their rank order, ids and scores; expected is kept', async () => {
    const { traces } = await importAll(file);
    const t = traces.find((x) => x.trace_id === 'span-b-root')!;
    expect(t.retrieved).toEqual([
      { id: 'kb-31', text: 'Shipping takes 3-5 business days.', score: 0.71, span_id: 'span-b-retrieve' },
      { id: 'kb-40', text: 'Gift cards cannot be refunded.', score: 0.64, span_id: 'span-b-retrieve' },
    ]);
    expect(t.expected).toEqual({ document_ids: ['kb-12'] });
  });

  test('the same rows as BTQL JSONL and as a BTQL response ({data: [...]}) give the same traces', async () => {
    const rows = JSON.parse(await readFile(file, 'utf8')) as unknown[];
    const jsonl = path.join(dir, 'bt.jsonl');
    await writeFile(
      jsonl,
      [...rows]
        .reverse()
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const wrapped = path.join(dir, 'btql.json');
    await writeFile(wrapped, JSON.stringify({ data: rows, schema: {}, cursor: 'abc' }, null, 1));
    const a = await importAll(file);
    const b = await importAll(jsonl);
    const c = await importAll(wrapped, 'braintrust');
    const byId = (ts: Trace[]) => Object.fromEntries(ts.map((t) => [t.trace_id, t]));
    expect(byId(b.traces)).toEqual(byId(a.traces));
    expect(byId(c.traces)).toEqual(byId(a.traces));
  });
});

describe('OTLP/JSON with GenAI attributes', () => {
  test('messages, tool definitions, a failed tool call, feedback and resource come through', async () => {
    const { traces, skipped, stats } = await importAll(path.join(fixtures, 'otlp/genai-attributes.json'));
    expect(skipped).toEqual([]);
    expect(stats.format).toBe('otlp');
    expect(traces).toHaveLength(1);
    const t = traces[0];
    expect(t.trace_id).toBe('5b8efff798038103d269b633813fc60c');
    expect(t.root_span_id).toBe('eee19b7ec3c1b173');
    expect(t.source).toEqual({
      format: 'otlp',
      object_type: 'otel_trace',
      object_id: '5b8efff798038103d269b633813fc60c',
      id: 'eee19b7ec3c1b173',
    });
    expect(t.input).toBe('Refund invoice INV-2031 to card 4111 1111 1111 1111');
    expect(t.system_prompt).toBe('You are a billing assistant.');
    expect(t.model_version).toBe('gpt-4o-2024-08-06');
    expect(t.usage).toEqual({ input_tokens: 96, output_tokens: 18, total_tokens: 114 });
    expect(t.tool_calls).toEqual([
      {
        name: 'issue_refund',
        id: 'call_r1',
        span_id: 'eee19b7ec3c1b175',
        arguments: { invoice_id: 'INV-2031', amount: 'all' },
        error: 'amount must be a number',
      },
    ]);
    expect(t.tools).toEqual([
      {
        type: 'function',
        name: 'issue_refund',
        parameters: {
          type: 'object',
          properties: { invoice_id: { type: 'string' }, amount: { type: 'number' } },
          required: ['invoice_id', 'amount'],
        },
      },
    ]);
    expect(t.feedback).toEqual([{ name: 'thumbs', value: 'down', source: 'otlp' }]);
    expect(t.prompt_version).toBe('billing-v3');
    expect(t.metadata).toMatchObject({
      'service.name': 'support-api',
      'deployment.environment.name': 'production',
    });
  });

  test('protobuf-style base64 ids and snake_case keys are accepted', async () => {
    const doc = JSON.parse(await readFile(path.join(fixtures, 'otlp/genai-attributes.json'), 'utf8'));
    const toB64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const spans = doc.resourceSpans[0].scopeSpans[0].spans.map((s: any) => ({
      trace_id: toB64(s.traceId),
      span_id: toB64(s.spanId),
      ...(s.parentSpanId ? { parent_span_id: toB64(s.parentSpanId) } : {}),
      name: s.name,
      start_time_unix_nano: s.startTimeUnixNano,
      attributes: s.attributes,
      status: s.status,
    }));
    const file = path.join(dir, 'snake.json');
    await writeFile(file, JSON.stringify({ resource_spans: [{ scope_spans: [{ spans }] }] }));
    const { traces, skipped } = await importAll(file);
    expect(skipped).toEqual([]);
    expect(traces[0].trace_id).toBe('5b8efff798038103d269b633813fc60c');
    expect(traces[0].tool_calls[0].name).toBe('issue_refund');
  });
});

describe('Langfuse export', () => {
  test('a trace with observations and scores (API list response)', async () => {
    const { traces, skipped, stats } = await importAll(path.join(fixtures, 'langfuse/trace-export.json'));
    expect(skipped).toEqual([]);
    expect(stats.format).toBe('langfuse');
    const t = traces[0];
    expect(t.trace_id).toBe('lf-trace-1');
    expect(t.source).toEqual({
      format: 'langfuse',
      object_type: 'langfuse_trace',
      object_id: 'lf-project-9',
      id: 'lf-trace-1',
    });
    expect(t.spans.map((s) => [s.span_id, s.kind])).toEqual([
      ['lf-trace-1', 'task'],
      ['lf-obs-chain', 'function'],
      ['lf-obs-ret', 'retrieval'],
      ['lf-obs-gen', 'llm'],
    ]);
    expect(t.retrieved.map((c) => [c.id, c.score])).toEqual([
      ['kb-40', 0.88],
      ['kb-12', 0.52],
    ]);
    expect(t.system_prompt).toBe('Answer as JSON {answer, confidence}.');
    expect(t.model_version).toBe('gpt-4.1-2025-04-14');
    expect(t.prompt_version).toBe('support-v15');
    expect(t.usage).toEqual({ input_tokens: 120, output_tokens: 14, total_tokens: 134, cost_usd: 0.00031 });
    expect(t.response_schema).toMatchObject({ required: ['answer', 'confidence'] });
    expect(t.scores).toEqual({ 'user-feedback': 0, groundedness: 0.3 });
    expect(t.feedback).toEqual([
      {
        name: 'user-feedback',
        value: 0,
        source: 'langfuse:api',
        comment: 'wrong, gift cards are final sale',
      },
    ]);
    expect(t.feature_flags).toEqual({ json_mode: true });
    expect(t.metadata).toMatchObject({ userId: 'u-12', sessionId: 'sess-1', release: '2026.11.3' });
  });

  test('bare observations (JSONL export) are grouped into their trace', async () => {
    const doc = JSON.parse(await readFile(path.join(fixtures, 'langfuse/trace-export.json'), 'utf8'));
    const file = path.join(dir, 'observations.jsonl');
    await writeFile(file, doc.data[0].observations.map((o: unknown) => JSON.stringify(o)).join('\n'));
    const { traces, skipped } = await importAll(file);
    expect(skipped).toEqual([]);
    expect(traces).toHaveLength(1);
    expect(traces[0].root_span_id).toBe('lf-obs-chain');
    expect(traces[0].retrieved).toHaveLength(2);
  });
});

describe('normalised JSONL and malformed input', () => {
  test('valid normalised traces import; invalid ones are reported with their line', async () => {
    const { traces } = await importAll(path.join(fixtures, 'braintrust/support-logs.json'));
    const file = path.join(dir, 'normalised.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify(traces[0]),
        '{"trace_id": "x", "root_span_id": "y", "source": {"format": "otlp"}}',
        JSON.stringify(traces[1]),
      ].join('\n'),
    );
    const again = await importAll(file);
    expect(again.stats).toMatchObject({ format: 'jsonl', imported: 2, skipped: 1 });
    expect(again.traces).toEqual(traces);
    expect(again.skipped[0].position).toBe('line 2');
    expect(again.skipped[0].reason).toMatch(/not a valid trace: source\.object_type/);
  });

  test('bad JSON lines, unknown records and spans without ids are reported, the rest imported', async () => {
    const rows = JSON.parse(
      await readFile(path.join(fixtures, 'braintrust/support-logs.json'), 'utf8'),
    ) as unknown[];
    const file = path.join(dir, 'mixed.jsonl');
    const lines = rows.map((r) => JSON.stringify(r));
    lines.splice(2, 0, '{"span_id": "broken", ', '{"hello": "world"}', '[1, 2]');
    await writeFile(file, lines.join('\n') + '\n');
    const { traces, skipped, stats } = await importAll(file);
    expect(traces).toHaveLength(2);
    expect(stats).toMatchObject({ format: 'braintrust', imported: 2, skipped: 3 });
    expect(skipped.map((s) => s.position)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(skipped[0].reason).toMatch(/^invalid JSON/);
    expect(skipped[1].reason).toMatch(/unknown record: an object with keys hello is not a braintrust record/);
  });

  test('a truncated JSON document: what came before is imported, the error is reported with its offset', async () => {
    const text = await readFile(path.join(fixtures, 'braintrust/support-logs.json'), 'utf8');
    const file = path.join(dir, 'truncated.json');
    await writeFile(file, text.slice(0, text.indexOf('"id": "row-b-root"') - 10));
    const { traces, skipped } = await importAll(file);
    expect(traces.map((t) => t.trace_id).sort()).toEqual(['span-a-root', 'span-b-root']);
    expect(skipped.at(-1)).toMatchObject({ position: 'document' });
    expect(skipped.at(-1)!.reason).toMatch(/unexpected end of JSON input at character \d+/);
  });

  test('an OTLP span without ids, and a file of no known format', async () => {
    const file = path.join(dir, 'noids.json');
    await writeFile(file, JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }] }));
    const a = await importAll(file);
    expect(a.skipped).toEqual([
      {
        position: 'line 1 resourceSpans[0].scopeSpans[0].spans[0]',
        reason: 'OTLP span without traceId/spanId',
      },
    ]);
    const other = path.join(dir, 'other.jsonl');
    await writeFile(other, '{"a": 1}\n{"b": 2}\n');
    const b = await importAll(other);
    expect(b.stats).toMatchObject({ imported: 0, skipped: 2 });
    expect(b.skipped[0].reason).toMatch(/not a record of any supported format/);
  });

  test('a span arriving after its trace was complete is reported, not merged into a broken trace', async () => {
    const rows = JSON.parse(
      await readFile(path.join(fixtures, 'braintrust/support-logs.json'), 'utf8'),
    ) as any[];
    const late = rows.find((r) => r.span_id === 'span-a-tool');
    const rest = rows.filter((r) => r !== late);
    const filler = Array.from({ length: 30 }, (_, i) => ({
      ...rows[1],
      id: `f${i}`,
      span_id: `f${i}`,
      root_span_id: `f${i}`,
    }));
    const file = path.join(dir, 'late.jsonl');
    await writeFile(file, [...rest, ...filler, late].map((r) => JSON.stringify(r)).join('\n'));
    const { skipped } = await importAll(file, 'auto', { idleRecords: 10 });
    expect(skipped).toHaveLength(1);
    expect(skipped[0].position).toBe('line 36');
    expect(skipped[0].reason).toMatch(/belongs to trace span-a-root, which was already complete/);
  });
});

describe('JsonSplitter', () => {
  test('splits at any chunk boundary, with escapes and nested strings holding brackets', () => {
    const doc = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [{ scope: { name: 's' }, spans: [{ a: 'x"}]{[\\' }, { b: [1, { c: '}' }] }, {}] }],
        },
      ],
    };
    const text = JSON.stringify(doc, null, 2);
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const got: Array<[string, unknown]> = [];
      const splitter = new JsonSplitter(
        (p: PathSegment[]) => p.length === 6 && p[4] === 'spans',
        (v, p) => got.push([p.join('/'), v]),
      );
      for (let i = 0; i < text.length; i += size) splitter.write(text.slice(i, i + size));
      splitter.end();
      expect(got).toEqual([
        ['resourceSpans/0/scopeSpans/0/spans/0', { a: 'x"}]{[\\' }],
        ['resourceSpans/0/scopeSpans/0/spans/1', { b: [1, { c: '}' }] }],
        ['resourceSpans/0/scopeSpans/0/spans/2', {}],
      ]);
    }
  });

  test('malformed skeletons throw with a character offset', () => {
    const splitter = new JsonSplitter(
      () => false,
      () => undefined,
    );
    expect(() => splitter.write('{"a" 1}')).toThrow(/expected ":", got "1" at character 5/);
  });
});
