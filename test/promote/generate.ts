/**
 * Braintrust-shaped production logs for promote tests: one support-assistant trace (root task span, LLM
 * span with the tool schema, tool span) per call, with a question, an order id and a customer email that
 * vary, so near-duplicates differ in every detail except what failed.
 */
export interface GenOptions {
  /** Failing tool call: the model sends an order id without its letter prefix. */
  failing?: boolean;
  /** Root span start, seconds since the epoch. */
  start?: number;
  question?: string;
  feedback?: number;
  project?: string;
}

const TOOL = {
  type: 'function',
  function: {
    name: 'lookup_order',
    parameters: {
      type: 'object',
      properties: { order_id: { type: 'string', pattern: '^[A-Z]-\\d{4}$' } },
      required: ['order_id'],
      additionalProperties: false,
    },
  },
};

export function supportTrace(key: string, i: number, options: GenOptions = {}): Record<string, unknown>[] {
  const start = options.start ?? 1795168800 + i * 60;
  const order = `${String.fromCharCode(65 + (i % 26))}-${String(1000 + ((i * 37) % 9000)).padStart(4, '0')}`;
  const sent = options.failing === false ? order : order.slice(2);
  const question = options.question ?? `Where is my order ${order}? I am customer${i}@example.com`;
  const root = `${key}-root`;
  const common = {
    project_id: options.project ?? 'p-support-0001',
    root_span_id: root,
    _xact_id: String(1000 + i),
  };
  return [
    {
      ...common,
      id: `${key}-row-root`,
      span_id: root,
      span_parents: null,
      created: new Date(start * 1000).toISOString(),
      span_attributes: { name: 'support-assistant', type: 'task' },
      input: { question },
      output: options.failing === false ? 'Your order has shipped.' : 'Sorry, I could not find that order.',
      metadata: { prompt_version: 'support-v14' },
      metrics: { start, end: start + 2 },
      scores: { user_feedback: options.feedback ?? (options.failing === false ? 1 : 0) },
    },
    {
      ...common,
      id: `${key}-row-llm`,
      span_id: `${key}-llm`,
      span_parents: [root],
      span_attributes: { name: 'Chat Completion', type: 'llm' },
      input: [
        { role: 'system', content: 'You are the support assistant.' },
        { role: 'user', content: question },
      ],
      output: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: `call_${i}`,
                type: 'function',
                function: { name: 'lookup_order', arguments: JSON.stringify({ order_id: sent }) },
              },
            ],
          },
        },
      ],
      metadata: { model: 'gpt-4.1-2025-04-14', tools: [TOOL] },
      metrics: { start: start + 0.1, end: start + 1, prompt_tokens: 100, completion_tokens: 20 },
    },
    {
      ...common,
      id: `${key}-row-tool`,
      span_id: `${key}-tool`,
      span_parents: [root],
      span_attributes: { name: 'lookup_order', type: 'tool' },
      input: { order_id: sent },
      output: options.failing === false ? { status: 'shipped' } : null,
      error: options.failing === false ? null : `order_id "${sent}" not found`,
      metadata: { tool_call_id: `call_${i}` },
      metrics: { start: start + 1.1, end: start + 1.2 },
    },
  ];
}

/** Shuffle deterministically (a fixed LCG), so tests are repeatable. */
export function shuffle<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export function toJsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
