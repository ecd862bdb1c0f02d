// Regenerates the demo's regression datasets (datasets/*.jsonl) from the cases below. Each row records
// what production answered at the time, which was the regressed build: the `output`, tool calls and
// retrieval it logged, with an origin pointing at the Braintrust log row it came from. The good build is
// the fix; `tracegate eval` proves it stays fixed. Run: node examples/support-assistant/make-datasets.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { answer as production } from './build-regressed.js';
import { answer as good } from './build-good.js';
import { TOOLS, SYSTEM_PROMPT } from './knowledge-base.js';

const PROJECT_ID = '8c0f3a52-5b1e-4c11-9d2a-3f7e6b2a9c01';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const CASES = {
  'format-violation': [
    { input: { question: 'How much storage do I get?', channel: 'email' } },
    { input: { question: 'How do I export my data?', channel: 'email' } },
    { input: { question: 'When is human support available?', channel: 'email' } },
    { input: { question: 'How do I reset my password?' }, kind: 'golden' },
  ],
  'tool-argument-error': [
    {
      input: { question: 'Where is order ORD-10001?' },
      expected: { tool_calls: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }] },
    },
    {
      input: { question: 'Has ORD-20417 arrived yet?' },
      expected: { tool_calls: [{ name: 'lookup_order', arguments: { order_id: 'ORD-20417' } }] },
    },
    {
      input: { question: 'Status of my order ORD-10002 please' },
      expected: { tool_calls: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10002' } }] },
    },
    {
      input: { question: 'Our whole team is down, urgent help needed' },
      expected: { tool_calls: [{ name: 'create_ticket', arguments: { priority: 'urgent' } }] },
      kind: 'golden',
    },
  ],
  'retrieval-miss': [
    { input: { question: 'Can I get my money back?' }, expected: { doc_ids: ['kb-1'] } },
    { input: { question: 'How much space do I have?' }, expected: { doc_ids: ['kb-4'] } },
    { input: { question: 'I cannot login' }, expected: { doc_ids: ['kb-3'] } },
  ],
  hallucination: [
    { input: { question: 'Can I get a refund on my annual plan?' } },
    { input: { question: 'How long is the password reset link valid?' } },
    { input: { question: 'How fast do security keys ship?' } },
  ],
  'instruction-follow-failure': [
    {
      input: { question: 'How do I reset my password?', max_words: 8 },
      expected: { constraints: { max_words: 8, no_pii: true } },
    },
    {
      input: { question: 'When is human support available?', max_words: 10 },
      expected: { constraints: { max_words: 10, no_pii: true } },
    },
    { input: { question: 'How do I export my files?' }, expected: { constraints: { no_pii: true } } },
  ],
};

const PREFIX = {
  'format-violation': 'fmt',
  'tool-argument-error': 'tool',
  'retrieval-miss': 'ret',
  hallucination: 'hal',
  'instruction-follow-failure': 'ins',
};

function uuidFrom(text) {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

mkdirSync(path.join(root, 'datasets'), { recursive: true });
let day = 1;
for (const [mode, cases] of Object.entries(CASES)) {
  const lines = [];
  for (const [i, c] of cases.entries()) {
    const id = `${PREFIX[mode]}-${String(i + 1).padStart(4, '0')}`;
    // A golden row is a trace that went right in production: record the good build's answer for it.
    const recorded = await (c.kind === 'golden' ? good : production)(c.input);
    const rowId = uuidFrom(`row:${id}`);
    const row = {
      id,
      input: c.input,
      ...(c.expected ? { expected: c.expected } : {}),
      context: {
        retrieved: recorded.retrieved,
        tool_calls: recorded.tool_calls,
        tools: TOOLS,
        system_prompt: SYSTEM_PROMPT,
      },
      output: recorded.output,
      origin: { object_type: 'project_logs', object_id: PROJECT_ID, id: rowId },
      metadata: {
        failure_mode: mode,
        source_span_id: uuidFrom(`span:${id}`),
        timestamp: `2026-11-${String(day++).padStart(2, '0')}T10:00:00Z`,
        prompt_version: 'support-v14',
        model_version: 'demo-rules-1',
        review_status: 'approved',
        kind: c.kind ?? 'failure',
      },
      tags: ['demo'],
    };
    lines.push(JSON.stringify(row));
  }
  writeFileSync(path.join(root, 'datasets', `${mode}.jsonl`), lines.join('\n') + '\n');
  console.log(`datasets/${mode}.jsonl: ${lines.length} rows`);
}
