import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Score, ScorerArgs, ScorerContext, ScorerDefinition, ScorerFn } from '../../scorers/types.js';
import { stableStringify } from '../util/stable-json.js';
import { judgeConfigSchema, type JudgeConfig } from './judge-config.js';
import {
  apiForModel,
  isReasoningModel,
  JudgeError,
  type JudgeApi,
  type JudgeRequest,
  type JudgeTool,
} from './judge-client.js';
import { JudgeRuntime } from './judge-runtime.js';
import { loadJudgePrompt, renderTemplate, type JudgePromptTemplate } from './prompt-template.js';

/** Options every judge scorer takes (besides its own): a per-scorer model pin and sampling parameters. */
export const judgeScorerOptionsSchema = z
  .object({
    /** Pin this scorer to a model other than `judge.model`. */
    model: z.string().min(1).optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().min(1).optional(),
  })
  .strict();

export type JudgeScorerOptions = z.infer<typeof judgeScorerOptionsSchema>;

/** A judge scorer's identity for one configuration: what Braintrust, the fingerprint and calibration need. */
export interface JudgeScorerDescription {
  id: string;
  /** sha256 (16 hex) of template + model + parameters: the scorer's version. */
  version: string;
  model: string;
  api: JudgeApi;
  /** sha256 of the template file. */
  prompt_hash: string;
  template_file: string;
  /** The prompt body with `{{variables}}` (and the scorer's own fixed values, e.g. the rubric, filled in). */
  template: string;
  choice_scores: Record<string, number>;
  tool: JudgeTool;
  params: { temperature: number | null; max_tokens: number | null };
}

/** The settings a judge scorer reads from the run (its `ScorerContext.judge`). */
export interface JudgeContext {
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  promptVersion?: string;
  apiKeyEnv?: string;
  config?: JudgeConfig;
  runtime?: JudgeRuntime;
}

/** A built-in judge scorer: a ScorerDefinition that can also describe itself for a configuration. */
export interface JudgeScorerDefinition<
  Options extends JudgeScorerOptions = JudgeScorerOptions,
> extends ScorerDefinition<Options> {
  kind: 'judge';
  /** Template id under scorers/judge-prompts. */
  prompt: string;
  /** Version, model, template and tool for these options and judge settings. */
  describe(options: Options, judge: JudgeContext | undefined): JudgeScorerDescription;
  /** The version for these options and judge settings (what goes in the results fingerprint). */
  versionFor(options: Options, context: ScorerContext): string;
}

/** How a built-in judge scorer turns a case into template variables and choices into scores. */
export interface JudgeScorerSpec<Options extends JudgeScorerOptions> {
  id: string;
  prompt: string;
  failureModes: string[];
  options: z.ZodType<Options>;
  /** Template variables for a case, or why the scorer does not apply to it (score null). */
  variables(args: ScorerArgs, options: Options): Record<string, unknown> | { notApplicable: string };
  /** Values fixed by the options (e.g. the rubric), filled in before hashing. */
  fixed?(options: Options): Record<string, unknown>;
  /** Choice → score; defaults to the template's front matter. */
  choiceScores?(options: Options, template: JudgePromptTemplate): Record<string, number>;
}

const DEFAULT_JUDGE_CONFIG: JudgeConfig = judgeConfigSchema.parse({});

