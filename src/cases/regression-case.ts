import { z } from 'zod';

/** The five failure modes tracegate knows out of the box; users may add their own kebab-case ids. */
export const BUILTIN_FAILURE_MODES = [
  'hallucination',
  'retrieval-miss',
  'tool-argument-error',
  'instruction-follow-failure',
  'format-violation',
] as const;

export type BuiltinFailureMode = (typeof BUILTIN_FAILURE_MODES)[number];

/** A failure-mode id: one of the built-ins or a custom kebab-case id. */
export const failureModeSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case id such as "format-violation"');

/** Where a case came from: a Braintrust-style object reference, plus an optional direct URL. */
export const originSchema = z
  .object({
    object_type: z.string().optional(),
    object_id: z.string().optional(),
    id: z.string().optional(),
    span_id: z.string().optional(),
    url: z.string().optional(),
  })
  .passthrough();

/** One tool call as the application made it. `arguments` may be a JSON string (OpenAI style) or an object. */
export const toolCallSchema = z
  .object({
    name: z.string(),
    arguments: z.unknown().optional(),
    result: z.unknown().optional(),
    error: z.unknown().optional(),
    id: z.string().optional(),
  })
  .passthrough();

/** One retrieved chunk, in rank order. */
export const retrievedChunkSchema = z
  .object({
    id: z.string(),
    text: z.string().optional(),
    score: z.number().optional(),
  })
  .passthrough();

export const caseContextSchema = z
  .object({
    retrieved: z.array(retrievedChunkSchema).optional(),
    tools: z.array(z.unknown()).optional(),
    tool_calls: z.array(toolCallSchema).optional(),
    system_prompt: z.string().optional(),
  })
  .passthrough();

export const caseMetadataSchema = z
  .object({
    failure_mode: failureModeSchema,
    source_span_id: z.string().optional(),
    related_span_ids: z.array(z.string()).optional(),
    timestamp: z.string().optional(),
    prompt_version: z.string().optional(),
    model_version: z.string().optional(),
    review_status: z.enum(['pending', 'approved', 'rejected']).optional(),
    signature: z.string().optional(),
    kind: z.enum(['failure', 'golden']).optional(),
  })
  .passthrough();

/**
 * One regression dataset row (one JSONL line). A superset of Braintrust's dataset record
 * (`id`, `input`, `expected`, `metadata`, `tags`, `origin`), so rows sync to Braintrust unchanged.
 */
export const regressionCaseSchema = z
  .object({
    id: z.string().min(1),
    input: z.unknown().refine((v) => v !== undefined, 'is required'),
    expected: z.unknown().optional(),
    context: caseContextSchema.optional(),
    output: z.unknown().optional(),
    origin: originSchema.optional(),
    metadata: caseMetadataSchema,
    tags: z.array(z.string()).optional(),
  })
  .passthrough();

export type RegressionCase = z.infer<typeof regressionCaseSchema>;
export type CaseOrigin = z.infer<typeof originSchema>;
export type ToolCall = z.infer<typeof toolCallSchema>;
export type RetrievedChunk = z.infer<typeof retrievedChunkSchema>;

/** A validated case together with where it was read from (for file:line messages and annotations). */
export interface LoadedCase {
  case: RegressionCase;
  /** Dataset path relative to the working directory, with forward slashes. */
  dataset: string;
  /** 1-based line number in the dataset file. */
  line: number;
  /** sha256 of the row's canonical JSON: a baseline result counts for this case only when it matches. */
  hash: string;
}
