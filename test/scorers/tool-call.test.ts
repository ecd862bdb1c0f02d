import { toolCall } from '../../scorers/tool-call.js';
import { toolSequence } from '../../scorers/tool-sequence.js';
import { makeScorer, TOOLS } from './helpers.js';

type Call = { name: string; arguments?: unknown };

describe('tool-call', () => {
  const cases: Array<{
    name: string;
    expected?: Call[];
    /** The row's `expected.order`. */
    order?: string;
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
    // Several calls: matched one to one, optimally, as a set; the number of calls counts.
    {
      name: 'several calls to one tool are matched optimally, not greedily in order',
      expected: [
        { name: 'add_seats', arguments: { quantity: 1 } },
        { name: 'add_seats', arguments: { quantity: 1, plan: 'pro' } },
      ],
      calls: [
        { name: 'add_seats', arguments: '{"quantity":1,"plan":"pro"}' },
        { name: 'add_seats', arguments: '{"quantity":1}' },
      ],
      options: { match: 'exact' },
      score: 1,
    },
    {
      name: 'parallel calls in reversed order pass (a set by default)',
      expected: [
        { name: 'lookup_order', arguments: { order_id: 'ORD-10001' } },
        { name: 'create_ticket', arguments: { priority: 'urgent' } },
      ],
      calls: [
        { name: 'create_ticket', arguments: '{"priority":"urgent","summary":"late"}' },
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
      ],
      score: 1,
    },
    {
      name: 'reversed order fails with order: strict',
      expected: [
        { name: 'lookup_order', arguments: { order_id: 'ORD-10001' } },
        { name: 'create_ticket', arguments: { priority: 'urgent' } },
      ],
      calls: [
        { name: 'create_ticket', arguments: '{"priority":"urgent","summary":"late"}' },
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
      ],
      options: { order: 'strict' },
      score: 0,
      reason: /not called in the expected order/,
    },
    {
      name: "reversed order fails when the row asks (expected.order: 'strict')",
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      order: 'strict',
      calls: [
        { name: 'create_ticket', arguments: '{"priority":"urgent","summary":"late"}' },
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
      ],
      score: 0,
    },
    {
      name: 'a duplicated call fails (one expected call, one actual call)',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
      ],
      score: 0,
      reason: /unexpected extra call #2 to lookup_order \(1 expected/,
    },
    {
      name: 'a duplicated call passes with allow_extra',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
      ],
      options: { allow_extra: true },
      score: 1,
    },
    {
      name: 'an extra call to another declared tool fails',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
        { name: 'create_ticket', arguments: '{"priority":"low","summary":"x"}' },
      ],
      score: 0,
      reason: /unexpected call #2 to create_ticket \(not in expected.tool_calls/,
    },
    {
      name: 'two expected calls, one made: the second is not called once more',
      expected: [{ name: 'lookup_order' }, { name: 'lookup_order' }],
      calls: [{ name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' }],
      score: 0,
      reason: /lookup_order not called once more/,
    },
    // A retried call: the bad call ran, so the row fails unless extras are allowed; then the best call counts.
    {
      name: 'a bad call retried with a corrected one fails by default',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10002"}' },
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
      ],
      score: 0,
      reason: /unexpected extra call #1 to lookup_order .*retried/,
    },
    {
      name: 'bad then corrected, allow_extra: the corrected call is the one matched',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10002"}' },
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
      ],
      options: { allow_extra: true },
      score: 1,
    },
    {
      name: 'corrected then bad, allow_extra: the corrected call is still the one matched',
      expected: [{ name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10001"}' },
        { name: 'lookup_order', arguments: '{"order_id":"ORD-10002"}' },
      ],
      options: { allow_extra: true },
      score: 1,
    },
    {
      name: 'three tries, partial credit: the closest call is scored (3 of 4 checks), not the worst (2 of 4)',
      expected: [{ name: 'create_ticket', arguments: { priority: 'urgent', summary: 'late' } }],
      calls: [
        { name: 'create_ticket', arguments: '{"priority":"low","summary":"other"}' },
        { name: 'create_ticket', arguments: '{"priority":"urgent","summary":"other"}' },
        { name: 'create_ticket', arguments: '{"priority":"low","summary":"other"}' },
      ],
      options: { allow_extra: true, partial_credit: true },
      score: 0.75,
      reason: /create_ticket.summary: expected "late", got "other"/,
    },
    // {"$optional": …}: absent, or matching the inner expectation.
    {
      name: '$optional argument omitted',
      expected: [{ name: 'add_seats', arguments: { quantity: 2, plan: { $optional: 'pro' } } }],
      calls: [{ name: 'add_seats', arguments: '{"quantity":2}' }],
      score: 1,
    },
    {
      name: '$optional argument given and matching (a matcher inside)',
      expected: [
        { name: 'add_seats', arguments: { quantity: 2, plan: { $optional: { $oneOf: ['pro', 'team'] } } } },
      ],
      calls: [{ name: 'add_seats', arguments: '{"quantity":2,"plan":"team"}' }],
      score: 1,
    },
    {
      name: '$optional argument given with a wrong value',
      expected: [{ name: 'add_seats', arguments: { quantity: 2, plan: { $optional: 'pro' } } }],
      calls: [{ name: 'add_seats', arguments: '{"quantity":2,"plan":"free"}' }],
      score: 0,
      reason: /add_seats.plan: expected "pro", got "free"/,
    },
  ];

  it.each(cases)('$name', async ({ expected, order, calls, options, tools, score, reason }) => {
    const result = await makeScorer(
      toolCall,
      options,
    )({
      expected: expected ? { tool_calls: expected, ...(order ? { order } : {}) } : undefined,
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
    order?: string;
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
      options: { order: 'strict' },
      score: 0.5,
      reason:
        /^create_ticket not called in order; unexpected extra call\(s\): create_ticket .* — expected lookup_order → create_ticket, got create_ticket → lookup_order$/,
    },
    {
      name: "out of order with the old spelling order: 'ordered'",
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [ticket, lookup],
      options: { order: 'ordered' },
      score: 0.5,
    },
    {
      name: "out of order when the row asks (expected.order: 'strict')",
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      order: 'strict',
      calls: [ticket, lookup],
      score: 0.5,
    },
    {
      name: 'out of order is fine by default (a set)',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [ticket, lookup],
      score: 1,
    },
    {
      name: "the row's expected.order: 'any' wins over order: strict",
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      order: 'any',
      calls: [ticket, lookup],
      options: { order: 'strict' },
      score: 1,
    },
    {
      name: 'extra call allowed with allow_extra',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [lookup, search, ticket],
      options: { allow_extra: true, order: 'strict' },
      score: 1,
    },
    {
      name: 'extra call fails by default',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket' }],
      calls: [lookup, search, ticket],
      score: 2 / 3,
      reason: /unexpected extra call\(s\): search_kb/,
    },
    {
      name: 'a duplicated call fails by default',
      expected: [{ name: 'lookup_order' }],
      calls: [lookup, lookup],
      score: 0.5,
      reason: /unexpected extra call\(s\): lookup_order/,
    },
    {
      name: 'set: the call that fits only the stricter expectation goes to it (optimal, not first-fit)',
      expected: [{ name: 'lookup_order' }, { name: 'lookup_order', arguments: { order_id: 'ORD-10001' } }],
      calls: [lookup, { name: 'lookup_order', arguments: '{"order_id":"ORD-10002"}' }],
      score: 1,
    },
    {
      name: 'strict: an early near-miss does not block the later match (longest ordered matching)',
      expected: [{ name: 'lookup_order' }, { name: 'create_ticket', arguments: { priority: 'urgent' } }],
      calls: [{ name: 'create_ticket', arguments: '{"priority":"low","summary":"x"}' }, lookup, ticket],
      options: { order: 'strict', allow_extra: true },
      score: 1,
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

  it.each(cases)('$name', async ({ expected, order, calls, options, score, reason }) => {
    const result = await makeScorer(
      toolSequence,
      options,
    )({ expected: { tool_calls: expected, ...(order ? { order } : {}) }, toolCalls: calls });
    expect(result.score).toBeCloseTo(score, 10);
    if (reason) expect(result.metadata?.reason).toMatch(reason);
  });

  it('is not applicable without expected.tool_calls', async () => {
    expect((await makeScorer(toolSequence)({ toolCalls: [lookup] })).score).toBeNull();
  });
});
