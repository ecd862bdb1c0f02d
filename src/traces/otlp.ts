import { isRecord, maybeJson, toIso, type Feedback, type SpanKind } from './trace.js';
import {
  contentText,
  looksLikeRetrieval,
  normaliseDocuments,
  normaliseMessages,
  parseArguments,
  type ChatMessage,
  type SourceSpan,
} from './build.js';
import { responseSchema } from './braintrust.js';

/**
 * OTLP/JSON (`resourceSpans → scopeSpans → spans`, and `resourceLogs → scopeLogs → logRecords` for the
 * GenAI events that instrumentations emit as logs), mapped with both the OpenTelemetry GenAI semantic
 * conventions (`gen_ai.*`) and the OpenInference conventions (`llm.*`, `tool.*`, `retrieval.documents.*`,
 * `input.value` / `output.value`).
 */

/** An OTLP span or log record together with the resource and scope it was exported under. */
export type OtlpPiece =
  | {
      type: 'span';
      span: Record<string, unknown>;
      resource?: Record<string, unknown>;
      scope?: string;
      position: string;
    }
  | { type: 'log'; log: Record<string, unknown>; position: string };

/** Decode an OTLP AnyValue (camelCase per the OTLP/JSON spec, or snake_case from protobuf JSON). */
export function anyValue(v: unknown): unknown {
  if (!isRecord(v)) return v;
  const pick = (camel: string, snake: string) => (camel in v ? v[camel] : v[snake]);
  if ('stringValue' in v || 'string_value' in v) return pick('stringValue', 'string_value');
  if ('intValue' in v || 'int_value' in v) return Number(pick('intValue', 'int_value'));
  if ('doubleValue' in v || 'double_value' in v) return Number(pick('doubleValue', 'double_value'));
  if ('boolValue' in v || 'bool_value' in v) return Boolean(pick('boolValue', 'bool_value'));
  if ('arrayValue' in v || 'array_value' in v) {
    const a = pick('arrayValue', 'array_value');
    return isRecord(a) && Array.isArray(a.values) ? a.values.map(anyValue) : [];
  }
  if ('kvlistValue' in v || 'kvlist_value' in v) {
    const kv = pick('kvlistValue', 'kvlist_value');
    return isRecord(kv) && Array.isArray(kv.values) ? attributes(kv.values) : {};
  }
  if ('bytesValue' in v || 'bytes_value' in v) return pick('bytesValue', 'bytes_value');
  return undefined;
}

/** `[{key, value: AnyValue}]` → a plain object. */
export function attributes(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) if (isRecord(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  return out;
}

/** Trace and span ids: hex per the OTLP/JSON spec; base64 (protobuf JSON) is converted to hex. */
export function otlpId(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value) return undefined;
  if (/^[0-9a-f]+$/i.test(value) && (value.length === 32 || value.length === 16)) return value.toLowerCase();
  if (/^[A-Za-z0-9+/]+=*$/.test(value) && (value.length === 24 || value.length === 12)) {
    const hex = Buffer.from(value, 'base64').toString('hex');
    if (hex.length === 32 || hex.length === 16) return hex;
  }
  return value.toLowerCase();
}

/** Is this value an OTLP export request (traces or logs)? */
export function isOtlpRequest(value: unknown): value is Record<string, unknown> {
  return (
    isRecord(value) &&
    ['resourceSpans', 'resource_spans', 'resourceLogs', 'resource_logs'].some((k) => Array.isArray(value[k]))
  );
}

