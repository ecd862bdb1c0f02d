import { z } from 'zod';
import type { ScorerArgs, ScorerDefinition } from './types.js';
import { expectedToolCalls, orderFor, orderOption, type ExpectedToolCall } from './tool-call.js';
import { matchValue } from './util/matchers.js';
import { readArguments } from './util/tools.js';
import { bestAssignment } from './util/assignment.js';

const options = z
  .object({
    /**
     * `any`: the expected calls happen in any order (a set); `strict`: in the expected order (other calls may sit
     * between them when `allow_extra`). A row's `expected.order` wins. `set` / `ordered` are the old spellings.
     */
    order: orderOption,
    /** Allow calls beyond the expected ones (duplicates, retries, extras). Off: each unmatched call fails. */
    allow_extra: z.boolean().default(false),
    /** Also require each expected call's `arguments` (a subset, matchers allowed); names only when false. */
    match_arguments: z.boolean().default(true),
  })
  .strict();

type Options = z.infer<typeof options>;
type ActualCall = NonNullable<ScorerArgs['toolCalls']>[number];

/** The expected tool calls happen, as a set or in order, one actual call each, with or without extra calls. */
export const toolSequence: ScorerDefinition<Options> = {
  id: 'tool-sequence',
  version: '2',
  kind: 'code',
  failureModes: ['tool-argument-error'],
  description:
    'expected.tool_calls happen, matched one to one (as a set, or in order with order: strict); extra calls fail unless allow_extra; arguments matched as a subset when given. Score = matched / max(expected, actual).',
  options,
  create: (opts) => (args) => {
    const expected = expectedToolCalls(args.expected);
    if (!expected)
      return { name: 'tool-sequence', score: null, metadata: { reason: 'no expected.tool_calls' } };
    const actual: ActualCall[] = Array.isArray(args.toolCalls) ? args.toolCalls : [];
    const order = orderFor(args.expected, opts.order);
    const parsed = actual.map((call) => readArguments(call.arguments));
    const matches = (want: ExpectedToolCall, j: number) => {
      if (actual[j].name !== want.name) return false;
      if (!opts.match_arguments || !want.arguments) return true;
      const p = parsed[j];
      return p.ok && matchValue(want.arguments, p.value, true).ok;
    };
    // An optimal one-to-one matching (see util/assignment): greedy first-fit can hand the only call that fits
    // a later expectation to an earlier, looser one.
    const weight = expected.map((want) => actual.map((_, j) => (matches(want, j) ? 1 : 0)));
    const matchedAt = bestAssignment(weight, order === 'strict');
    const used = new Set(matchedAt.filter((i): i is number => i !== null));
    const matched = used.size;
    const extra = actual.filter((_, i) => !used.has(i)).map((c) => c.name);
    const extraFails = !opts.allow_extra && extra.length > 0;
    const denominator = extraFails ? Math.max(expected.length, actual.length) : expected.length;
    const score =
      denominator === 0 ? (actual.length === 0 || opts.allow_extra ? 1 : 0) : matched / denominator;
    const metadata: Record<string, unknown> = {
      expected: expected.map((c) => c.name),
      called: actual.map((c) => c.name),
      order,
      matched_at: matchedAt,
      ...(extra.length ? { extra } : {}),
    };
    if (score < 1) {
      const missing = expected.filter((_, i) => matchedAt[i] === null).map((c) => c.name);
      const parts = [
        missing.length && `${missing.join(', ')} not called${order === 'strict' ? ' in order' : ''}`,
        extraFails && `unexpected extra call(s): ${extra.join(', ')} (allow_extra: true accepts them)`,
      ].filter(Boolean);
      const arrow = order === 'strict' ? ' → ' : ', ';
      metadata.reason = `${parts.join('; ')} — expected ${expected.map((c) => c.name).join(arrow) || 'no calls'}, got ${actual.map((c) => c.name).join(arrow) || 'no calls'}`;
    }
    return { name: 'tool-sequence', score, metadata };
  },
};
