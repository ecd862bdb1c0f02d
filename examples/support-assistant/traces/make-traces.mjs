// Writes production-logs.jsonl: recorded production traces of the demo assistant in Braintrust's project
// logs shape (one row per span, as BTQL or the UI's JSONL export returns them, spans of a trace out of
// order), for `tracegate promote`:
//
//   tracegate promote --from examples/support-assistant/traces/production-logs.jsonl --auto-label --dry-run
//   tracegate cluster --from examples/support-assistant/traces/production-logs.jsonl
//
// 12 near-duplicate tool-argument errors (the order id sent as a number), 5 retrieval misses, 4 format
// violations, 3 good answers. Emails and phone numbers in the questions show scrubbing.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS, SYSTEM_PROMPT } from '../knowledge-base.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const schema = JSON.parse(
  (await import('node:fs')).readFileSync(path.join(here, '../answer.schema.json'), 'utf8'),
);
const project = '5d7a1c2e-0b7e-4a39-9f43-8c1f0e6d2a11';
const rows = [];
let clock = Date.parse('2026-11-18T08:00:00Z') / 1000;

function trace(key, { question, output, llmOutput, tool, retrieved, expected, feedback, responseFormat }) {
  const start = (clock += 3607);
  const root = `${key}-root`;
  const base = { project_id: project, log_id: 'g', root_span_id: root };
  const spans = [
    {
      ...base,
      id: `${key}-r0`,
      span_id: root,
      span_parents: null,
      created: new Date(start * 1000).toISOString(),
      span_attributes: { name: 'support-assistant', type: 'task' },
      input: { question },
      output,
      expected,
      metadata: { prompt_version: 'support-v14', feature_flags: { reranker: 'bm25' } },
      metrics: { start, end: start + 2.4 },
      scores: { user_feedback: feedback },
    },
  ];
  if (retrieved) {
    spans.push({
      ...base,
      id: `${key}-r1`,
      span_id: `${key}-ret`,
      span_parents: [root],
      span_attributes: { name: 'retrieve_docs', type: 'function' },
      input: { query: question },
      output: retrieved,
      metrics: { start: start + 0.05, end: start + 0.2 },
    });
  }
  const messages = [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: question },
  ];
  spans.push({
    ...base,
    id: `${key}-r2`,
    span_id: `${key}-llm`,
    span_parents: [root],
    span_attributes: { name: 'Chat Completion', type: 'llm' },
    input: messages,
    output: [{ index: 0, finish_reason: tool ? 'tool_calls' : 'stop', message: llmOutput }],
    metadata: {
      model: 'gpt-4.1-mini-2025-04-14',
      temperature: 0,
      tools: TOOLS,
      ...(responseFormat ? { response_format: responseFormat } : {}),
    },
    metrics: { start: start + 0.3, end: start + 1.9, prompt_tokens: 412, completion_tokens: 38, tokens: 450 },
  });
  if (tool) {
    spans.push({
      ...base,
      id: `${key}-r3`,
      span_id: `${key}-tool`,
      span_parents: [root],
      span_attributes: { name: tool.name, type: 'tool' },
      input: tool.arguments,
      output: tool.result ?? null,
      error: tool.error ?? null,
      metadata: { tool_call_id: `call_${key}` },
      metrics: { start: start + 2, end: start + 2.1 },
    });
  }
  // Exported as spans end: children first, the root last; then shuffled a little within the trace.
  rows.push(...spans.slice(1).reverse(), spans[0]);
}

const people = ['ana.silva@example.com', 'ben@example.org', '+1 415 555 0134', 'chloe.martin@example.net'];
for (let i = 0; i < 12; i++) {
  const n = 10001 + ((i * 7919) % 89999);
  trace(`tool${i}`, {
    question: `Where is order ORD-${n}? You can reach me at ${people[i % people.length]}.`,
    output: JSON.stringify({ answer: 'I could not find that order.', citations: ['kb-6'] }),
    llmOutput: {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: `call_tool${i}`,
          type: 'function',
          function: { name: 'lookup_order', arguments: JSON.stringify({ order_id: n }) },
        },
      ],
    },
    tool: {
      name: 'lookup_order',
      arguments: { order_id: n },
      error: `order_id must be a string like ORD-12345, got ${n}`,
    },
    retrieved: [
      {
        id: 'kb-6',
        text: 'Look up an order with its order id, which has the form ORD-12345, to see its shipping status.',
        score: 4,
      },
    ],
    feedback: 0,
  });
}
for (let i = 0; i < 5; i++) {
  trace(`ret${i}`, {
    question: [
      'How long do I have to return a security key?',
      'What is the return window for a hardware key?',
    ][i % 2],
    output: JSON.stringify({
      answer: 'Hardware security keys ship within 3 business days.',
      citations: ['kb-5'],
    }),
    llmOutput: {
      role: 'assistant',
      content: JSON.stringify({
        answer: 'Hardware security keys ship within 3 business days.',
        citations: ['kb-5'],
      }),
    },
    retrieved: [
      { id: 'kb-5', text: 'Hardware security keys ship within 3 business days of the order.', score: 2.1 },
    ],
    expected: { doc_ids: ['kb-2'] },
    feedback: 0,
  });
}
for (let i = 0; i < 4; i++) {
  const prose = `Support is open Monday to Friday, 9:00 to 17:00 CET (see kb-${8 + (i % 2)}).`;
  trace(`fmt${i}`, {
    question: `When can I talk to a human? Ticket ${4400 + i}.`,
    output: prose,
    llmOutput: { role: 'assistant', content: prose },
    retrieved: [
      { id: 'kb-8', text: 'Human support is available Monday to Friday, 9:00 to 17:00 CET.', score: 3.2 },
    ],
    responseFormat: { type: 'json_schema', json_schema: { name: 'support_answer', schema } },
    feedback: 0,
  });
}
for (let i = 0; i < 3; i++) {
  const answer = JSON.stringify({
    answer: 'Human support is available Monday to Friday, 9:00 to 17:00 CET.',
    citations: ['kb-8'],
  });
  trace(`ok${i}`, {
    question: 'What are your support hours?',
    output: answer,
    llmOutput: { role: 'assistant', content: answer },
    retrieved: [
      { id: 'kb-8', text: 'Human support is available Monday to Friday, 9:00 to 17:00 CET.', score: 3.2 },
    ],
    responseFormat: { type: 'json_schema', json_schema: { name: 'support_answer', schema } },
    feedback: 1,
  });
}
writeFileSync(path.join(here, 'production-logs.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
console.log(`wrote ${rows.length} rows`);