/** Every span and log record of one whole OTLP export request, with positions relative to `base`. */
export function* piecesOfRequest(request: Record<string, unknown>, base: string): Generator<OtlpPiece> {
  const resourceSpans = (request.resourceSpans ?? request.resource_spans) as unknown[] | undefined;
  for (const [i, rs] of (resourceSpans ?? []).entries()) {
    if (!isRecord(rs)) continue;
    const resource = isRecord(rs.resource) ? attributes(rs.resource.attributes) : undefined;
    const scopes = (rs.scopeSpans ?? rs.scope_spans ?? rs.instrumentationLibrarySpans ?? []) as unknown[];
    for (const [j, ss] of scopes.entries()) {
      if (!isRecord(ss)) continue;
      const scopeRecord = (ss.scope ?? ss.instrumentationLibrary) as Record<string, unknown> | undefined;
      const scope =
        isRecord(scopeRecord) && typeof scopeRecord.name === 'string' ? scopeRecord.name : undefined;
      for (const [k, span] of ((ss.spans ?? []) as unknown[]).entries()) {
        const position = `${base} resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`;
        if (isRecord(span)) yield { type: 'span', span, resource, scope, position };
        else yield { type: 'span', span: {}, position };
      }
    }
  }
  const resourceLogs = (request.resourceLogs ?? request.resource_logs) as unknown[] | undefined;
  for (const [i, rl] of (resourceLogs ?? []).entries()) {
    if (!isRecord(rl)) continue;
    for (const [j, sl] of ((rl.scopeLogs ?? rl.scope_logs ?? []) as unknown[]).entries()) {
      if (!isRecord(sl)) continue;
      for (const [k, log] of ((sl.logRecords ?? sl.log_records ?? []) as unknown[]).entries()) {
        if (isRecord(log))
          yield { type: 'log', log, position: `${base} resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}]` };
      }
    }
  }
}

/** The trace id and span id a piece belongs to (undefined: not usable). */
export function pieceIds(piece: OtlpPiece): { traceId?: string; spanId?: string; parentId?: string } {
  const r = piece.type === 'span' ? piece.span : piece.log;
  return {
    traceId: otlpId(r.traceId ?? r.trace_id),
    spanId: otlpId(r.spanId ?? r.span_id),
    parentId:
      piece.type === 'span' ? otlpId(piece.span.parentSpanId ?? piece.span.parent_span_id) : undefined,
  };
}

interface GenAiEvent {
  name: string;
  time?: string;
  payload: Record<string, unknown>;
}

/** Span events and log records carry GenAI events; their content sits in the body (logs) or attributes. */
function eventOf(name: string, time: unknown, attrs: Record<string, unknown>, body: unknown): GenAiEvent {
  let payload: Record<string, unknown> = isRecord(body) ? { ...attrs, ...body } : { ...attrs };
  if (typeof body === 'string') payload.content = body;
  const content = payload['gen_ai.event.content'];
  if (typeof content === 'string') {
    const parsed = maybeJson(content);
    if (isRecord(parsed)) payload = { ...payload, ...parsed };
  }
  return { name, time: toIso(time), payload };
}

/** Group values of indexed flat attributes: `llm.input_messages.0.message.role` → [{message: {role}}]. */
export function unflatten(attrs: Record<string, unknown>, prefix: string): unknown[] | undefined {
  const root: Record<string, unknown> = {};
  let found = false;
  const head = prefix + '.';
  for (const key in attrs) {
    if (!key.startsWith(head)) continue;
    const value = attrs[key];
    found = true;
    const parts = key.slice(head.length).split('.');
    let node: Record<string, unknown> = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    }
  }
  if (!found) return undefined;
  return toArrays(root) as unknown[];
}

function toArrays(node: unknown): unknown {
  if (!isRecord(node)) return node;
  const keys = Object.keys(node);
  const converted: Record<string, unknown> = {};
  for (const k of keys) converted[k] = toArrays(node[k]);
  if (keys.length && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => converted[k]);
  }
  return converted;
}

/** OpenInference messages: `[{message: {role, content, contents: [...], tool_calls: [{tool_call: {...}}]}}]`. */
function openInferenceMessages(list: unknown[] | undefined): ChatMessage[] | undefined {
  if (!list) return undefined;
  return normaliseMessages(
    list.map((entry) => {
      const m = isRecord(entry) && isRecord(entry.message) ? entry.message : isRecord(entry) ? entry : {};
      const contents = Array.isArray(m.contents)
        ? m.contents.map((c) => (isRecord(c) && isRecord(c.message_content) ? c.message_content : c))
        : undefined;
      const toolCalls = Array.isArray(m.tool_calls)
        ? m.tool_calls.map((t) => {
            const call = isRecord(t) && isRecord(t.tool_call) ? t.tool_call : isRecord(t) ? t : {};
            return { id: call.id, function: call.function };
          })
        : undefined;
      return {
        role: m.role,
        content: m.content ?? contents,
        tool_calls: toolCalls,
        tool_call_id: m.tool_call_id,
        name: m.name,
      };
    }),
  );
}

const PROMPT_VERSION_KEYS = [
  'prompt.version',
  'prompt_version',
  'gen_ai.prompt.version',
  'llm.prompt_template.version',
  'app.prompt_version',
];
const FEATURE_FLAG_KEYS = ['feature_flags', 'app.feature_flags'];

