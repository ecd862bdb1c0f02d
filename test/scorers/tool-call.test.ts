import { toolCall } from '../../scorers/tool-call.js';
import { toolSequence } from '../../scorers/tool-sequence.js';
import { makeScorer, TOOLS } from './helpers.js';

type Call = { name: string; arguments?: unknown };

describe('tool-call', () => {
  const cases: Array<{
    name: string;
    expected?: Call[];
    calls: Call[];
    options?: Record<string, unknown>;
    tools?: unknown;
    score: number | null;
    reason?: RegExp;
  }> = [
    {
      name: 'right tool, right arguments (JSON string, OpenAI wire format)',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' }],
      score: 1,
    },
    {
      name: 'arguments as an object',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      score: 1,
    },
    {
      name: 'stringified number',
      expected: [{ name: 'add_seats', arguments: { quantity: 2 } }],
      calls: [{ name: 'add_seats', arguments: '{"quantity":"2"}' }],
      score: 0,
      reason: /add_seats\/quantity must be integer/,
    },
    {
      name: 'number where the schema wants a string pattern',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [{ name: 'lookup_order', arguments: '{"order_id":10001}' }],
      score: 0,
      reason: /lookup_order\/order_id must be string/,
    },
    {
      name: 'hallucinated tool',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [{ name: 'track_package', arguments: '{"order_id":"ORD-10001"}' }],
      score: 0,
      reason:
        /called unknown tool "track_package" \(not in context.tools: lookup_order, create_ticket, add_seats\)/,
    },
    {
      name: 'hallucinated tool besides the right call',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
        { name: 'refund_everything', arguments: '{}' },
      ],
      score: 0,
      reason: /unknown tool "refund_everything"/,
    },
    {
      name: 'arguments that are not JSON',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [{ name: 'lookup_order', arguments: "{order_id: 'ORD-10001'}" }],
      score: 0,
      reason: /lookup_order arguments are not JSON/,
    },
    {
      name: 'wrong tool',
      expected: [{ name: 'create_ticket', arguments: { priority: 'urgent' } }],
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' }],
      score: 0,
      reason: /create_ticket not called \(called: lookup_order\)/,
    },
    {
      name: 'no call at all',
      expected: [{ name: 'lookup_order' }],
      calls: [],
      score: 0,
      reason: /lookup_order not called \(no tool calls\)/,
    },
    {
      name: 'wrong argument value',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"ORD-10002"}' }],
      score: 0,
      reason: /lookup_order.order_id: expected "ORD-10001", got "ORD-10002"/,
    },
    {
      name: 'missing required argument',
      expected: [{ name: 'create_ticket', arguments: { priority: 'urgent' } }],
      calls: [{ name: 'create_ticket', arguments: '{"priority":"urgent"}' }],
      score: 0,
      reason: /create_ticket\/summary is required/,
    },
    {
      name: 'wrong enum value',
      expected: [{ name: 'create_ticket' }],
      calls: [{ name: 'create_ticket', arguments: '{"priority":"high","summary":"x"}' }],
      score: 0,
      reason: /create_ticket\/priority must be one of "low", "normal", "urgent"/,
    },
    {
      name: 'subset: extra argument allowed',
      expected: [{ name: 'create_ticket', arguments: { priority: 'urgent' } }],
      calls: [{ name: 'create_ticket', arguments: '{"priority":"urgent","summary":"refund"}' }],
      score: 1,
    },
    {
      name: 'exact: extra argument rejected',
      expected: [{ name: 'create_ticket', arguments: { priority: 'urgent' } }],
      calls: [{ name: 'create_ticket', arguments: '{"priority":"urgent","summary":"refund"}' }],
      options: { match: 'exact' },
      score: 0,
      reason: /create_ticket.summary: unexpected argument/,
    },
    {
      name: 'strict mode: property not in the schema',
      expected: [{ name: 'add_seats', arguments: { quantity: 2 } }],
      calls: [{ name: 'add_seats', arguments: '{"quantity":2,"discount":"50%"}' }],
      options: { strict: true },
      score: 0,
      reason: /add_seats\/discount is not allowed/,
    },
    {
      name: 'non-strict mode: property not in the schema passes',
      expected: [{ name: 'add_seats', arguments: { quantity: 2 } }],
      calls: [{ name: 'add_seats', arguments: '{"quantity":2,"discount":"50%"}' }],
      score: 1,
    },
    {
      name: 'matchers in the case: regex, one-of, tolerance, case-insensitive',
      expected: [
        {
          name: 'add_seats',
          arguments: {
            quantity: { $oneOf: [2, 3] },
            plan: { $ci: 'pro' },
            price: { $approx: 12, $tolerance: 0.01 },
          },
        },
        { name: 'lookup_order', arguments: { order_id: { $regex: '^ORD-100' } } },
      ],
      calls: [
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10042"}' },
        { name: 'add_seats', arguments: '{"quantity":3,"plan":"PRO","price":12.004}' },
      ],
      score: 1,
    },
    {
      name: 'matcher from options, by tool.arg',
      expected: [{ name: 'add_seats', arguments: { price: 12 } }],
      calls: [{ name: 'add_seats', arguments: '{"quantity":1,"price":11.5}' }],
      options: { matchers: { 'add_seats.price': { $approx: 12, $tolerance: 1 } } },
      score: 1,
    },
    {
      name: 'tolerance exceeded',
      expected: [{ name: 'add_seats', arguments: { quantity: 1, price: { $approx: 12, $tolerance: 0.1 } } }],
      calls: [{ name: 'add_seats', arguments: '{"quantity":1,"price":13}' }],
      score: 0,
      reason: /add_seats.price: expected 12 ± 0.1, got 13/,
    },
    {
      name: 'partial credit per argument',
      expected: [{ name: 'add_seats', arguments: { quantity: 2, plan: 'pro' } }],
      calls: [{ name: 'add_seats', arguments: '{"quantity":2,"plan":"team"}' }],
      options: { partial_credit: true },
      score: 0.75, // JSON ok, schema ok, quantity ok, plan wrong
    },
    {
      name: 'expected no call, got one',
      expected: [],
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' }],
      score: 0,
      reason: /expected no tool call/,
    },
    {
      name: 'no expectation: calls validated against context.tools',
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"10001"}' }],
      score: 0,
      reason: /lookup_order\/order_id must match pattern/,
    },
    {
      name: 'no expectation, valid call',
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' }],
      score: 1,
    },
    { name: 'no expectation and no calls: not applicable', calls: [], score: null },
    { name: 'no expectation and no tools: not applicable', calls: [{ name: 'x' }], tools: null, score: null },
    {
      name: 'tools in bare {name, parameters} form',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' }],
      tools: [
        {
          name: 'lookup_order',
          parameters: { type: 'object', properties: { order_id: { type: 'string' } } },
        },
      ],
      score: 1,
    },
    {
      name: 'a tool declared strict: true is held to strict mode',
      expected: [{ name: 'ping' }],
      calls: [{ name: 'ping', arguments: '{"x":1}' }],
      tools: [
        {
          type: 'function',
          function: { name: 'ping', strict: true, parameters: { type: 'object', properties: {} } },
        },
      ],
      score: 0,
      reason: /ping\/x is not allowed/,
    },
  ];

  it.each(cases)('$name', async ({ expected, calls, options, tools, score, reason }) => {
    const result = await makeScorer(
      toolCall,
      options,
    )({
      expected: expected ? { tool_calls: expected } : undefined,
      toolCalls: calls,
      context: tools === null ? {} : { tools: tools ?? TOOLS },
    });
    expect(result.score).toBe(score);
    if (reason) expect(result.metadata?.reason).toMatch(reason);
    if (score === 1) expect(result.metadata?.reason).toBeUndefined();
  });

  it('reports per-argument results in metadata', async () => {
    const result = await makeScorer(toolCall)({
      expected: { tool_calls: [{ name: 'add_seats', arguments: { quantity: 2, plan: 'pro' } }] },
      toolCalls: [{ name: 'add_seats', arguments: '{"quantity":"2","plan":"pro"}' }],
      context: { tools: TOOLS },
    });
    const [call] = result.metadata?.calls as Array<{
      arguments: Record<string, { ok: boolean; actual: unknown }>;
    }>;
    expect(call.arguments.quantity).toMatchObject({ ok: false, actual: '2' });
    expect(call.arguments.plan).toMatchObject({ ok: true, actual: 'pro' });
  });

  it('rejects a malformed matcher in options', () => {
    expect(toolCall.options.safeParse({ matchers: { price: { $approx: 'x' } } }).success).toBe(false);
  });
});

