import { z } from 'zod';
import type { ScorerDefinition } from './types.js';
import { answerText, isPlainObject } from './util/json-text.js';

const options = z
  .object({
    /** Compare `output[field]` with `expected[field]` (e.g. `answer`); the whole values when absent. */
    field: z.string().optional(),
    case_sensitive: z.boolean().default(true),
  })
  .strict();

type Options = z.infer<typeof options>;

/** Normalised edit similarity (1 - distance / longer length), computed by autoevals' Levenshtein. */
export const levenshtein: ScorerDefinition<Options> = {
  id: 'levenshtein',
  version: '1',
  kind: 'code',
  failureModes: ['instruction-follow-failure', 'format-violation'],
  description:
    'Edit similarity between output and expected (or their `field`), 1 - distance/length, via autoevals Levenshtein.',
  options,
  create: (opts) => async (args) => {
    let expected: unknown = args.expected;
    if (opts.field) expected = isPlainObject(expected) ? expected[opts.field] : undefined;
    if (expected === undefined || expected === null) {
      return {
        name: 'levenshtein',
        score: null,
        metadata: { reason: `no expected${opts.field ? `.${opts.field}` : ''}` },
      };
    }
    let output = opts.field ? answerText(args.output, opts.field) : answerText(args.output, '');
    let want = typeof expected === 'string' ? expected : JSON.stringify(expected);
    if (!opts.case_sensitive) [output, want] = [output.toLowerCase(), want.toLowerCase()];
    const { Levenshtein } = await import('autoevals'); // on first use: keeps autoevals out of start-up
    const result = await Levenshtein({ output, expected: want });
    const score = result.score ?? 0;
    return {
      name: 'levenshtein',
      score,
      metadata: score < 1 ? { reason: `similarity ${score.toFixed(2)} to expected` } : {},
    };
  },
};
