import { asText, isRecord, maybeJson, toIso, type Feedback, type SpanKind } from './trace.js';
import {
  looksLikeRetrieval,
  normaliseDocuments,
  normaliseMessages,
  parseArguments,
  type SourceSpan,
} from './build.js';
import { responseSchema } from './braintrust.js';

/**
 * Langfuse exports: a trace as the public API returns it (`GET /api/public/traces/{id}`: the trace with
 * `observations` and `scores` inlined), a list of those (`{data: [...]}` or an array), or bare observations
 * (`{id, traceId, type: GENERATION|SPAN|EVENT|TOOL|RETRIEVER|…, parentObservationId, …}`) grouped by trace.
 */

const OBSERVATION_TYPES = new Set([
  'GENERATION',
  'SPAN',
  'EVENT',
  'TOOL',
  'RETRIEVER',
  'AGENT',
  'CHAIN',
  'EMBEDDING',
  'EVALUATOR',
  'GUARDRAIL',
]);

export function isLangfuseObservation(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    typeof value.traceId === 'string' &&
    typeof value.type === 'string' &&
    OBSERVATION_TYPES.has(value.type)
  );
}

export function isLangfuseTrace(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    !('span_id' in value) &&
    (Array.isArray(value.observations) ||
      ('timestamp' in value && ('projectId' in value || 'htmlPath' in value || 'sessionId' in value)))
  );
}

const FEEDBACK_NAME = /feedback|thumb|rating|user|human|csat/i;

function scoresOf(list: unknown): { scores: Record<string, number | null>; feedback: Feedback[] } {
  const scores: Record<string, number | null> = {};
  const feedback: Feedback[] = [];
  for (const s of Array.isArray(list) ? list : []) {
    if (!isRecord(s) || typeof s.name !== 'string') continue;
    const value =
      typeof s.value === 'number' ? s.value : typeof s.stringValue === 'string' ? s.stringValue : null;
    if (typeof value === 'number') scores[s.name] = value;
    if (
      s.source === 'ANNOTATION' ||
      (s.source === 'API' && FEEDBACK_NAME.test(s.name)) ||
      FEEDBACK_NAME.test(s.name)
    ) {
      const entry: Feedback = {
        name: s.name,
        value,
        source: `langfuse:${String(s.source ?? 'API').toLowerCase()}`,
      };
      if (typeof s.comment === 'string' && s.comment) entry.comment = s.comment;
      feedback.push(entry);
    }
  }
  return { scores, feedback };
}

/** The trace object itself, as the root span of the trace. */
export function langfuseTraceSpan(t: Record<string, unknown>): SourceSpan {
  const metadata = isRecord(t.metadata) ? { ...t.metadata } : {};
  for (const k of ['userId', 'sessionId', 'release', 'version', 'environment'])
    if (t[k] !== undefined && t[k] !== null) metadata[k] = t[k];
  const span: SourceSpan = {
    span_id: t.id as string,
    kind: 'task',
    start_time: toIso(t.timestamp),
    metadata,
  };
  if (typeof t.name === 'string') span.name = t.name;
  if (t.input !== undefined && t.input !== null) span.input = t.input;
  if (t.output !== undefined && t.output !== null) span.output = t.output;
  if (Array.isArray(t.tags)) span.tags = t.tags.map(String);
  const pv = metadata.prompt_version ?? t.version;
  if (typeof pv === 'string' || typeof pv === 'number') span.prompt_version = String(pv);
  const flags = metadata.feature_flags;
  if (isRecord(flags)) span.feature_flags = flags;
  if (metadata.expected !== undefined) span.expected = metadata.expected;
  Object.assign(span, scoresOf(t.scores));
  return span;
}

/** One observation → a span of the trace (its parent is the trace itself when it has no parent observation). */
export function langfuseObservationSpan(o: Record<string, unknown>): SourceSpan {
  const type = String(o.type);
  const name = typeof o.name === 'string' ? o.name : undefined;
  const metadata = isRecord(o.metadata) ? { ...o.metadata } : {};
  const documents = normaliseDocuments(o.output);
  let kind: SpanKind =
    type === 'GENERATION'
      ? 'llm'
      : type === 'TOOL'
        ? 'tool'
        : type === 'RETRIEVER'
          ? 'retrieval'
          : type === 'AGENT' || type === 'CHAIN'
            ? 'function'
            : type === 'SPAN'
              ? 'function'
              : 'other';
  if (kind === 'function' && looksLikeRetrieval(name) && documents) kind = 'retrieval';
  if (kind === 'function' && (metadata.type === 'tool' || /^tool[:.]/.test(name ?? ''))) kind = 'tool';

  const span: SourceSpan = {
    span_id: o.id as string,
    parent_span_id:
      typeof o.parentObservationId === 'string' && o.parentObservationId
        ? o.parentObservationId
        : (o.traceId as string),
    kind,
    start_time: toIso(o.startTime),
    end_time: toIso(o.endTime),
    metadata,
  };
  if (name) span.name = name;
  if (o.level === 'ERROR') span.error = asText(o.statusMessage) ?? 'error';
  if (typeof o.model === 'string') span.model = o.model;
  const usage = isRecord(o.usageDetails) ? o.usageDetails : isRecord(o.usage) ? o.usage : undefined;
  if (usage) {
    span.usage = {};
    const i = usage.input ?? usage.promptTokens ?? usage.input_tokens;
    const out = usage.output ?? usage.completionTokens ?? usage.output_tokens;
    const total = usage.total ?? usage.totalTokens;
    if (typeof i === 'number') span.usage.input_tokens = i;
    if (typeof out === 'number') span.usage.output_tokens = out;
    if (typeof total === 'number') span.usage.total_tokens = total;
    const cost = isRecord(o.costDetails) ? o.costDetails.total : o.calculatedTotalCost;
    if (typeof cost === 'number') span.usage.cost_usd = cost;
  }
  if (typeof o.promptVersion === 'number' || typeof o.promptVersion === 'string') {
    span.prompt_version = `${o.promptName ? `${o.promptName}@` : ''}${o.promptVersion}`;
  }
  if (kind === 'llm') {
    const input = isRecord(o.input) && Array.isArray(o.input.messages) ? o.input.messages : o.input;
    span.input_messages = normaliseMessages(input);
    const output = o.output;
    span.output_messages = Array.isArray(output)
      ? normaliseMessages(output)
      : isRecord(output)
        ? normaliseMessages([{ role: 'assistant', ...output }])
        : typeof output === 'string'
          ? [{ role: 'assistant', content: output }]
          : undefined;
    const params = isRecord(o.modelParameters) ? o.modelParameters : {};
    const tools =
      (isRecord(o.input) ? o.input.tools : undefined) ?? maybeJson(params.tools) ?? metadata.tools;
    if (Array.isArray(tools)) span.tool_definitions = tools;
    const schema = responseSchema(maybeJson(params.response_format) ?? metadata.response_format);
    if (schema !== undefined) span.response_schema = schema;
  } else if (kind === 'tool') {
    const toolName = name?.replace(/^tool[:.]/, '') ?? 'tool';
    span.tool = { name: toolName, arguments: parseArguments(o.input) };
    if (o.output !== undefined && o.output !== null) span.tool.result = maybeJson(o.output);
    if (span.error) span.tool.error = span.error;
    if (typeof metadata.tool_call_id === 'string') span.tool.id = metadata.tool_call_id;
  } else if (kind === 'retrieval') {
    span.documents = documents ?? [];
    span.input = o.input;
  } else {
    span.input = o.input;
    span.output = o.output;
  }
  Object.assign(span, scoresOf(o.scores));
  return span;
}
