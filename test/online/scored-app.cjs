// The support assistant of test/traces/instrumented-app.cjs, instrumented by a real instrumentation library
// (OpenTelemetry's instrumentation-openai or OpenInference's), with tracegate online:
//   processor: TracegateSpanProcessor registered next to an in-memory exporter; prints the exported spans
//              (including tracegate's score span) and the processor's stats as JSON.
//   export:    no tracegate in the app; the spans are POSTed as one OTLP/HTTP JSON export (the bytes an
//              http/json exporter sends) to a receiver's /v1/traces; prints the HTTP status and body.
//
// usage: node scored-app.cjs <otel|openinference> <processor|export> <baseURL> <reviewDir|receiverURL>
'use strict';
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const [, , flavour, mode, baseURL, target] = process.argv;

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Look an order up by its id',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string', pattern: '^[A-Z]-\\d{4}$' } },
        required: ['order_id'],
        additionalProperties: false,
      },
    },
  },
];

async function main() {
  const { trace, SpanStatusCode } = require('@opentelemetry/api');
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
  const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { registerInstrumentations } = require('@opentelemetry/instrumentation');
  const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');

  const exporter = new InMemorySpanExporter();
  const processors = [new SimpleSpanProcessor(exporter)];
  let tracegate;
  if (mode === 'processor') {
    const lib = await import(pathToFileURL(path.resolve(__dirname, '../../lib/src/index.js')).href);
    tracegate = new lib.TracegateSpanProcessor({
      config: { failure_modes: { 'tool-argument-error': { scorers: ['tool-call'] } } },
      review: { dir: target, source: `otel:${flavour}` },
      // instrumentation-openai does not record the tools offered to the model: the app says what they are.
      defaults: { tools: TOOLS },
    });
    processors.unshift(tracegate);
  }
  const provider = new NodeTracerProvider({ spanProcessors: processors });
  provider.register();
  if (flavour === 'otel') {
    const { OpenAIInstrumentation } = require('@opentelemetry/instrumentation-openai');
    registerInstrumentations({
      instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })],
      tracerProvider: provider,
    });
  } else {
    const { OpenAIInstrumentation } = require('@arizeai/openinference-instrumentation-openai');
    const instrumentation = new OpenAIInstrumentation();
    registerInstrumentations({ instrumentations: [instrumentation] });
    instrumentation.manuallyInstrument(require('openai'));
  }
  const { OpenAI } = require('openai');
  const client = new OpenAI({ apiKey: 'sk-test-not-a-real-key', baseURL, maxRetries: 0 });
  const tracer = trace.getTracer('support-assistant', '1.0.0');
  const question = 'Where is my order A-1234?';

  await tracer.startActiveSpan('support.answer', async (root) => {
    root.setAttribute('openinference.span.kind', 'CHAIN');
    root.setAttribute('input.value', JSON.stringify({ question }));
    root.setAttribute('user.id', 'customer-42');
    const messages = [
      { role: 'system', content: "You are Acme's support assistant." },
      { role: 'user', content: question },
    ];
    const first = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages, tools: TOOLS });
    const call = first.choices[0].message.tool_calls[0];
    messages.push(first.choices[0].message);
    const result = await tracer.startActiveSpan(`execute_tool ${call.function.name}`, async (span) => {
      span.setAttribute('gen_ai.operation.name', 'execute_tool');
      span.setAttribute('gen_ai.tool.name', call.function.name);
      span.setAttribute('gen_ai.tool.call.id', call.id);
      span.setAttribute('gen_ai.tool.call.arguments', call.function.arguments);
      const args = JSON.parse(call.function.arguments);
      const ok = /^[A-Z]-\d{4}$/.test(args.order_id);
      const output = ok ? { status: 'shipped' } : { error: `order ${args.order_id} not found` };
      span.setAttribute('gen_ai.tool.call.result', JSON.stringify(output));
      span.setStatus({ code: SpanStatusCode.OK });
      span.end();
      return output;
    });
    messages.push({ role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
    const second = await client.chat.completions.create({ model: 'gpt-4.1-mini', messages, tools: TOOLS });
    root.setAttribute('output.value', second.choices[0].message.content);
    root.end();
  });

  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  if (mode === 'processor') {
    console.log(
      JSON.stringify({
        spans: spans.map((s) => ({
          name: s.name,
          traceId: s.spanContext().traceId,
          spanId: s.spanContext().spanId,
          parentSpanId: s.parentSpanContext ? s.parentSpanContext.spanId : undefined,
          attributes: s.attributes,
          events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
        })),
        stats: tracegate.scorer.stats(),
        buffer: tracegate.bufferStats(),
      }),
    );
    await provider.shutdown();
  } else {
    const body = Buffer.from(JsonTraceSerializer.serializeRequest(spans));
    const res = await fetch(`${target}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    console.log(JSON.stringify({ status: res.status, body: await res.text(), spans: spans.length }));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error && error.stack ? error.stack : String(error));
    process.exit(1);
  },
);