/** Map one OTLP span (plus the GenAI log records that point at it) to a SourceSpan. */
export function otlpSpan(
  piece: Extract<OtlpPiece, { type: 'span' }>,
  logs: Array<Extract<OtlpPiece, { type: 'log' }>>,
): SourceSpan {
  const s = piece.span;
  const a = attributes(s.attributes);
  const spanId = otlpId(s.spanId ?? s.span_id) as string;
  const parent = otlpId(s.parentSpanId ?? s.parent_span_id);
  const name = typeof s.name === 'string' ? s.name : undefined;
  const op =
    typeof a['gen_ai.operation.name'] === 'string' ? (a['gen_ai.operation.name'] as string) : undefined;
  const oiKind =
    typeof a['openinference.span.kind'] === 'string'
      ? (a['openinference.span.kind'] as string).toUpperCase()
      : undefined;

  const inputValue = a['input.value'] !== undefined ? maybeJson(a['input.value']) : undefined;
  const outputValue = a['output.value'] !== undefined ? maybeJson(a['output.value']) : undefined;
  const oiDocs = unflatten(a, 'retrieval.documents');
  let documents = oiDocs ? normaliseDocuments(oiDocs) : undefined;
  if (!documents && a['gen_ai.retrieval.documents'] !== undefined)
    documents = normaliseDocuments(maybeJson(a['gen_ai.retrieval.documents']));

  let kind: SpanKind = 'other';
  if (oiKind === 'LLM' || ['chat', 'text_completion', 'generate_content'].includes(op ?? '')) kind = 'llm';
  else if (oiKind === 'TOOL' || op === 'execute_tool') kind = 'tool';
  else if (oiKind === 'RETRIEVER' || oiKind === 'RERANKER' || op === 'retrieval' || documents)
    kind = 'retrieval';
  else if (oiKind === 'CHAIN' || oiKind === 'AGENT' || op === 'invoke_agent') kind = 'function';
  else if (a['gen_ai.request.model'] !== undefined && op !== 'embeddings') kind = 'llm';
  if (kind === 'retrieval' && !documents) documents = normaliseDocuments(outputValue) ?? [];
  if (kind === 'other' && looksLikeRetrieval(name)) {
    const docs = normaliseDocuments(outputValue);
    if (docs) {
      kind = 'retrieval';
      documents = docs;
    }
  }

  const span: SourceSpan = {
    span_id: spanId,
    kind,
    start_time: toIso(s.startTimeUnixNano ?? s.start_time_unix_nano),
    end_time: toIso(s.endTimeUnixNano ?? s.end_time_unix_nano),
  };
  if (parent) span.parent_span_id = parent;
  if (name) span.name = name;

  // Events: span events and log records, in time order.
  const events: GenAiEvent[] = [];
  for (const e of Array.isArray(s.events) ? s.events : []) {
    if (!isRecord(e)) continue;
    const attrs = attributes(e.attributes);
    events.push(
      eventOf(
        String(e.name ?? attrs['event.name'] ?? ''),
        e.timeUnixNano ?? e.time_unix_nano,
        attrs,
        undefined,
      ),
    );
  }
  for (const l of logs) {
    const attrs = attributes(l.log.attributes);
    const eventName = l.log.eventName ?? l.log.event_name ?? attrs['event.name'];
    events.push(
      eventOf(
        String(eventName ?? ''),
        l.log.timeUnixNano ?? l.log.observedTimeUnixNano,
        attrs,
        anyValue(l.log.body),
      ),
    );
  }
  events.sort((x, y) => (x.time ?? '').localeCompare(y.time ?? ''));

  // Errors: status ERROR (code 2), error.type, or an exception event.
  const status = isRecord(s.status) ? s.status : {};
  const exception = events.find((e) => e.name === 'exception');
  const isError =
    status.code === 2 || status.code === 'STATUS_CODE_ERROR' || a['error.type'] !== undefined || !!exception;
  if (isError) {
    const message =
      (typeof status.message === 'string' && status.message) ||
      (exception && typeof exception.payload['exception.message'] === 'string'
        ? (exception.payload['exception.message'] as string)
        : '') ||
      (typeof a['error.type'] === 'string' ? (a['error.type'] as string) : '') ||
      'error';
    span.error = message;
  }

  const model = a['gen_ai.response.model'] ?? a['gen_ai.request.model'] ?? a['llm.model_name'];
  if (typeof model === 'string') span.model = model;
  const usage: NonNullable<SourceSpan['usage']> = {};
  const num = (...keys: string[]) =>
    keys.map((k) => a[k]).find((v) => typeof v === 'number') as number | undefined;
  const inTok = num('gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt');
  const outTok = num(
    'gen_ai.usage.output_tokens',
    'gen_ai.usage.completion_tokens',
    'llm.token_count.completion',
  );
  const totTok = num('llm.token_count.total', 'gen_ai.usage.total_tokens');
  if (inTok !== undefined) usage.input_tokens = inTok;
  if (outTok !== undefined) usage.output_tokens = outTok;
  if (totTok !== undefined) usage.total_tokens = totTok;
  if (Object.keys(usage).length) span.usage = usage;

  if (kind === 'llm') llmDetails(span, a, events, inputValue, outputValue);
  else if (kind === 'tool') {
    const toolName = a['gen_ai.tool.name'] ?? a['tool.name'] ?? name;
    const args = a['gen_ai.tool.call.arguments'] ?? a['tool_call.function.arguments'] ?? a['input.value'];
    const result = a['gen_ai.tool.call.result'] ?? a['output.value'];
    span.tool = { name: String(toolName ?? 'tool') };
    const id = a['gen_ai.tool.call.id'] ?? a['tool_call.id'];
    if (typeof id === 'string') span.tool.id = id;
    if (args !== undefined) span.tool.arguments = parseArguments(args);
    if (result !== undefined) span.tool.result = maybeJson(result);
    if (span.error) span.tool.error = span.error;
  } else if (kind === 'retrieval') {
    span.documents = documents ?? [];
    if (inputValue !== undefined) span.input = inputValue;
  } else {
    if (inputValue !== undefined) span.input = inputValue;
    if (outputValue !== undefined) span.output = outputValue;
  }

  const pv = PROMPT_VERSION_KEYS.map((k) => a[k]).find((v) => typeof v === 'string' || typeof v === 'number');
  if (pv !== undefined) span.prompt_version = String(pv);
  const flags: Record<string, unknown> = {};
  for (const k of FEATURE_FLAG_KEYS) {
    const v = maybeJson(a[k]);
    if (isRecord(v)) Object.assign(flags, v);
  }
  for (const [k, v] of Object.entries(a))
    if (k.startsWith('feature_flag.') && k !== 'feature_flag.key') flags[k.slice(13)] = v;
  for (const e of events) {
    if (e.name === 'feature_flag' || e.name === 'feature_flag.evaluation') {
      const key = e.payload['feature_flag.key'];
      const value =
        e.payload['feature_flag.result.variant'] ??
        e.payload['feature_flag.result.value'] ??
        e.payload['feature_flag.variant'];
      if (typeof key === 'string') flags[key] = value;
    }
  }
  if (Object.keys(flags).length) span.feature_flags = flags;

  const metadata: Record<string, unknown> = {};
  const oiMeta = maybeJson(a['metadata']);
  if (isRecord(oiMeta)) Object.assign(metadata, oiMeta);
  for (const k of [
    'user.id',
    'session.id',
    'gen_ai.conversation.id',
    'gen_ai.system',
    'gen_ai.provider.name',
  ]) {
    if (a[k] !== undefined) metadata[k] = a[k];
  }
  if (piece.resource) {
    for (const k of [
      'service.name',
      'service.version',
      'deployment.environment',
      'deployment.environment.name',
    ]) {
      if (piece.resource[k] !== undefined) metadata[k] = piece.resource[k];
    }
  }
  if (piece.scope) metadata['otel.scope'] = piece.scope;
  if (Object.keys(metadata).length) span.metadata = metadata;
  const tags = a['tag.tags'];
  if (Array.isArray(tags)) span.tags = tags.map(String);

  const scores: Record<string, number | null> = {};
  const feedback: Feedback[] = [];
  for (const [k, v] of Object.entries(a)) {
    const m = /^(?:tracegate\.)?(feedback|score)\.(.+)$/.exec(k);
    if (!m) continue;
    if (m[1] === 'score' && typeof v === 'number') scores[m[2]] = v;
    if (m[1] === 'feedback' && (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')) {
      feedback.push({ name: m[2], value: v, source: 'otlp' });
    }
  }
  if (Object.keys(scores).length) span.scores = scores;
  if (feedback.length) span.feedback = feedback;
  return span;
}

/** The conversation, system prompt, tool definitions and output schema of a model call. */
function llmDetails(
  span: SourceSpan,
  a: Record<string, unknown>,
  events: GenAiEvent[],
  inputValue: unknown,
  outputValue: unknown,
): void {
  // 1. GenAI attributes (gen_ai.input.messages / gen_ai.output.messages / gen_ai.system_instructions).
  let input = normaliseMessages(maybeJson(a['gen_ai.input.messages']));
  let output = normaliseMessages(maybeJson(a['gen_ai.output.messages']));
  const instructions = maybeJson(a['gen_ai.system_instructions']);
  if (instructions !== undefined) span.system_prompt = contentText(instructions);

  // 2. OpenInference flattened messages.
  input ??= openInferenceMessages(unflatten(a, 'llm.input_messages'));
  output ??= openInferenceMessages(unflatten(a, 'llm.output_messages'));

  // 3. Older flattened GenAI attributes (gen_ai.prompt.N.role / gen_ai.completion.N.content).
  input ??= normaliseMessages(unflatten(a, 'gen_ai.prompt'));
  output ??= normaliseMessages(unflatten(a, 'gen_ai.completion'));

  // 4. GenAI events (span events or log records).
  const eventInput: ChatMessage[] = [];
  const eventOutput: ChatMessage[] = [];
  for (const e of events) {
    const p = e.payload;
    const role = /^gen_ai\.(system|user|assistant|tool)\.message$/.exec(e.name)?.[1];
    if (role) {
      const msgs = normaliseMessages([
        { role, content: p.content, tool_calls: p.tool_calls, tool_call_id: p.id ?? p.tool_call_id },
      ]);
      if (msgs) eventInput.push(...msgs);
    } else if (e.name === 'gen_ai.choice') {
      const message = isRecord(p.message) ? p.message : p;
      const msgs = normaliseMessages([
        { role: message.role ?? 'assistant', content: message.content, tool_calls: message.tool_calls },
      ]);
      if (msgs) eventOutput.push(...msgs);
    } else if (e.name === 'gen_ai.client.inference.operation.details') {
      input ??= normaliseMessages(maybeJson(p['gen_ai.input.messages']));
      output ??= normaliseMessages(maybeJson(p['gen_ai.output.messages']));
      const sys = maybeJson(p['gen_ai.system_instructions']);
      if (sys !== undefined && !span.system_prompt) span.system_prompt = contentText(sys);
    }
  }
  if (!input && eventInput.length) input = eventInput;
  if (!output && eventOutput.length) output = eventOutput;

  // 5. OpenInference input.value / output.value holding the raw request / response.
  if (!input && isRecord(inputValue) && Array.isArray(inputValue.messages))
    input = normaliseMessages(inputValue.messages);
  if (!output && isRecord(outputValue) && Array.isArray(outputValue.choices))
    output = normaliseMessages(outputValue.choices);

  if (input) span.input_messages = input;
  if (output) span.output_messages = output;
  span.system_prompt ??= contentText(input?.find((m) => m.role === 'system')?.content);
  if (inputValue !== undefined) span.input = inputValue;
  if (outputValue !== undefined) span.output = outputValue;

  // Tool definitions and the requested output schema.
  const defs = maybeJson(a['gen_ai.tool.definitions']);
  if (Array.isArray(defs)) span.tool_definitions = defs;
  const oiTools = unflatten(a, 'llm.tools');
  if (oiTools) {
    span.tool_definitions = oiTools
      .map((t) => (isRecord(t) && isRecord(t.tool) ? maybeJson(t.tool.json_schema) : undefined))
      .filter((t) => t !== undefined);
  }
  const params = maybeJson(a['llm.invocation_parameters']);
  const requestTools = isRecord(inputValue) && Array.isArray(inputValue.tools) ? inputValue.tools : undefined;
  if (!span.tool_definitions?.length && requestTools) span.tool_definitions = requestTools;
  const format =
    (isRecord(params) ? params.response_format : undefined) ??
    (isRecord(inputValue) ? inputValue.response_format : undefined);
  const schema = responseSchema(format);
  if (schema !== undefined) span.response_schema = schema;
  else if (a['gen_ai.output.type'] === 'json') span.response_schema = { type: 'object' };
}
