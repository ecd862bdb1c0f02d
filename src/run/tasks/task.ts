import { z } from 'zod';
import type { RegressionCase } from '../../cases/regression-case.js';

/** What the application under test returned for one case. */
export interface TaskResult {
  output: unknown;
  tool_calls?: Array<{ name: string; arguments?: unknown; [key: string]: unknown }>;
  retrieved?: Array<{ id: string; text?: string; score?: number; [key: string]: unknown }>;
  usage?: { input_tokens?: number; output_tokens?: number; cost_usd?: number };
  metadata?: Record<string, unknown>;
}

/** What a task call gets besides the case: `signal` aborts when the case times out. */
export interface TaskCallContext {
  readonly signal: AbortSignal;
}

/** A way to call the application: one `run` per case; `close` releases processes and sockets. */
export interface Task {
  /** The spec string, for reports. */
  spec: string;
  run(input: unknown, testCase: RegressionCase, context: TaskCallContext): Promise<TaskResult>;
  close(): Promise<void>;
  /**
   * Set once the task is known never to work (a `cmd:` program that cannot be started): the run stops
   * and exits 2 with this error, rather than erroring every case.
   */
  readonly fatal?: Error;
}

/** A case the task could not produce a result for (threw, timed out, died, returned garbage). */
export class TaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskError';
  }
}

const taskResultSchema = z
  .object({
    output: z.unknown(),
    tool_calls: z
      .array(z.object({ name: z.string(), arguments: z.unknown().optional() }).passthrough())
      .optional(),
    retrieved: z
      .array(
        z.object({ id: z.string(), text: z.string().optional(), score: z.number().optional() }).passthrough(),
      )
      .optional(),
    usage: z
      .object({
        input_tokens: z.number().optional(),
        output_tokens: z.number().optional(),
        cost_usd: z.number().optional(),
      })
      .passthrough()
      .optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/**
 * Turn whatever the task returned into a TaskResult: an object with an `output` key is a TaskResult
 * (validated), anything else is a bare output. `undefined` is garbage: the task forgot to return.
 */
export function normaliseTaskResult(value: unknown): TaskResult {
  if (value === undefined) throw new TaskError('task returned nothing (undefined)');
  if (value && typeof value === 'object' && !Array.isArray(value) && 'output' in value) {
    const parsed = taskResultSchema.safeParse(value);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new TaskError(`task returned a malformed TaskResult: ${first.path.join('.')}: ${first.message}`);
    }
    return parsed.data as TaskResult;
  }
  return { output: value };
}

/**
 * A TaskCallContext whose AbortController is created only when a task reads `signal`: an AbortController
 * costs several microseconds, more than the rest of the runner's per-case overhead, and most module tasks
 * never look at it.
 */
export class LazyAbortContext implements TaskCallContext {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;
  private listener: ((reason: unknown) => void) | undefined;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
    this.listener?.(reason);
  }

  /**
   * Call `listener` when the call is aborted, without creating an AbortController (for tasks that forward
   * the abort elsewhere, e.g. to a worker thread). One listener; a later call replaces it.
   */
  onAbort(listener: (reason: unknown) => void): void {
    if (this.aborted) listener(this.reason);
    else this.listener = listener;
  }
}
