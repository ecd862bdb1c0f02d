import type OpenAI from 'openai';
import pLimit, { type LimitFunction } from 'p-limit';
import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy,
} from './retry.js';
import { SecretRedactor } from './redact.js';

/** One message of a judge prompt. */
export interface JudgeMessage {
  role: 'system' | 'user';
  content: string;
}

/** The function the judge must call to give its verdict (a JSON-schema'd tool). */
export interface JudgeTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** Which OpenAI wire format to speak. */
export type JudgeApi = 'chat' | 'responses';

/** One judge request: the rendered prompt, the verdict tool and the sampling parameters. */
export interface JudgeRequest {
  model: string;
  api: JudgeApi;
  messages: JudgeMessage[];
  tool: JudgeTool;
  temperature?: number;
  maxTokens?: number;
}

/** Token counts as the endpoint reported them. */
export interface TokenUsage {
  input_tokens: number;
  output_tokens: number;
}

/** The judge's answer: the arguments of its tool call, the tokens it billed, how many HTTP attempts it took. */
export interface JudgeReply {
  arguments: Record<string, unknown>;
  usage: TokenUsage;
  /** The model the endpoint says answered. */
  model: string;
  attempts: number;
}

/** A judge call that failed for good; the message never holds a secret. */
export class JudgeError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'JudgeError';
  }
}

/** Where the judge is and how to talk to it. */
export interface JudgeClientOptions {
  baseUrl?: string;
  apiKey: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  maxConcurrency: number;
  retry?: Partial<RetryPolicy>;
  /** For tests: how to wait between attempts. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * An OpenAI-compatible judge client on the `openai` package: chat completions or the responses API with a
 * forced tool call, its own concurrency limit (separate from the task's), and retries with backoff and
 * jitter on 429, 5xx, timeouts and dropped connections, honouring Retry-After. The openai client's own
 * retries are off because they wait as long as any Retry-After says (an hour, if a server says so) and
 * cannot be counted; here every attempt is counted and waits are bounded. Errors never carry the key.
 */
export class JudgeClient {
  /** HTTP requests sent (every attempt, retries included). */
  requests = 0;
  /** Retries made after a retryable failure. */
  retries = 0;
  /** Requests in flight now, and the most there ever were (the concurrency limit is measurable). */
  inFlight = 0;
  maxInFlight = 0;
  private readonly limit: LimitFunction;
  /** Set once the judge refused the key or stayed unreachable: later calls fail with it at once. */
  private fatal?: JudgeError;
  private unreachableStreak = 0;
  private readonly policy: RetryPolicy;
  private readonly redactor: SecretRedactor;
  private readonly sleep: (ms: number) => Promise<void>;

