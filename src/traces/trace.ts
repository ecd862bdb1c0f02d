import { z } from 'zod';
import { retrievedChunkSchema, toolCallSchema } from '../cases/regression-case.js';

/**
 * The one normalised shape every importer produces: a root span plus its children, with what a
 * regression case needs to reproduce the request (input, output, tool calls, retrieval in rank order,
 * system prompt, versions, flags) and what tells us it went wrong (errors, user feedback, online scores).
 */

/** The source formats tracegate imports. */
export const TRACE_FORMATS = ['braintrust', 'otlp', 'langfuse', 'jsonl'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

export const spanKindSchema = z.enum(['llm', 'tool', 'retrieval', 'function', 'task', 'other']);
export type SpanKind = z.infer<typeof spanKindSchema>;

export const usageSchema = z
  .object({
    input_tokens: z.number().optional(),
    output_tokens: z.number().optional(),
    total_tokens: z.number().optional(),
    cost_usd: z.number().optional(),
  })
  .passthrough();

/** One span of a trace, as kept after normalisation (the heavy payloads live on the trace). */
export const traceSpanSchema = z
  .object({
    span_id: z.string(),
    parent_span_id: z.string().optional(),
    name: z.string().optional(),
    kind: spanKindSchema.default('other'),
    start_time: z.string().optional(),
    end_time: z.string().optional(),
    error: z.string().optional(),
    model: z.string().optional(),
    usage: usageSchema.optional(),
  })
  .passthrough();
export type TraceSpan = z.infer<typeof traceSpanSchema>;

/**
 * One tool call: name, arguments (object, or the raw string when it is not valid JSON), result or error.
 * The dataset row's tool call plus the span it came from; a trace's error is always text.
 */
export const traceToolCallSchema = toolCallSchema.extend({
  error: z.string().optional(),
  span_id: z.string().optional(),
});
export type TraceToolCall = z.infer<typeof traceToolCallSchema>;

/** One retrieved chunk, in rank order: the dataset row's chunk plus the span it came from. */
export const traceChunkSchema = retrievedChunkSchema.extend({ span_id: z.string().optional() });
export type TraceChunk = z.infer<typeof traceChunkSchema>;

/** User feedback or an online score attached to the trace. */
export const feedbackSchema = z
  .object({
    name: z.string(),
    value: z.union([z.number(), z.string(), z.boolean(), z.null()]),
    comment: z.string().optional(),
    source: z.string().optional(),
  })
  .passthrough();
export type Feedback = z.infer<typeof feedbackSchema>;

/** Where the trace came from, for the row's `origin` and for messages. */
export const traceSourceSchema = z
  .object({
    format: z.enum(TRACE_FORMATS),
    object_type: z.string(),
    object_id: z.string(),
    id: z.string(),
    url: z.string().optional(),
  })
  .passthrough();

export const traceSchema = z
  .object({
    trace_id: z.string().min(1),
    root_span_id: z.string().min(1),
    source: traceSourceSchema,
    name: z.string().optional(),
    input: z.unknown(),
    output: z.unknown().optional(),
    /** What the right answer was, when the source recorded it (Braintrust `expected`, a reviewer's note). */
    expected: z.unknown().optional(),
    system_prompt: z.string().optional(),
    prompt_version: z.string().optional(),
    model_version: z.string().optional(),
    feature_flags: z.record(z.string(), z.unknown()).optional(),
    start_time: z.string().optional(),
    end_time: z.string().optional(),
    usage: usageSchema.optional(),
    /** Tool definitions offered to the model (OpenAI `tools` entries), with their parameter schemas. */
    tools: z.array(z.unknown()).default([]),
    /** The JSON Schema the output was asked to follow (structured output), when recorded. */
    response_schema: z.unknown().optional(),
    tool_calls: z.array(traceToolCallSchema).default([]),
    retrieved: z.array(traceChunkSchema).default([]),
    feedback: z.array(feedbackSchema).default([]),
    /** Online scores by name (0..1), e.g. from Braintrust `scores` or Langfuse scores. */
    scores: z.record(z.string(), z.number().nullable()).default({}),
    error: z.string().optional(),
    spans: z.array(traceSpanSchema).default([]),
    metadata: z.record(z.string(), z.unknown()).default({}),
    tags: z.array(z.string()).default([]),
  })
  .passthrough();

export type Trace = z.infer<typeof traceSchema>;
export type TraceSource = z.infer<typeof traceSourceSchema>;

/** One thing an importer yields: a trace, or a record it could not use (never silently dropped). */
export type ImportItem = { trace: Trace } | { skipped: { position: string; reason: string } };

/** Milliseconds since the epoch, or an ISO string, or OTLP nanoseconds (string/number) → ISO 8601. */
export function toIso(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && /^\d+$/.test(value))
    value = Number(value.length > 16 ? value.slice(0, -6) : value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    // Seconds, milliseconds, microseconds or nanoseconds since the epoch, told apart by magnitude.
    const ms = value < 1e11 ? value * 1000 : value < 1e14 ? value : value < 1e17 ? value / 1000 : value / 1e6;
    return new Date(ms).toISOString();
  }
  if (typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  return undefined;
}

/** Parse a string that may hold JSON; anything else is returned unchanged. */
export function maybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const t = value.trim();
  if (!(t.startsWith('{') || t.startsWith('[') || t.startsWith('"'))) return value;
  try {
    return JSON.parse(t);
  } catch {
    return value;
  }
}

/** A readable one-line string for any value (error messages, outputs of unknown shape). */
export function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (
    typeof value === 'object' &&
    value &&
    'message' in value &&
    typeof (value as { message: unknown }).message === 'string'
  ) {
    return (value as { message: string }).message;
  }
  return JSON.stringify(value);
}

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
