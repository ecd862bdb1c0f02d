import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ScorerDefinition } from './types.js';

const options = z
  .object({
    /** Compare this instead of the case's `expected` (e.g. `expected.answer` via `field: "answer"`). */
    field: z.string().optional(),
  })
  .strict();

/**
 * Output equals `expected` (or `expected[field]`). Strings go through autoevals' ExactMatch; JSON values are
 * compared structurally here, because ExactMatch compares `JSON.stringify` texts, so `{"a":1,"b":2}` and
 * `{"b":2,"a":1}` would differ on key order.
 */
export const exactMatch: ScorerDefinition<z.infer<typeof options>> = {
  id: 'exact-match',
  version: '2',
  kind: 'code',
  failureModes: ['format-violation', 'instruction-follow-failure'],
  description:
    'Output equals `expected` (or `expected[field]`); JSON values compare structurally (key order ignored).',
  options,
  create: (opts) => async (args) => {
    const expected = pick(args.expected, opts.field);
    if (expected === undefined)
      return { name: 'exact-match', score: null, metadata: { reason: 'no expected value' } };
    let output = pick(args.output, opts.field);
    if (expected !== null && typeof expected === 'object') {
      if (typeof output === 'string') output = parseOr(output);
      const same = isDeepStrictEqual(output, expected);
      return {
        name: 'exact-match',
        score: same ? 1 : 0,
        metadata: same ? {} : { reason: 'output differs from expected', expected, output },
      };
    }
    // autoevals (with the OpenAI SDK behind it) is imported on first use, keeping it out of start-up.
    const { ExactMatch } = await import('autoevals');
    const result = await ExactMatch({ output: output as never, expected: expected as never });
    const score = result.score ?? 0;
    return {
      name: 'exact-match',
      score,
      metadata: score === 1 ? {} : { reason: 'output differs from expected', expected, output },
    };
  },
};

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function pick(value: unknown, field: string | undefined): unknown {
  if (!field) return value;
  const v = typeof value === 'string' ? parseOr(value) : value;
  return v && typeof v === 'object' ? (v as Record<string, unknown>)[field] : undefined;
}