  private constructor(
    private readonly openai: OpenAI,
    private readonly options: JudgeClientOptions,
    /** The openai package's connection-error class (timeouts extend it): such failures are retried. */
    private readonly connectionError: new (...args: never[]) => Error,
  ) {
    this.limit = pLimit(options.maxConcurrency);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.redactor = new SecretRedactor([options.apiKey, ...Object.values(options.headers ?? {})]);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Create a client; the openai package is loaded only when a judge is actually used. */
  static async create(options: JudgeClientOptions): Promise<JudgeClient> {
    const { default: OpenAIClient, APIConnectionError } = await import('openai');
    const openai = new OpenAIClient({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      defaultHeaders: options.headers,
      timeout: options.timeoutMs,
      maxRetries: 0,
    });
    return new JudgeClient(openai, options, APIConnectionError);
  }

  /** Run `fn` inside this client's concurrency limit (for requests other clients make to the same judge). */
  limited<T>(fn: () => Promise<T>): Promise<T> {
    return this.limit(fn);
  }

  /** Remove the key and other configured secrets from a text. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /**
   * Ask the judge, waiting for a concurrency slot first; retries inside the slot (backpressure on 429s).
   * Once the judge has refused the key (401/403) or stayed unreachable for several requests in a row, every
   * further call fails at once with that reason: a dead judge must not hold a large run for minutes of
   * retries, and its cases error (fail) either way.
   */
  complete(request: JudgeRequest): Promise<JudgeReply> {
    return this.limit(async () => {
      if (this.fatal) throw new JudgeError(this.fatal.message, this.fatal.status);
      try {
        const reply = await this.attempt(request);
        this.unreachableStreak = 0;
        return reply;
      } catch (error) {
        const e = error as JudgeError;
        if (e.status === 401 || e.status === 403) this.fatal = e;
        else if (e.status === undefined && /Connection error|timed out|gave up/.test(e.message)) {
          if (++this.unreachableStreak >= UNREACHABLE_AFTER)
            this.fatal = new JudgeError(
              `judge unreachable (${UNREACHABLE_AFTER} requests failed in a row): ${e.message}`,
            );
        }
        throw error;
      }
    });
  }

  private async attempt(request: JudgeRequest): Promise<JudgeReply> {
    for (let attempt = 0; ; attempt++) {
      this.requests++;
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      let failure: { status?: number; message: string; retryAfterMs?: number; retryable: boolean };
      try {
        const reply =
          request.api === 'responses' ? await this.callResponses(request) : await this.callChat(request);
        return { ...reply, attempts: attempt + 1 };
      } catch (error) {
        if (error instanceof JudgeError) throw error;
        failure = describeFailure(error, error instanceof this.connectionError);
      } finally {
        this.inFlight--;
      }
      const wait =
        failure.retryable && attempt < this.policy.maxRetries
          ? retryDelay(attempt, failure.retryAfterMs, this.policy)
          : undefined;
      if (wait === undefined) {
        const tooLong =
          failure.retryable &&
          failure.retryAfterMs !== undefined &&
          failure.retryAfterMs > this.policy.maxRetryWaitMs
            ? ` (the server asked to retry after ${Math.round(failure.retryAfterMs / 1000)} s, longer than judge.max_retry_wait_ms)`
            : failure.retryable
              ? ` (gave up after ${attempt + 1} attempt${attempt ? 's' : ''})`
              : '';
        throw new JudgeError(
          this.redact(`judge request failed: ${failure.message}${tooLong}`),
          failure.status,
        );
      }
      this.retries++;
      await this.sleep(wait);
    }
  }

  private async callChat(request: JudgeRequest): Promise<Omit<JudgeReply, 'attempts'>> {
    const reasoning = isReasoningModel(request.model);
    const completion = await this.openai.chat.completions.create({
      model: request.model,
      messages: request.messages,
      tools: [
        {
          type: 'function',
          function: {
            name: request.tool.name,
            description: request.tool.description,
            parameters: request.tool.parameters,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: request.tool.name } },
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined
        ? reasoning
          ? { max_completion_tokens: request.maxTokens }
          : { max_tokens: request.maxTokens }
        : {}),
    });
    const message = completion.choices?.[0]?.message;
    const call = message?.tool_calls?.find(
      (c) => c.type === 'function' && c.function.name === request.tool.name,
    );
    if (!call || call.type !== 'function') {
      const said = typeof message?.content === 'string' ? `: "${message.content.slice(0, 200)}"` : '';
      throw new JudgeError(this.redact(`the judge answered without calling ${request.tool.name}${said}`));
    }
    return {
      arguments: this.parseArguments(call.function.arguments, request.tool.name),
      usage: {
        input_tokens: completion.usage?.prompt_tokens ?? 0,
        output_tokens: completion.usage?.completion_tokens ?? 0,
      },
      model: completion.model ?? request.model,
    };
  }

  private async callResponses(request: JudgeRequest): Promise<Omit<JudgeReply, 'attempts'>> {
    const response = await this.openai.responses.create({
      model: request.model,
      input: request.messages.map((m) => ({ role: m.role, content: m.content })),
      tools: [
        {
          type: 'function',
          name: request.tool.name,
          description: request.tool.description,
          parameters: request.tool.parameters,
          strict: false,
        },
      ],
      tool_choice: { type: 'function', name: request.tool.name },
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.maxTokens !== undefined ? { max_output_tokens: request.maxTokens } : {}),
    });
    const call = (response.output ?? []).find(
      (item) => item.type === 'function_call' && item.name === request.tool.name,
    );
    if (!call || call.type !== 'function_call') {
      throw new JudgeError(
        `the judge answered without calling ${request.tool.name} (no function_call output)`,
      );
    }
    return {
      arguments: this.parseArguments(call.arguments, request.tool.name),
      usage: {
        input_tokens: response.usage?.input_tokens ?? 0,
        output_tokens: response.usage?.output_tokens ?? 0,
      },
      model: response.model ?? request.model,
    };
  }

  private parseArguments(text: unknown, tool: string): Record<string, unknown> {
    let value: unknown;
    try {
      value = typeof text === 'string' ? JSON.parse(text) : text;
    } catch (error) {
      throw new JudgeError(
        this.redact(
          `the judge's ${tool} arguments are not JSON (${(error as Error).message}): ${String(text).slice(0, 200)}`,
        ),
      );
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new JudgeError(
        this.redact(`the judge's ${tool} arguments are not an object: ${String(text).slice(0, 200)}`),
      );
    return value as Record<string, unknown>;
  }
}

/** Requests that must fail in a row, each after its retries, before the judge counts as unreachable. */
const UNREACHABLE_AFTER = 3;

/** Reasoning models reject `temperature` and take `max_completion_tokens`. */
export function isReasoningModel(model: string): boolean {
  return /^(o\d|gpt-5)/.test(model);
}

/**
 * The API a model needs when the config says `auto`: the responses API for models served only there (the
 * `-pro` reasoning models, codex and computer-use models); chat completions, which every OpenAI-compatible
 * server speaks, for everything else.
 */
export function apiForModel(model: string, configured: 'auto' | JudgeApi): JudgeApi {
  if (configured !== 'auto') return configured;
  return /^(o\d+-pro|gpt-5(\.\d+)?-pro|codex-|gpt-5(\.\d+)?-codex|computer-use)/.test(model)
    ? 'responses'
    : 'chat';
}

/** Status, retry hint and a message from whatever the openai client threw. */
function describeFailure(
  error: unknown,
  connection: boolean,
): {
  status?: number;
  message: string;
  retryAfterMs?: number;
  retryable: boolean;
} {
  const e = error as {
    status?: unknown;
    headers?: { get(name: string): string | null };
    message?: unknown;
    name?: string;
  };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const message = typeof e?.message === 'string' && e.message ? e.message : String(error);
  // No HTTP status: a timeout, a refused or dropped connection. Worth another try.
  if (status === undefined) return { message, retryable: connection };
  return {
    status,
    message,
    retryAfterMs: parseRetryAfter(e.headers),
    retryable: isRetryableStatus(status),
  };
}
