import { z } from 'zod';
import { ExactMatch } from 'autoevals';
import type { ScorerDefinition } from './types.js';

const options = z
  .object({
    /** Compare this instead of the case's `expected` (e.g. `expected.answer` via `field: "answer"`). */
    field: z.string().optional(),
  })
  .strict();

/** Output equals `expected` (deep equality for JSON values), using autoevals' ExactMatch. */
export const exactMatch: ScorerDefinition<z.infer<typeof options>> = {
  id: 'exact-match',
  version: '1',
  kind: 'code',
  failureModes: ['format-violation', 'instruction-follow-failure'],
  description: 'Output equals `expected` (or `expected[field]`); JSON values compare structurally.',
  options,
  create: (opts) => async (args) => {
    const expected = pick(args.expected, opts.field);
    if (expected === undefined)
      return { name: 'exact-match', score: null, metadata: { reason: 'no expected value' } };
    const output = pick(args.output, opts.field);
    const result = await ExactMatch({ output: output as never, expected: expected as never });
    return { name: 'exact-match', score: result.score ?? 0, metadata: { expected, output } };
  },
};

function pick(value: unknown, field: string | undefined): unknown {
  if (!field) return value;
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  return v && typeof v === 'object' ? (v as Record<string, unknown>)[field] : undefined;
}
