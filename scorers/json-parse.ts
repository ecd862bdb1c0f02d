import { z } from 'zod';
import type { ScorerDefinition } from './types.js';
import { readJson } from './util/json-text.js';

const options = z
  .object({
    /** Accept a single ```json … ``` fence around the whole output (strict by default). */
    allow_fence: z.boolean().default(false),
    /** Require the top-level value to be of this type. */
    type: z.enum(['any', 'object', 'array']).default('any'),
  })
  .strict();

type Options = z.infer<typeof options>;

/**
 * The output is exactly one JSON value and nothing else. On failure `metadata.kind` says what went wrong
 * (`prose`, `wrapped`, `fenced`, `trailing-comma`, `syntax`, `empty`) and `line`/`column` where.
 */
export const jsonParse: ScorerDefinition<Options> = {
  id: 'json-parse',
  version: '1',
  kind: 'code',
  failureModes: ['format-violation'],
  description:
    'Output is one JSON value and nothing else (optionally one ```json fence); says where and why parsing failed (prose, JSON wrapped in prose, trailing comma…).',
  options,
  create: (opts) => (args) => {
    const read = readJson(args.output, { allowFence: opts.allow_fence });
    if (!read.ok) {
      const { ok: _ok, ...details } = read;
      return { name: 'json-parse', score: 0, metadata: details };
    }
    const actual = Array.isArray(read.value) ? 'array' : read.value === null ? 'null' : typeof read.value;
    if (opts.type !== 'any' && actual !== opts.type) {
      return {
        name: 'json-parse',
        score: 0,
        metadata: { kind: 'type', reason: `JSON is ${actual}, expected ${opts.type}` },
      };
    }
    return { name: 'json-parse', score: 1, metadata: { fenced: read.fenced } };
  },
};
