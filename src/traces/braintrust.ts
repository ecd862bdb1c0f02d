import { asText, isRecord, maybeJson, toIso, type Feedback } from './trace.js';
import {
  looksLikeRetrieval,
  normaliseDocuments,
  normaliseMessages,
  parseArguments,
  type SourceSpan,
} from './build.js';

/** A Braintrust project-logs row: what BTQL returns (`select: *`) and what the UI's JSON/JSONL export holds. */
export function isBraintrustRow(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof value.span_id === 'string' && typeof value.root_span_id === 'string';
}

/** Score names that are user feedback rather than an automatic online score. */
const FEEDBACK_NAME = /feedback|thumb|rating|user|human|csat/i;

/** One Braintrust row → the trace id it belongs to and its normalised span. */
export function braintrustSpan(row: Record<string, unknown>): {
  traceId: string;
  isRoot: boolean;
  span: SourceSpan;
} {
  const attrs = isRecord(row.span_attributes) ? row.span_attributes : {};
  const type = typeof attrs.type === 'string' ? attrs.type : undefined;
  const name = typeof attrs.name === 'string' ? attrs.name : undefined;
  const metadata = isRecord(row.metadata) ? row.metadata : {};
  const metrics = isRecord(row.metrics) ? row.metrics : {};
  const parents = Array.isArray(row.span_parents)
    ? row.span_parents.filter((p): p is string => typeof p === 'string')
    : [];
  const spanId = row.span_id as string;
  const isRoot = spanId === row.root_span_id || parents.length === 0;
  const input = row.input;
  const output = row.output;

  const documents = normaliseDocuments(output);
  const kind =
    type === 'llm'
      ? 'llm'
      : (type === 'tool' || type === 'function') && documents && looksLikeRetrieval(name)
        ? 'retrieval'
        : type === 'tool'
          ? 'tool'
          : type === 'function' && looksLikeRetrieval(name) && documents
            ? 'retrieval'
            : type === 'function'
              ? 'function'
              : type === 'task'
                ? 'task'
                : 'other';

  const span: SourceSpan = {
    span_id: spanId,
    kind,
    start_time: toIso(metrics.start) ?? toIso(row.created),
    end_time: toIso(metrics.end),
    metadata: { ...metadata },
  };
  if (!isRoot) span.parent_span_id = parents[0];
  if (name) span.name = name;
  const error = asText(row.error);
  if (error) span.error = error;
  if (row.expected !== undefined && row.expected !== null) span.expected = row.expected;
  if (Array.isArray(row.tags)) span.tags = row.tags.filter((t): t is string => typeof t === 'string');

  if (kind === 'llm') {
    span.input_messages = normaliseMessages(
      isRecord(input) && Array.isArray(input.messages) ? input.messages : input,
    );
    span.output_messages = normaliseMessages(output);
    if (!span.output_messages && typeof output === 'string')
      span.output_messages = [{ role: 'assistant', content: output }];
    span.input = input;
    span.output = output;
    span.usage = {};
    if (typeof metrics.prompt_tokens === 'number') span.usage.input_tokens = metrics.prompt_tokens;
    if (typeof metrics.completion_tokens === 'number') span.usage.output_tokens = metrics.completion_tokens;
    if (typeof metrics.tokens === 'number') span.usage.total_tokens = metrics.tokens;
  } else if (kind === 'tool') {
    span.tool = { name: name ?? 'tool', arguments: parseArguments(input) };
    if (output !== undefined && output !== null) span.tool.result = maybeJson(output);
    if (error) span.tool.error = error;
    if (typeof metadata.tool_call_id === 'string') span.tool.id = metadata.tool_call_id;
  } else if (kind === 'retrieval') {
    span.documents = documents;
  } else {
    span.input = input;
    span.output = output;
  }

  // The model, the tools offered and the response format are read from any span's metadata: an `llm`
  // span's, and the root's, where apps that log one span per request (or wrap the call) put them.
  const model = metadata.model ?? metadata.model_version;
  if (typeof model === 'string') span.model = model;
  if (Array.isArray(metadata.tools)) span.tool_definitions = metadata.tools;
  const schema = responseSchema(metadata.response_format);
  if (schema !== undefined) span.response_schema = schema;

  const pv = metadata.prompt_version ?? (isRecord(metadata.prompt) ? metadata.prompt.version : undefined);
  if (typeof pv === 'string' || typeof pv === 'number') span.prompt_version = String(pv);
  const flags = metadata.feature_flags ?? metadata.flags;
  if (isRecord(flags)) span.feature_flags = flags;
  if (typeof metadata.system_prompt === 'string') span.system_prompt = metadata.system_prompt;

  if (isRecord(row.scores)) {
    span.scores = {};
    const feedback: Feedback[] = [];
    for (const [k, v] of Object.entries(row.scores)) {
      if (typeof v !== 'number' && v !== null) continue;
      span.scores[k] = v;
      if (FEEDBACK_NAME.test(k)) feedback.push({ name: k, value: v, source: 'braintrust' });
    }
    span.feedback = feedback;
  }
  for (const key of ['feedback', 'user_feedback']) {
    const f = metadata[key];
    if (f !== undefined && f !== null) {
      const value = isRecord(f) ? (f.value ?? f.score ?? f.rating ?? null) : f;
      const comment =
        isRecord(f) && typeof f.comment === 'string'
          ? f.comment
          : typeof row.comment === 'string'
            ? row.comment
            : undefined;
      const entry: Feedback = {
        name: key,
        value: typeof value === 'object' ? JSON.stringify(value) : (value as Feedback['value']),
      };
      if (comment) entry.comment = comment;
      (span.feedback ??= []).push(entry);
    }
  }
  return { traceId: row.root_span_id as string, isRoot, span };
}

/** The JSON Schema asked for in an OpenAI `response_format`, if any. */
export function responseSchema(format: unknown): unknown {
  if (!isRecord(format)) return undefined;
  if (isRecord(format.json_schema)) return format.json_schema.schema ?? undefined;
  if (format.type === 'json_object') return { type: 'object' };
  return undefined;
}

/** The origin of a Braintrust trace: its project's logs, the root row. */
export function braintrustSource(rows: Record<string, unknown>[]): {
  object_type: string;
  object_id: string;
  id?: string;
} {
  const root = rows.find((r) => r.span_id === r.root_span_id) ?? rows[0];
  return {
    object_type: 'project_logs',
    object_id: String(root.project_id ?? root.log_id ?? 'unknown-project'),
    id: typeof root.id === 'string' ? root.id : undefined,
  };
}
