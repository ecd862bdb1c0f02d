import { z } from 'zod';
import type { ScorerDefinition } from './types.js';
import { citationOptions, citedIds } from './util/citations.js';

const options = z
  .object({
    ...citationOptions,
    /** Score 0 when the answer cites nothing (otherwise not applicable). */
    require_citation: z.boolean().default(false),
  })
  .strict();

type Options = z.infer<typeof options>;

/** Every id the answer cites is among the documents retrieved in that run. Score = grounded / cited. */
export const citationGrounding: ScorerDefinition<Options> = {
  id: 'citation-grounding',
  version: '1',
  kind: 'code',
  failureModes: ['hallucination'],
  description:
    'Every id the answer cites (output.citations or inline [kb-3] markers) is a document retrieved in that run. Score = grounded/cited.',
  options,
  create: (opts) => (args) => {
    if (!Array.isArray(args.retrieved)) {
      return {
        name: 'citation-grounding',
        score: null,
        metadata: { reason: 'the run reported no retrieved context' },
      };
    }
    const cited = citedIds(args.output, opts);
    if (cited.length === 0) {
      return opts.require_citation
        ? {
            name: 'citation-grounding',
            score: 0,
            metadata: { reason: 'the answer cites nothing (require_citation)' },
          }
        : { name: 'citation-grounding', score: null, metadata: { reason: 'the answer cites nothing' } };
    }
    const retrieved = new Set(args.retrieved.map((d) => String(d?.id)));
    const ungrounded = cited.filter((id) => !retrieved.has(id));
    const metadata: Record<string, unknown> = { cited, retrieved: [...retrieved] };
    if (ungrounded.length) {
      metadata.ungrounded = ungrounded;
      metadata.reason = `cites ${ungrounded.join(', ')}, not retrieved in this run (retrieved: ${[...retrieved].join(', ') || 'nothing'})`;
    }
    return { name: 'citation-grounding', score: (cited.length - ungrounded.length) / cited.length, metadata };
  },
};
