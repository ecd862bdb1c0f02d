import { z } from 'zod';
import { outputAsText, type ScorerDefinition } from './types.js';

const options = z
  .object({
    /** Strings the output must contain; when absent, `expected` (a string or a list of strings) is used. */
    values: z.array(z.string()).optional(),
    case_sensitive: z.boolean().default(false),
    /** `all`: every value must appear; `any`: one is enough. */
    match: z.enum(['all', 'any']).default('all'),
  })
  .strict();

/** The output text contains the expected substring(s). Score = fraction found (mode `all`). */
export const contains: ScorerDefinition<z.infer<typeof options>> = {
  id: 'contains',
  version: '1',
  kind: 'code',
  failureModes: ['instruction-follow-failure', 'hallucination'],
  description: 'Output contains the expected substring(s): `all` of them (partial credit) or `any`.',
  options,
  create: (opts) => (args) => {
    const wanted = opts.values ?? expectedStrings(args.expected);
    if (!wanted || wanted.length === 0)
      return { name: 'contains', score: null, metadata: { reason: 'nothing to look for' } };
    const fold = (s: string) => (opts.case_sensitive ? s : s.toLowerCase());
    const text = fold(outputAsText(args.output));
    const missing = wanted.filter((w) => !text.includes(fold(w)));
    const found = wanted.length - missing.length;
    const score = opts.match === 'any' ? (found > 0 ? 1 : 0) : found / wanted.length;
    const reason = missing.length
      ? `missing ${missing
          .slice(0, 5)
          .map((m) => JSON.stringify(m))
          .join(', ')}${missing.length > 5 ? ` +${missing.length - 5} more` : ''}`
      : undefined;
    return { name: 'contains', score, metadata: reason && score < 1 ? { missing, reason } : { missing } };
  },
};

function expectedStrings(expected: unknown): string[] | undefined {
  if (typeof expected === 'string') return [expected];
  if (Array.isArray(expected) && expected.every((e) => typeof e === 'string')) return expected;
  if (expected && typeof expected === 'object') {
    const e = expected as Record<string, unknown>;
    if (Array.isArray(e.contains)) return e.contains.map(String);
    if (typeof e.contains === 'string') return [e.contains];
  }
  return undefined;
}
