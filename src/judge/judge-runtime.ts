import path from 'node:path';
import { JudgeCache, cacheKeyHash, staticKeyPart, type JudgeCacheKey } from './judge-cache.js';
import { JudgeClient, JudgeError, type JudgeRequest, type TokenUsage } from './judge-client.js';
import { JudgeLedger, type JudgeUsageReport } from './judge-usage.js';
import { costOf, findModelPrice, formatCost } from './pricing.js';
import type { JudgeConfig, ModelPrice } from './judge-config.js';
import type { RetryPolicy } from './retry.js';
import { SecretRedactor } from './redact.js';

/** Everything a run's judge needs: where it is, the key, and the run's cache/budget/estimate switches. */
export interface JudgeRuntimeOptions {
  config: JudgeConfig;
  /** The key (from the environment, or the action's input). Absent: no call can be made. */
  apiKey?: string;
  /** Overrides config.base_url (CLI/action input, or the offline server's URL). */
  baseUrl?: string;
  /** The endpoint's identity in cache keys (the base URL, or `offline:<model>`); defaults to the base URL. */
  endpointId?: string;
  /** Directory the cache and calibration paths resolve against. */
  cwd: string;
  /** false: `--no-cache` (the cache is neither read nor written). */
  cache?: boolean;
  /** Stop scheduling judge calls once this much has been spent. */
  budgetUsd?: number;
  /** Count what a run would call and cost without calling (`--estimate`). */
  estimate?: boolean;
  /** For tests: retry timing. */
  retry?: Partial<RetryPolicy>;
}

/** A verdict the judge gave (fresh or cached), or why there is none. */
export type JudgeOutcome =
  | {
      kind: 'answered';
      arguments: Record<string, unknown>;
      cached: boolean;
      usage: TokenUsage;
      /** Cost of this call (0 when cached; null when the price is unknown). */
      cost_usd: number | null;
      model: string;
    }
  | { kind: 'not-scored'; reason: string };

/** What `--estimate` counted. */
export interface JudgeEstimate {
  /** Calls the run would make (not in the cache). */
  calls: number;
  /** Answers the cache already holds. */
  cached: number;
  input_tokens: number;
  output_tokens: number;
  /** null when a model's price is unknown. */
  cost_usd: number | null;
  models: string[];
}

/** Output tokens assumed per verdict when estimating (a short reasoning and a choice) without max_tokens. */
export const ESTIMATED_OUTPUT_TOKENS = 200;

/**
 * One run's judge: a shared client (one concurrency limit for every judge scorer), the answer cache, the
 * usage ledger and the budget. Judge scorers call `judge()`; the run reads `usage()` at the end.
 */
export class JudgeRuntime {
  readonly ledger = new JudgeLedger();
  readonly cache?: JudgeCache;
  private client?: Promise<JudgeClient>;
  private reserved = 0;
  private readonly staticParts = new WeakMap<object, Map<string, string>>();
  private readonly redactor: SecretRedactor;
  private budgetReached = false;
  private readonly estimateTotals: JudgeEstimate = {
    calls: 0,
    cached: 0,
    input_tokens: 0,
    output_tokens: 0,
    cost_usd: 0,
    models: [],
  };

  constructor(readonly options: JudgeRuntimeOptions) {
    this.redactor = new SecretRedactor([options.apiKey, ...Object.values(options.config.headers ?? {})]);
    if (options.cache !== false)
      this.cache = new JudgeCache(path.resolve(options.cwd, options.config.cache_dir));
  }

  /** The price of a model from the config's table and the defaults, or undefined. */
  priceOf(model: string): ModelPrice | undefined {
    return findModelPrice(model, this.options.config.pricing);
  }

  /** Whether calls can be made (a key is set), or only estimated. */
  get canCall(): boolean {
    return Boolean(this.options.apiKey);
  }

  /** The HTTP client, created on first use. */
  getClient(): Promise<JudgeClient> {
    if (!this.client) {
      if (!this.options.apiKey) throw new JudgeError('no judge API key');
      this.client = JudgeClient.create({
        apiKey: this.options.apiKey,
        baseUrl: this.options.baseUrl ?? this.options.config.base_url,
        headers: this.options.config.headers,
        timeoutMs: this.options.config.timeout_ms,
        maxConcurrency: this.options.config.max_concurrency,
        retry: {
          maxRetries: this.options.config.max_retries,
          maxRetryWaitMs: this.options.config.max_retry_wait_ms,
          ...this.options.retry,
        },
      });
    }
    return this.client;
  }

