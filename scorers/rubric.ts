import { z } from 'zod';
import { defineJudgeScorer, judgeScorerOptionsSchema } from '../src/judge/judge-scorer.js';
import { outputAsText } from './types.js';
import { inputAsText } from './judge-text.js';

const rubricOptionsSchema = judgeScorerOptionsSchema
  .extend({
    /** What the judge grades against, with one line per choice letter. */
    rubric: z.string().min(1),
    /** Choice letter → score in 0..1, e.g. {"A": 1, "B": 0.5, "C": 0}. */
    choice_scores: z
      .record(z.string().regex(/^[A-Z]$/, 'choices are single capital letters'), z.number().min(0).max(1))
      .refine((c) => Object.keys(c).length >= 2, 'give at least two choices'),
  })
  .strict();

/**
 * Rubric (judge): grades the answer against your rubric, with your choices and scores, in the manner of
 * autoevals' LLMClassifierFromTemplate. The rubric text and choice scores are part of the scorer's
 * version. Prompt: scorers/judge-prompts/rubric.md.
 */
export const rubric = defineJudgeScorer({
  id: 'rubric',
  prompt: 'rubric',
  failureModes: ['instruction-follow-failure'],
  options: rubricOptionsSchema,
  fixed: (options) => ({ rubric: options.rubric, choices: Object.keys(options.choice_scores).join(', ') }),
  choiceScores: (options) => options.choice_scores,
  variables(args) {
    return {
      input: inputAsText(args.input),
      output: outputAsText(args.output),
      expected: args.expected === undefined ? '(none)' : outputAsText(args.expected),
    };
  },
});
