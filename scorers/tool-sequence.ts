import { z } from 'zod';
import type { ScorerArgs, ScorerDefinition } from './types.js';
import { expectedToolCalls, type ExpectedToolCall } from './tool-call.js';
import { matchValue } from './util/matchers.js';
import { readArguments } from './util/tools.js';

const options = z
  .object({
    /** `ordered`: expected calls happen in this order; `set`: in any order. */
    order: z.enum(['ordered', 'set']).default('ordered'),
    /** Allow calls beyond the expected ones (before, between or after them). */
    allow_extra: z.boolean().default(true),
    /** Also require each expected call's `arguments` (a subset, matchers allowed); names only when false. */
    match_arguments: z.boolean().default(true),
  })
  .strict();

type Options = z.infer<typeof options>;
type ActualCall = NonNullable<ScorerArgs['toolCalls']>[number];

/** The expected tool calls happen, in order (or as a set), with or without extra calls. */
export const toolSequence: ScorerDefinition<Options> = {
  id: 'tool-sequence',
  version: '1',
  kind: 'code',
  failureModes: ['tool-argument-error'],
  description:
    'expected.tool_calls happen in order (or as a set); extra calls allowed or not; arguments matched as a subset when given. Score = fraction matched.',
  options,
  create: (opts) => (args) => {
    const expected = expectedToolCalls(args.expected);
    if (!expected)
      return { name: 'tool-sequence', score: null, metadata: { reason: 'no expected.tool_calls' } };
    const actual: ActualCall[] = Array.isArray(args.toolCalls) ? args.toolCalls : [];
    const matches = (want: ExpectedToolCall, call: ActualCall) => {
      if (call.name !== want.name) return false;
      if (!opts.match_arguments || !want.arguments) return true;
      const parsed = readArguments(call.arguments);
      return parsed.ok && matchValue(want.arguments, parsed.value, true).ok;
    };
    // Greedy matching is exact here: for `ordered`, the earliest match of each expected call in turn gives the
    // longest matched prefix of the expected sequence; for `set`, calls are matched to the first free candidate.
    const matchedAt: Array<number | null> = [];
    const used = new Set<number>();
    let cursor = 0;
    for (const want of expected) {
      let found: number | null = null;
      for (let i = opts.order === 'ordered' ? cursor : 0; i < actual.length; i++) {
        if (!used.has(i) && matches(want, actual[i])) {
          found = i;
          break;
        }
      }
      matchedAt.push(found);
      if (found !== null) {
        used.add(found);
        if (opts.order === 'ordered') cursor = found + 1;
      }
    }
    const matched = matchedAt.filter((i) => i !== null).length;
    const extra = actual.filter((_, i) => !used.has(i)).map((c) => c.name);
    const extraFails = !opts.allow_extra && extra.length > 0;
    const denominator = extraFails ? Math.max(expected.length, actual.length) : expected.length;
    const score =
      denominator === 0 ? (actual.length === 0 || opts.allow_extra ? 1 : 0) : matched / denominator;
    const metadata: Record<string, unknown> = {
      expected: expected.map((c) => c.name),
      called: actual.map((c) => c.name),
      matched_at: matchedAt,
      ...(extra.length ? { extra } : {}),
    };
    if (score < 1) {
      const missing = expected.filter((_, i) => matchedAt[i] === null).map((c) => c.name);
      const parts = [
        missing.length && `${missing.join(', ')} not called${opts.order === 'ordered' ? ' in order' : ''}`,
        extraFails && `unexpected extra call(s): ${extra.join(', ')}`,
      ].filter(Boolean);
      metadata.reason = `${parts.join('; ')} — expected ${expected.map((c) => c.name).join(' → ') || 'no calls'}, got ${actual.map((c) => c.name).join(' → ') || 'no calls'}`;
    }
    return { name: 'tool-sequence', score, metadata };
  },
};
