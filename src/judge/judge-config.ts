import { z } from 'zod';

/** A model's price in US dollars per million tokens. */
export const modelPriceSchema = z
  .object({
    input_per_mtok: z.number().min(0),
    output_per_mtok: z.number().min(0),
  })
  .strict();

/**
 * The `judge` section of the config: where the OpenAI-compatible judge lives, the pinned model, how hard to
 * retry, how many requests may be in flight, prices, the cache, and what a calibration must show before a
 * judge scorer may block a merge.
 */
export const judgeConfigSchema = z
  .object({
    /** OpenAI-compatible base URL, e.g. https://api.openai.com/v1 (the default) or a gateway. */
    base_url: z.string().url().optional(),
    /** The pinned judge model id (a dated snapshot such as gpt-4.1-mini-2025-04-14 keeps verdicts stable). */
    model: z.string().min(1).optional(),
    /** Free-text label of the prompt set, kept in the fingerprint (legacy; templates are hashed anyway). */
    prompt_version: z.string().optional(),
    /** The environment variable that holds the judge API key (the key itself never goes in the config). */
    api_key_env: z.string().min(1).default('OPENAI_API_KEY'),
    /** Extra HTTP headers sent with every judge request (e.g. a gateway's routing header). */
    headers: z.record(z.string(), z.string()).optional(),
    /** Judge requests in flight at once, across all judge scorers (separate from the task's concurrency). */
    max_concurrency: z.number().int().min(1).max(1000).default(4),
    /** Which OpenAI API to call: chat completions, the responses API, or `auto` (responses only for models that need it). */
    api: z.enum(['auto', 'chat', 'responses']).default('auto'),
    /** Sampling temperature (default 0; left out for reasoning models, which reject it). */
    temperature: z.number().min(0).max(2).optional(),
    /** Cap on the judge's output tokens. */
    max_tokens: z.number().int().min(1).optional(),
    /** Per-request timeout in milliseconds. */
    timeout_ms: z.number().int().min(1).default(60000),
    /** Retries on 429, 5xx, timeouts and dropped connections (exponential backoff with jitter, honouring Retry-After). */
    max_retries: z.number().int().min(0).max(20).default(4),
    /** The longest Retry-After the client waits; a server asking for longer fails the request with that reason. */
    max_retry_wait_ms: z.number().int().min(0).default(60000),
    /** Prices per million tokens by model id (or id prefix), added to and overriding the built-in table. */
    pricing: z.record(z.string(), modelPriceSchema).optional(),
    /** Stop scheduling judge calls once this much has been spent (what was not scored is reported, never passed). */
    budget_usd: z.number().min(0).optional(),
    /** Content-addressed cache of judge answers, relative to the config file. */
    cache_dir: z.string().default('.tracegate/cache'),
    /** Where calibration records live, relative to the config file. */
    calibrations_dir: z.string().default('calibrations'),
    /** What a calibration record must show for a judge scorer to be blocking (95% Wilson lower bounds). */
    calibration: z
      .object({
        min_tpr_lower: z.number().min(0).max(1).default(0.8),
        min_tnr_lower: z.number().min(0).max(1).default(0.8),
      })
      .strict()
      .default({ min_tpr_lower: 0.8, min_tnr_lower: 0.8 }),
    /**
     * A local OpenAI-compatible judge server to start when no key is set (demos and offline runs): a module
     * exporting `startJudgeServer(): Promise<{url, close}>`, and the model id it answers as. Verdicts from it
     * carry its own model id, so a calibration for it never counts for the hosted model.
     */
    offline: z
      .object({
        server: z.string().min(1),
        model: z.string().min(1),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The judge section after defaults. */
export type JudgeConfig = z.infer<typeof judgeConfigSchema>;
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/** Fix hints for judge keys, merged into the config's hints. */
export const JUDGE_FIX_HINTS: Record<string, string> = {
  base_url: 'use an OpenAI-compatible base URL ending in /v1, e.g. "https://api.openai.com/v1"',
  api: 'use "auto", "chat" (chat completions) or "responses" (the responses API)',
  max_concurrency: 'use a whole number of requests in flight, e.g. 4',
  pricing: 'use {"<model>": {"input_per_mtok": 0.4, "output_per_mtok": 1.6}} (US dollars per million tokens)',
  budget_usd: 'use a number of US dollars, e.g. 2.5',
  min_tpr_lower: 'use a number between 0 and 1, e.g. 0.8',
  min_tnr_lower: 'use a number between 0 and 1, e.g. 0.8',
  offline: 'use {"server": "./path/to/judge-server.js", "model": "local-judge-1"}',
};
