import { jsonParse } from '../../scorers/json-parse.js';
import { makeScorer } from './helpers.js';

describe('json-parse', () => {
  const cases: Array<{
    name: string;
    output: unknown;
    options?: Record<string, unknown>;
    score: number;
    kind?: string;
    reason?: RegExp;
  }> = [
    { name: 'one JSON object', output: '{"answer":"ok","citations":["kb-1"]}', score: 1 },
    { name: 'surrounding whitespace', output: '\n  {"a":1}\n', score: 1 },
    { name: 'a JSON array', output: '[1,2]', score: 1 },
    { name: 'an object output (already parsed)', output: { answer: 'ok' }, score: 1 },
    {
      name: 'prose instead of JSON',
      output: 'Sure! Refunds are available within 30 days.',
      score: 0,
      kind: 'prose',
      reason: /prose, not JSON: "Sure! Refunds/,
    },
    {
      name: 'JSON wrapped in prose',
      output: 'Sure! Here is the answer:\n{"answer":"30 days","citations":["kb-1"]}\nHope this helps.',
      score: 0,
      kind: 'wrapped',
      reason: /wrapped in prose \(25 chars of prose before it, 16 after it\)/,
    },
    {
      name: 'trailing comma in object',
      output: '{\n  "answer": "ok",\n  "citations": ["kb-1"],\n}',
      score: 0,
      kind: 'trailing-comma',
      reason: /trailing comma at line 3, column 24/,
    },
    {
      name: 'trailing comma in array',
      output: '{"citations": ["kb-1", ]}',
      score: 0,
      kind: 'trailing-comma',
      reason: /trailing comma at line 1/,
    },
    {
      name: 'single quotes',
      output: "{'answer': 'ok'}",
      score: 0,
      kind: 'syntax',
      reason: /invalid JSON at line 1, column 2/,
    },
    { name: 'truncated JSON', output: '{"answer": "ok", "citations": ["kb', score: 0, kind: 'syntax' },
    { name: 'empty output', output: '', score: 0, kind: 'empty' },
    { name: 'no output', output: undefined, score: 0, kind: 'empty' },
    {
      name: 'fenced JSON, strict',
      output: '```json\n{"a":1}\n```',
      score: 0,
      kind: 'fenced',
      reason: /fence/,
    },
    {
      name: 'fenced JSON, allow_fence',
      output: '```json\n{"a":1}\n```',
      options: { allow_fence: true },
      score: 1,
    },
    {
      name: 'two fences, allow_fence',
      output: '```json\n{"a":1}\n```\n```json\n{"b":1}\n```',
      options: { allow_fence: true },
      score: 0,
    },
    {
      name: 'type object wanted, got array',
      output: '[1]',
      options: { type: 'object' },
      score: 0,
      kind: 'type',
      reason: /JSON is array, expected object/,
    },
    { name: 'two JSON values', output: '{"a":1}{"b":2}', score: 0, kind: 'wrapped' },
  ];

  it.each(cases)('$name', async ({ output, options, score, kind, reason }) => {
    const result = await makeScorer(jsonParse, options)({ output });
    expect(result.score).toBe(score);
    if (kind) expect(result.metadata?.kind).toBe(kind);
    if (reason) expect(result.metadata?.reason).toMatch(reason);
    if (score === 0) expect(typeof result.metadata?.reason).toBe('string');
  });

  it('rejects unknown options', () => {
    expect(jsonParse.options.safeParse({ strict: true }).success).toBe(false);
  });
});