/** Define a built-in judge scorer from its template and how it reads a case. */
export function defineJudgeScorer<Options extends JudgeScorerOptions>(
  spec: JudgeScorerSpec<Options>,
): JudgeScorerDefinition<Options> {
  const template = () => loadJudgePrompt(spec.prompt);
  const describe = (options: Options, judge: JudgeContext | undefined): JudgeScorerDescription => {
    const t = template();
    const config = judge?.config ?? DEFAULT_JUDGE_CONFIG;
    const model = options.model ?? judge?.model ?? config.model;
    if (!model)
      throw new Error(
        `judge scorer "${spec.id}" needs a pinned model: set judge.model (e.g. "gpt-4.1-mini-2025-04-14") or the scorer's options.model`,
      );
    const choiceScores = spec.choiceScores ? spec.choiceScores(options, t) : t.choiceScores;
    const choices = Object.keys(choiceScores);
    if (choices.length < 2)
      throw new Error(`judge scorer "${spec.id}" needs at least two choices with scores`);
    const temperature =
      options.temperature ?? config.temperature ?? (isReasoningModel(model) ? undefined : 0);
    const maxTokens = options.max_tokens ?? config.max_tokens;
    const api = apiForModel(model, config.api);
    const body = spec.fixed ? renderPartial(t.body, spec.fixed(options)) : t.body;
    const tool = verdictTool(choices, t.claims);
    const params = { temperature: temperature ?? null, max_tokens: maxTokens ?? null };
    const version = createHash('sha256')
      .update(stableStringify({ template: t.hash, body, model, api, params, choiceScores }))
      .digest('hex')
      .slice(0, 16);
    return {
      id: spec.id,
      version,
      model,
      api,
      prompt_hash: t.hash,
      template_file: t.file,
      template: body,
      choice_scores: choiceScores,
      tool,
      params,
    };
  };

  return {
    id: spec.id,
    // The static version names the template format; the real version (template + model + parameters) is
    // versionFor's, which the resolver puts in the fingerprint.
    version: 'judge',
    kind: 'judge',
    prompt: spec.prompt,
    failureModes: spec.failureModes,
    get description() {
      return template().description;
    },
    options: spec.options,
    describe,
    versionFor: (options, context) => describe(options, context.judge as JudgeContext | undefined).version,
    create(options: Options, context: ScorerContext): ScorerFn {
      const judge = context.judge as JudgeContext | undefined;
      const d = describe(options, judge);
      const name = (context as { scorerName?: string }).scorerName ?? spec.id;
      const runtime =
        judge?.runtime ??
        new JudgeRuntime({
          config: judge?.config ?? DEFAULT_JUDGE_CONFIG,
          apiKey: judge?.apiKey,
          baseUrl: judge?.baseUrl,
          cwd: context.cwd,
        });
      return async (args: ScorerArgs): Promise<Score> => {
        const variables = spec.variables(args, options);
        if ('notApplicable' in variables)
          return { name, score: null, metadata: { reason: variables.notApplicable as string } };
        const request: JudgeRequest = {
          model: d.model,
          api: d.api,
          messages: [{ role: 'user', content: renderTemplate(d.template, variables) }],
          tool: d.tool,
          ...(d.params.temperature !== null ? { temperature: d.params.temperature } : {}),
          ...(d.params.max_tokens !== null ? { maxTokens: d.params.max_tokens } : {}),
        };
        const trial = typeof args.trial === 'number' ? args.trial : 0;
        let outcome;
        try {
          outcome = await runtime.judge(name, request, trial);
        } catch (error) {
          // A judge that failed for good errors the case (never a pass); its message is free of secrets.
          const message =
            error instanceof JudgeError ? error.message : `judge failed: ${(error as Error).message}`;
          throw new Error(runtime.redact(message));
        }
        if (outcome.kind === 'not-scored')
          return { name, score: null, metadata: { skipped: true, unscored: true, reason: outcome.reason } };
        return verdictScore(name, d, outcome);
      };
    },
  };
}

/** The verdict tool: reasoning first (the judge thinks before it chooses), claims when asked, then the choice. */
export function verdictTool(choices: string[], claims: boolean): JudgeTool {
  const properties: Record<string, unknown> = {
    reasoning: {
      type: 'string',
      description: 'Your reasoning, step by step, before you choose. Keep it short.',
    },
  };
  if (claims) {
    properties.claims = {
      type: 'array',
      description: 'Each factual claim in the answer and whether the context supports it.',
      items: {
        type: 'object',
        properties: {
          claim: { type: 'string' },
          verdict: { type: 'string', enum: ['supported', 'unsupported', 'contradicted'] },
        },
        required: ['claim', 'verdict'],
      },
    };
  }
  properties.choice = { type: 'string', enum: choices, description: 'The option you choose.' };
  return {
    name: 'select_choice',
    description: 'Give your verdict: your reasoning, then one of the options.',
    parameters: {
      type: 'object',
      properties,
      required: claims ? ['reasoning', 'claims', 'choice'] : ['reasoning', 'choice'],
    },
  };
}

function verdictScore(
  name: string,
  d: JudgeScorerDescription,
  outcome: Extract<Awaited<ReturnType<JudgeRuntime['judge']>>, { kind: 'answered' }>,
): Score {
  const args = outcome.arguments;
  const choice = typeof args.choice === 'string' ? args.choice.trim() : undefined;
  if (!choice || !(choice in d.choice_scores)) {
    throw new Error(
      `judge chose ${JSON.stringify(args.choice ?? null)}, not one of ${Object.keys(d.choice_scores).join(', ')}`,
    );
  }
  const reasoning = typeof args.reasoning === 'string' ? args.reasoning.trim() : '';
  const claims = Array.isArray(args.claims)
    ? (args.claims as Array<{ claim?: unknown; verdict?: unknown }>)
        .filter((c) => c && typeof c.claim === 'string')
        .map((c) => ({ claim: String(c.claim), verdict: String(c.verdict ?? 'unsupported') }))
    : undefined;
  const bad = claims?.filter((c) => c.verdict !== 'supported') ?? [];
  const reason = bad.length
    ? `${bad.map((c) => `${c.verdict}: “${c.claim}”`).join('; ')}${reasoning ? ` — ${reasoning}` : ''}`
    : reasoning || `judge chose ${choice}`;
  return {
    name,
    score: d.choice_scores[choice],
    metadata: {
      choice,
      reason: reason.replace(/\s+/g, ' '),
      rationale: reasoning,
      ...(claims ? { claims } : {}),
      judge: {
        model: outcome.model,
        version: d.version,
        cached: outcome.cached,
        tokens: outcome.usage.input_tokens + outcome.usage.output_tokens,
        cost_usd: outcome.cost_usd,
      },
    },
  };
}

/** Fill only the given placeholders, leaving the others for the per-case render. */
function renderPartial(body: string, fixed: Record<string, unknown>): string {
  return body.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (whole, name: string) =>
    name in fixed ? renderTemplate(`{{${name}}}`, fixed) : whole,
  );
}
