import { defineJudgeScorer, judgeScorerOptionsSchema } from '../src/judge/judge-scorer.js';
import { outputAsText } from './types.js';
import { contextAsText, inputAsText } from './judge-text.js';

/**
 * Faithfulness (judge): is every claim of the answer supported by the retrieved context? The judge lists
 * the claims one by one; unsupported and contradicted claims become the case's reasons. Not applicable
 * (null) without retrieved text or with an empty answer. Prompt: scorers/judge-prompts/faithfulness.md.
 */
export const faithfulness = defineJudgeScorer({
  id: 'faithfulness',
  prompt: 'faithfulness',
  failureModes: ['hallucination'],
  options: judgeScorerOptionsSchema,
  variables(args) {
    const context = contextAsText(args.retrieved);
    if (!context) return { notApplicable: 'no retrieved context to check the answer against' };
    const output = outputAsText(args.output).trim();
    if (!output) return { notApplicable: 'the answer is empty' };
    return { input: inputAsText(args.input), context, output };
  },
});
