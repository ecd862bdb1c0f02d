import { defineJudgeScorer, judgeScorerOptionsSchema } from '../src/judge/judge-scorer.js';
import { outputAsText } from './types.js';
import { inputAsText } from './judge-text.js';

/**
 * Factuality (judge): is the answer consistent with the expected answer? Choices A–E as in autoevals'
 * Factuality (subset 0.4, superset 0.6, same 1, disagreement 0, immaterial difference 1). Not applicable
 * (null) when the case has no `expected`. Prompt: scorers/judge-prompts/factuality.md.
 */
export const factuality = defineJudgeScorer({
  id: 'factuality',
  prompt: 'factuality',
  failureModes: ['hallucination'],
  options: judgeScorerOptionsSchema,
  variables(args) {
    if (args.expected === undefined || args.expected === null)
      return { notApplicable: 'the case has no expected answer to compare with' };
    return {
      input: inputAsText(args.input),
      expected: outputAsText(args.expected),
      output: outputAsText(args.output),
    };
  },
});
