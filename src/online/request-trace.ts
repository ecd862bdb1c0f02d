import { randomBytes } from 'node:crypto';
import { isRecord, traceSchema, type Trace } from '../traces/trace.js';

/**
 * One finished request as an app hands it to the online scorer: what a regression row needs to replay it.
 * Field names follow the dataset row and TaskResult (`tool_calls`, `retrieved`).
 */
export interface OnlineRequest {
  /** The request's id (a trace id when there is one); generated when absent. */
  id?: string;
  input: unknown;
  output: unknown;
  expected?: unknown;
  tool_calls?: Array<{ name: string; arguments?: unknown; result?: unknown; error?: string; id?: string }>;
  retrieved?: Array<{ id: string; text?: string; score?: number }>;
  /** Tool definitions offered to the model (OpenAI `tools` entries). */
  tools?: unknown[];
  system_prompt?: string;
  /** The JSON Schema the output had to follow. */
  response_schema?: unknown;
  prompt_version?: string;
  model_version?: string;
  /** Anything else; `user.id` / `user_id` and `session.id` / `session_id` feed the promotion policy. */
  metadata?: Record<string, unknown>;
  /** When the request started (ISO 8601 or ms since the epoch); now when absent. */
  timestamp?: string | number;
}

/** Is this already a normalised trace (from an importer or the span processor)? */
export function isTrace(value: unknown): value is Trace {
  return (
    isRecord(value) &&
    typeof value.trace_id === 'string' &&
    typeof value.root_span_id === 'string' &&
    isRecord(value.source)
  );
}

/** A finished request as a normalised trace (source `online`), so it can be queued and promoted. */
export function requestToTrace(request: OnlineRequest): Trace {
  const id = request.id ?? randomBytes(16).toString('hex');
  const time =
    request.timestamp === undefined
      ? new Date().toISOString()
      : new Date(
          typeof request.timestamp === 'number' ? request.timestamp : Date.parse(request.timestamp),
        ).toISOString();
  return traceSchema.parse({
    trace_id: id,
    root_span_id: id,
    source: { format: 'jsonl', object_type: 'online_request', object_id: 'online', id },
    input: request.input ?? null,
    output: request.output,
    expected: request.expected,
    system_prompt: request.system_prompt,
    prompt_version: request.prompt_version,
    model_version: request.model_version,
    start_time: time,
    tools: request.tools ?? [],
    response_schema: request.response_schema,
    tool_calls: request.tool_calls ?? [],
    retrieved: request.retrieved ?? [],
    metadata: request.metadata ?? {},
  });
}