  /**
   * Ask the judge for a verdict: from the cache when it holds this exact request (model, prompt, tool,
   * parameters, endpoint and trial), else a call — unless the budget is spent or this is an estimate.
   * Throws JudgeError (secrets removed) when the judge fails for good.
   */
  async judge(scorer: string, request: JudgeRequest, trial: number): Promise<JudgeOutcome> {
    this.ledger.register(scorer);
    const hash = cacheKeyHash({
      endpoint:
        this.options.endpointId ??
        this.options.baseUrl ??
        this.options.config.base_url ??
        'https://api.openai.com/v1',
      model: request.model,
      api: request.api,
      messages: request.messages,
      tool: request.tool,
      params: { temperature: request.temperature ?? null, max_tokens: request.maxTokens ?? null },
      trial,
    });
    const hit = this.cache?.get(hash);
    if (hit) {
      this.ledger.recordCached(scorer);
      if (this.options.estimate) this.estimateTotals.cached++;
      return {
        kind: 'answered',
        arguments: hit.arguments,
        cached: true,
        usage: hit.usage,
        cost_usd: 0,
        model: hit.model,
      };
    }
    const price = this.priceOf(request.model);
    const expected = estimateTokens(request);
    const expectedCost = costOf(price, expected);
    if (this.options.estimate) {
      const e = this.estimateTotals;
      e.calls++;
      e.input_tokens += expected.input_tokens;
      e.output_tokens += expected.output_tokens;
      e.cost_usd = e.cost_usd === null || expectedCost === null ? null : e.cost_usd + expectedCost;
      if (!e.models.includes(request.model)) e.models.push(request.model);
      this.ledger.recordNotScored(scorer);
      return { kind: 'not-scored', reason: 'estimate only: the judge was not called' };
    }
    const budget = this.options.budgetUsd;
    if (budget !== undefined) {
      // Calls in flight count at their estimated cost, so a burst of concurrent calls cannot overshoot far.
      const spent = this.ledger.spent() ?? 0;
      if (spent + this.reserved >= budget || expectedCost === null) {
        this.budgetReached = true;
        this.ledger.recordNotScored(scorer);
        return {
          kind: 'not-scored',
          reason: `not scored: judge budget ${formatCost(budget)} reached (spent ${formatCost(spent)})`,
        };
      }
      this.reserved += expectedCost;
    }
    try {
      const client = await this.getClient();
      const reply = await client.complete(request);
      const cost = costOf(price, reply.usage);
      this.ledger.recordCall(scorer, reply.usage, cost);
      await this.cache?.set(hash, {
        arguments: reply.arguments,
        usage: reply.usage,
        model: reply.model,
        created_at: new Date().toISOString(),
      });
      return {
        kind: 'answered',
        arguments: reply.arguments,
        cached: false,
        usage: reply.usage,
        cost_usd: cost,
        model: reply.model,
      };
    } finally {
      if (budget !== undefined && expectedCost !== null) this.reserved -= expectedCost;
    }
  }

  /**
   * An `openai` client for scorers that make their own requests (autoevals' LLM scorers): its requests share
   * this run's concurrency limit, and every answer's tokens and cost go into the ledger under `scorer`, so
   * `usage.judge` counts them too. (They are not cached: their prompts are autoevals' own.)
   */
  async openAIClientFor(scorer: string): Promise<unknown> {
    const judge = await this.getClient();
    const { default: OpenAIClient } = await import('openai');
    this.ledger.register(scorer);
    const counted = async (url: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> =>
      judge.limited(async () => {
        const response = await fetch(url, init);
        if (response.ok) {
          try {
            const body = (await response.clone().json()) as {
              model?: string;
              usage?: Record<string, number | undefined>;
            };
            if (body?.usage) {
              const usage = {
                input_tokens: body.usage.prompt_tokens ?? body.usage.input_tokens ?? 0,
                output_tokens: body.usage.completion_tokens ?? body.usage.output_tokens ?? 0,
              };
              const model = body.model ?? this.options.config.model ?? '';
              this.ledger.recordCall(scorer, usage, costOf(this.priceOf(model), usage));
            }
          } catch {
            // not JSON with usage: nothing to count
          }
        }
        return response;
      });
    return new OpenAIClient({
      apiKey: this.options.apiKey,
      baseURL: this.options.baseUrl ?? this.options.config.base_url,
      defaultHeaders: this.options.config.headers,
      timeout: this.options.config.timeout_ms,
      maxRetries: this.options.config.max_retries,
      fetch: counted,
    });
  }

  /** The case-independent part of a cache key, serialised once per scorer (its tool object) and settings. */
  private staticPart(key: Omit<JudgeCacheKey, 'messages' | 'trial'>): string {
    let byTool = this.staticParts.get(key.tool as object);
    if (!byTool) this.staticParts.set(key.tool as object, (byTool = new Map()));
    const id = `${key.endpoint}\n${key.model}\n${key.api}\n${key.params.temperature}\n${key.params.max_tokens}`;
    let part = byTool.get(id);
    if (part === undefined) byTool.set(id, (part = staticKeyPart(key)));
    return part;
  }

  /** results.json's `usage.judge`. */
  usage(): JudgeUsageReport {
    const report = this.ledger.report();
    if (this.options.budgetUsd !== undefined) {
      report.budget_usd = this.options.budgetUsd;
      report.budget_reached = this.budgetReached;
    }
    return report;
  }

  /** What `--estimate` counted. */
  estimate(): JudgeEstimate {
    return { ...this.estimateTotals, models: [...this.estimateTotals.models] };
  }

  /** Remove the key and configured header values from a text. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }
}

/**
 * Tokens a request will likely bill, before sending it: about four characters per token for the prompt and
 * the tool schema (close for English text with OpenAI's tokenizers), and max_tokens or a typical verdict's
 * length for the answer. Only `--estimate` and the budget's reservation use it; billing uses what the
 * endpoint reports.
 */
export function estimateTokens(request: JudgeRequest): TokenUsage {
  const chars =
    request.messages.reduce((n, m) => n + m.content.length, 0) + JSON.stringify(request.tool).length;
  return {
    input_tokens: Math.ceil(chars / 4),
    output_tokens: request.maxTokens ?? ESTIMATED_OUTPUT_TOKENS,
  };
}
