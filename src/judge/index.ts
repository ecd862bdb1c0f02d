/**
 * Judge scorers: the built-in LLM judges with their prompt templates, models and versions, for tools that
 * register them elsewhere (e.g. as Braintrust functions) and for `tracegate calibrate`.
 */
import { BUILTIN_SCORER_LIST } from '../../scorers/registry.js';
import type { JudgeContext, JudgeScorerDefinition, JudgeScorerDescription } from './judge-scorer.js';

/** Is this registered scorer a built-in judge (with a template it can describe)? */
export function isJudgeScorerDefinition(value: unknown): value is JudgeScorerDefinition {
  return Boolean(
    value &&
    typeof value === 'object' &&
    (value as JudgeScorerDefinition).kind === 'judge' &&
    typeof (value as JudgeScorerDefinition).describe === 'function',
  );
}

/**
 * Every built-in judge scorer described for the given judge settings: id, version (hash of template +
 * model + parameters), model, API, prompt hash, the template file and text, choice scores and the verdict
 * tool. `options` gives per-id scorer options (the rubric scorer needs `rubric` and `choice_scores`);
 * a scorer whose options are missing or invalid is left out.
 */
export function listJudgeScorers(
  judge: JudgeContext,
  options: Record<string, Record<string, unknown>> = {},
): JudgeScorerDescription[] {
  const out: JudgeScorerDescription[] = [];
  for (const definition of BUILTIN_SCORER_LIST) {
    if (!isJudgeScorerDefinition(definition)) continue;
    const parsed = definition.options.safeParse(options[definition.id] ?? {});
    if (!parsed.success) continue;
    out.push(definition.describe(parsed.data, judge));
  }
  return out;
}

export { defineJudgeScorer, verdictTool, judgeScorerOptionsSchema } from './judge-scorer.js';
export type {
  JudgeContext,
  JudgeScorerDefinition,
  JudgeScorerDescription,
  JudgeScorerSpec,
} from './judge-scorer.js';
export { JudgeClient, JudgeError, apiForModel, isReasoningModel } from './judge-client.js';
export type {
  JudgeRequest,
  JudgeReply,
  JudgeMessage,
  JudgeTool,
  JudgeApi,
  TokenUsage,
} from './judge-client.js';
export { JudgeRuntime, estimateTokens, type JudgeEstimate, type JudgeOutcome } from './judge-runtime.js';
export { JudgeCache, cacheKeyHash } from './judge-cache.js';
export { prepareJudge, type PreparedJudge } from './prepare-judge.js';
export { judgeConfigSchema, type JudgeConfig, type ModelPrice } from './judge-config.js';
export { DEFAULT_MODEL_PRICES, findModelPrice, costOf, formatCost } from './pricing.js';
export {
  loadJudgePrompt,
  renderTemplate,
  judgePromptsDir,
  type JudgePromptTemplate,
} from './prompt-template.js';
export {
  computeCalibration,
  checkCalibration,
  readCalibrationRecords,
  type CalibrationRecord,
  type CalibrationFigures,
} from './calibration.js';
export { calibrateJudge, readLabels, type CalibrateOptions, type CalibrateOutcome } from './calibrate.js';
export {
  wilsonInterval,
  twoProportionPValue,
  cohensKappa,
  isSignificantDrop,
  trialsForPower,
} from './noise.js';
export type { JudgeUsage, JudgeUsageReport, JudgeScorerStatus } from './judge-usage.js';
