// A small support assistant instrumented the way a production app is: the real `openai` client, patched by
// a real instrumentation library (OpenTelemetry's instrumentation-openai or OpenInference's), talking to an
// OpenAI-compatible server. It retrieves documents, lets the model call a tool, runs the tool, and answers.
// The spans (and, for the OpenTelemetry instrumentation, the GenAI log events) are serialised with
// @opentelemetry/otlp-transformer's JSON serialisers and written as OTLP/JSON lines, one export request
// per line, as the OpenTelemetry collector's file exporter writes them.
//
// usage: node instrumented-app.cjs <otel|openinference> <baseURL> <out.jsonl> [question]
// CommonJS on purpose: both instrumentations hook `require`, so no loader flags are needed.
'use strict';
const fs = require('node:fs');
const [, , flavour, baseURL, outFile, questionArg] = process.argv;

const { trace, context, SpanStatusCode } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const {
  LoggerProvider,
  InMemoryLogRecordExporter,
  SimpleLogRecordProcessor,
} = require('@opentelemetry/sdk-logs');
const { logs } = require('@opentelemetry/api-logs');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { JsonTraceSerializer, JsonLogsSerializer } = require('@opentelemetry/otlp-transformer');

const spanExporter = new InMemorySpanExporter();
const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spanExporter)] });
tracerProvider.register();
const logExporter = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({
  processors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
});
logs.setGlobalLoggerProvider(loggerProvider);

if (flavour === 'otel') {
  const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
  const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true });
  registerInstrumentations({ instrumentations: [instrumentation], tracerProvider });
  instrumentation.setLoggerProvider(loggerProvider);
} else if (flavour === 'openinference') {
  const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
  const instrumentation = new OpenAIInstrumentation();
  registerInstrumentations({ instrumentations: [instrumentation] });
  // The require hook patches the module when it is loaded below; manual instrumentation is the fallback.
  instrumentation.manuallyInstrument(require('openai'));
} else {
  console.error(`unknown flavour ${flavour}`);
  process.exit(2);
}
const { OpenAI } = require('openai');

const KB = [
  { id: 'kb-12', text: 'Refunds are accepted within 30 days of purchase.', score: 0.92 },
  { id: 'kb-31', text: 'Orders ship within 2 business days.', score: 0.71 },
  { id: 'kb-40', text: 'Gift cards cannot be refunded.', score: 0.64 },
];
const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Look an order up by its id',
      parameters: {
        type: 'object',
        properties: {
          order_id: { type: 'string', pattern: '^[A-Z]-\\d{4}$' },
          include_items: { type: 'boolean' },
        },
        required: ['order_id'],
        additionalProperties: false,
      },
    },
  },
];

async function main() {
  const client = new OpenAI({ apiKey: 'sk-test-not-a-real-key', baseURL, maxRetries: 0 });
  const tracer = trace.getTracer('support-assistant', '1.0.0');
  const question = questionArg || 'Where is my order A-1234, and can I still get a refund?';
  await tracer.startActiveSpan('support.answer', async (root) => {
    root.setAttribute('openinference.span.kind', 'CHAIN');
    root.setAttribute('input.value', JSON.stringify({ question }));
    root.setAttribute('input.mime_type', 'application/json');
    root.setAttribute('prompt.version', 'support-v14');
    root.setAttribute('feature_flag.new_ranker', true);

    // Retrieval, recorded with the OpenInference retriever conventions (as its LangChain/LlamaIndex
    // instrumentations record it): documents in rank order with ids, contents and scores.
    const docs = await tracer.startActiveSpan('retrieve_docs', async (span) => {
      span.setAttribute('openinference.span.kind', 'RETRIEVER');
      span.setAttribute('input.value', question);
      const ranked = KB.slice();
      ranked.forEach((d, i) => {
        span.setAttribute(`retrieval.documents.${i}.document.id`, d.id);
        span.setAttribute(`retrieval.documents.${i}.document.content`, d.text);
        span.setAttribute(`retrieval.documents.${i}.document.score`, d.score);
      });
      span.end();
      return ranked;
    });

    const messages = [
      {
        role: 'system',
        content: `You are Acme's support assistant. Documents:\n${docs.map((d) => `[${d.id}] ${d.text}`).join('\n')}`,
      },
      { role: 'user', content: question },
    ];
    const first = await client.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages,
      tools: TOOLS,
      temperature: 0,
    });
    const call = first.choices[0].message.tool_calls[0];
    messages.push(first.choices[0].message);

    // The tool runs in its own span, with the GenAI execute_tool conventions.
    const result = await tracer.startActiveSpan(`execute_tool ${call.function.name}`, async (span) => {
      span.setAttribute('gen_ai.operation.name', 'execute_tool');
      span.setAttribute('gen_ai.tool.name', call.function.name);
      span.setAttribute('gen_ai.tool.call.id', call.id);
      span.setAttribute('gen_ai.tool.call.arguments', call.function.arguments);
      const args = JSON.parse(call.function.arguments);
      const output = { order_id: args.order_id, status: 'shipped', shipped_on: '2026-11-18' };
      span.setAttribute('gen_ai.tool.call.result', JSON.stringify(output));
      span.setStatus({ code: SpanStatusCode.OK });
      span.end();
      return output;
    });
    messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });

    const second = await client.chat.completions.create({
      model: 'gpt-4.1-mini',
      messages,
      tools: TOOLS,
      temperature: 0,
    });
    const answer = second.choices[0].message.content;
    root.setAttribute('output.value', answer);
    root.end();
  });
  void context;

  await tracerProvider.forceFlush();
  await loggerProvider.forceFlush();
  const lines = [
    Buffer.from(JsonTraceSerializer.serializeRequest(spanExporter.getFinishedSpans())).toString('utf8'),
  ];
  const records = logExporter.getFinishedLogRecords();
  if (records.length) lines.push(Buffer.from(JsonLogsSerializer.serializeRequest(records)).toString('utf8'));
  fs.writeFileSync(outFile, lines.join('\n') + '\n');
  console.log(JSON.stringify({ spans: spanExporter.getFinishedSpans().length, logs: records.length }));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exit(1);
  },
);