describe('tool-sequence', () => {
  const lookup = { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' };
  const ticket = { name: 'create_ticket', arguments: '{"priority":"urgent","summary":"late"}' };
  const search = { name: 'search_kb', arguments: '{"q":"refund"}' };
  const cases: Array<{
    name: string;
    expected: Call[];
    calls: Call[];
    options?: Record<string, unknown>;
    score: number;
    reason?: RegExp;
  }> = [
    {
      name: 'in order',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [lookup, ticket],
      score: 1,
    },
    {
      name: 'out of order',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [ticket, lookup],
      score: 0.5,
      reason:
        /create_ticket not called in order — expected lookup_order → create_ticket, got create_ticket → lookup_order/,
    },
    {
      name: 'out of order is fine as a set',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [ticket, lookup],
      options: { order: 'set' },
      score: 1,
    },
    {
      name: 'extra call allowed',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [lookup, search, ticket],
      score: 1,
    },
    {
      name: 'extra call not allowed',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [lookup, search, ticket],
      options: { allow_extra: false },
      score: 2 / 3,
      reason: /unexpected extra call\(s\): search_kb/,
    },
    {
      name: 'missing call',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [lookup],
      score: 0.5,
      reason: /create_ticket not called/,
    },
    {
      name: 'arguments must match when given',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-99999' } }],
      calls: [lookup],
      score: 0,
    },
    {
      name: 'arguments ignored with match_arguments: false',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-99999' } }],
      calls: [lookup],
      options: { match_arguments: false },
      score: 1,
    },
    {
      name: 'repeated calls counted',
      expected: [{ name: 'lookup_order' }, { name: 'lookup_order' }],
      calls: [lookup],
      score: 0.5,
    },
  ];

  it.each(cases)('$name', async ({ expected, calls, options, score, reason }) => {
    const result = await makeScorer(
      toolSequence,
      options,
    )({ expected: { tool_calls: expected }, toolCalls: calls });
    expect(result.score).toBeCloseTo(score, 10);
    if (reason) expect(result.metadata?.reason).toMatch(reason);
  });

  it('is not applicable without expected.tool_calls', async () => {
    expect((await makeScorer(toolSequence)({ toolCalls: [lookup] })).score).toBeNull();
  });
});
