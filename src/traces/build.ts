import {
  isRecord,
  type Feedback,
  type SpanKind,
  type Trace,
  type TraceChunk,
  type TraceSource,
  type TraceSpan,
  type TraceToolCall,
} from './trace.js';

/** A chat message as recorded: role plus text, and the tool calls an assistant message asked for. */
export interface ChatMessage {
  role: string;
  content?: unknown;
  tool_calls?: ToolRequest[];
  tool_call_id?: string;
  name?: string;
}

/** A tool call the model asked for (it may or may not have been executed in its own span). */
export interface ToolRequest {
  name: string;
  id?: string;
  arguments?: unknown;
}

/**
 * What every importer turns one source span into before the trace is built: the common denominator of
 * Braintrust rows, OTLP spans (GenAI and OpenInference conventions) and Langfuse observations.
 */
export interface SourceSpan {
  span_id: string;
  parent_span_id?: string;
  name?: string;
  kind: SpanKind;
  start_time?: string;
  end_time?: string;
  error?: string;
  model?: string;
  usage?: TraceSpan['usage'];
  input?: unknown;
  output?: unknown;
  expected?: unknown;
  input_messages?: ChatMessage[];
  output_messages?: ChatMessage[];
  system_prompt?: string;
  /** For tool spans: the call that was executed. */
  tool?: { name: string; id?: string; arguments?: unknown; result?: unknown; error?: string };
  /** For retrieval spans: the chunks, in rank order. */
  documents?: TraceChunk[];
  tool_definitions?: unknown[];
  response_schema?: unknown;
  prompt_version?: string;
  feature_flags?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  scores?: Record<string, number | null>;
  feedback?: Feedback[];
  tags?: string[];
}

/** The text of a message's content: a string, OpenAI content parts, or GenAI `parts`. */
export function contentText(content: unknown): string | undefined {
  if (content === undefined || content === null) return undefined;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    const texts = content
      .map((part) => {
        if (typeof part === 'string') return part;
        if (isRecord(part)) {
          if (typeof part.text === 'string') return part.text;
          if (typeof part.content === 'string' && (part.type === 'text' || part.type === undefined))
            return part.content;
        }
        return undefined;
      })
      .filter((t): t is string => typeof t === 'string');
    return texts.length ? texts.join('\n') : undefined;
  }
  if (isRecord(content) && typeof content.text === 'string') return content.text;
  return JSON.stringify(content);
}

/** Parse tool-call arguments recorded as a JSON string; keep the raw string when it is not valid JSON. */
export function parseArguments(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Normalise OpenAI-style messages (`tool_calls[].function.{name,arguments}`) and GenAI `parts` messages. */
export function normaliseMessages(value: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: ChatMessage[] = [];
  for (const m of value) {
    if (!isRecord(m)) continue;
    const message = isRecord(m.message) ? m.message : m; // OpenAI choices: {message: {...}}
    const role = typeof message.role === 'string' ? message.role : 'unknown';
    const msg: ChatMessage = { role };
    const requests: ToolRequest[] = [];
    if (Array.isArray(message.parts)) {
      // GenAI semantic conventions: {role, parts: [{type: 'text', content} | {type: 'tool_call', id, name, arguments}]}
      const texts: string[] = [];
      for (const part of message.parts) {
        if (!isRecord(part)) continue;
        if (part.type === 'tool_call' && typeof part.name === 'string') {
          requests.push({ name: part.name, id: str(part.id), arguments: parseArguments(part.arguments) });
        } else if (part.type === 'tool_call_response') {
          msg.tool_call_id = str(part.id);
          texts.push(typeof part.response === 'string' ? part.response : JSON.stringify(part.response));
        } else if (typeof part.content === 'string') texts.push(part.content);
      }
      if (texts.length) msg.content = texts.join('\n');
    } else if (message.content !== undefined && message.content !== null) {
      msg.content = contentText(message.content);
    }
    if (Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) {
        if (!isRecord(call)) continue;
        const fn = isRecord(call.function) ? call.function : call;
        if (typeof fn.name === 'string')
          requests.push({ name: fn.name, id: str(call.id), arguments: parseArguments(fn.arguments) });
      }
    }
    if (requests.length) msg.tool_calls = requests;
    if (typeof message.tool_call_id === 'string') msg.tool_call_id = message.tool_call_id;
    if (typeof message.name === 'string') msg.name = message.name;
    out.push(msg);
  }
  return out;
}

/** `{id, text, score}` chunks from the many shapes retrieval output takes. */
export function normaliseDocuments(value: unknown): TraceChunk[] | undefined {
  let list: unknown = value;
  if (isRecord(list)) list = list.documents ?? list.results ?? list.chunks ?? list.matches ?? list.hits;
  if (!Array.isArray(list) || list.length === 0) return Array.isArray(list) ? [] : undefined;
  const chunks: TraceChunk[] = [];
  for (const [i, d] of list.entries()) {
    if (!isRecord(d)) return undefined;
    const doc = isRecord(d.document) ? d.document : d;
    const meta = isRecord(doc.metadata) ? doc.metadata : {};
    const id =
      doc.id ?? doc.doc_id ?? doc.document_id ?? doc.chunk_id ?? meta.id ?? meta.doc_id ?? meta.source;
    if (id === undefined || id === null) return undefined;
    const text = doc.text ?? doc.content ?? doc.page_content ?? doc.pageContent ?? doc.chunk;
    const score = doc.score ?? d.score ?? doc.similarity ?? doc.relevance_score;
    const chunk: TraceChunk = { id: String(id) };
    if (typeof text === 'string') chunk.text = text;
    if (typeof score === 'number') chunk.score = score;
    else if (typeof score === 'string' && !Number.isNaN(Number(score))) chunk.score = Number(score);
    void i;
    chunks.push(chunk);
  }
  return chunks;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : undefined;
}

/** Does any name look like a retrieval step? Used where the source has no explicit retrieval span type. */
export function looksLikeRetrieval(name: string | undefined): boolean {
  return (
    !!name &&
    /retriev|vector|search_docs|search_kb|knowledge|rag\b|similarity|lookup_docs|fetch_docs/i.test(name)
  );
}

const byStart = (a: SourceSpan, b: SourceSpan) =>
  (a.start_time ?? '\uffff').localeCompare(b.start_time ?? '\uffff');

/**
 * Build the normalised trace from its spans: the root gives input, output and identity; LLM spans give
 * the system prompt, model and usage; tool spans the executed calls (with the model's unexecuted requests
 * after them); retrieval spans the chunks in rank order.
 */
export function buildTrace(
  traceId: string,
  spans: SourceSpan[],
  source: Omit<TraceSource, 'id'> & { id?: string },
): { trace: Trace; warnings: string[] } {
  const warnings: string[] = [];
  const ordered = [...spans].sort(byStart);
  const ids = new Set(ordered.map((s) => s.span_id));
  const tops = ordered.filter((s) => !s.parent_span_id || !ids.has(s.parent_span_id));
  const root = tops.find((s) => !s.parent_span_id) ?? tops[0] ?? ordered[0];
  if (root.parent_span_id)
    warnings.push(`root span ${root.parent_span_id} is not in the input; using ${root.span_id} as the root`);
  const llms = ordered.filter((s) => s.kind === 'llm');

  // Input: the root's, else the first model call's conversation (system prompt kept apart).
  let input = root.input;
  if (input === undefined) {
    const firstLlm = llms[0];
    const messages = firstLlm?.input_messages?.filter((m) => m.role !== 'system');
    if (messages?.length)
      input =
        messages.length === 1 && typeof messages[0].content === 'string' ? messages[0].content : { messages };
    else input = firstLlm?.input;
  }
  let output = root.output;
  if (output === undefined) {
    for (const s of [...llms].reverse()) {
      const last = s.output_messages?.[s.output_messages.length - 1];
      if (last && last.content !== undefined) {
        output = last.content;
        break;
      }
      if (s.output !== undefined) {
        output = s.output;
        break;
      }
    }
  }

  const systemPrompt =
    root.system_prompt ??
    ordered
      .map((s) => s.system_prompt ?? contentText(s.input_messages?.find((m) => m.role === 'system')?.content))
      .find((t) => t);

  // Executed tool calls, in order; then the model's requests that no tool span answers.
  const toolCalls: TraceToolCall[] = [];
  for (const s of ordered) {
    if (s.kind !== 'tool' || !s.tool) continue;
    const call: TraceToolCall = { name: s.tool.name, span_id: s.span_id };
    if (s.tool.id) call.id = s.tool.id;
    if (s.tool.arguments !== undefined) call.arguments = s.tool.arguments;
    if (s.tool.result !== undefined) call.result = s.tool.result;
    const error = s.tool.error ?? s.error;
    if (error) call.error = error;
    toolCalls.push(call);
  }
  const requests: ToolRequest[] = [];
  for (const s of llms) for (const m of s.output_messages ?? []) requests.push(...(m.tool_calls ?? []));
  const used = new Set<TraceToolCall>();
  for (const request of requests) {
    const match =
      toolCalls.find((c) => !used.has(c) && request.id && c.id === request.id) ??
      toolCalls.find((c) => !used.has(c) && c.name === request.name && (!c.id || !request.id));
    if (match) {
      used.add(match);
      match.id ??= request.id;
      if (match.arguments === undefined) match.arguments = request.arguments;
    } else {
      const call: TraceToolCall = { name: request.name, arguments: request.arguments };
      if (request.id) call.id = request.id;
      // The answer may be in a later tool message of the conversation rather than in a span.
      const answer = llms
        .flatMap((l) => l.input_messages ?? [])
        .find((m) => m.role === 'tool' && request.id && m.tool_call_id === request.id);
      if (answer?.content !== undefined) call.result = answer.content;
      toolCalls.push(call);
      used.add(call);
    }
  }

  const retrieved: TraceChunk[] = [];
  for (const s of ordered) {
    for (const d of s.documents ?? []) retrieved.push(d.span_id ? d : { ...d, span_id: s.span_id });
  }

  const toolDefinitions: unknown[] = [];
  const seenTools = new Set<string>();
  for (const s of ordered) {
    for (const def of s.tool_definitions ?? []) {
      const key = JSON.stringify(def);
      if (!seenTools.has(key)) {
        seenTools.add(key);
        toolDefinitions.push(def);
      }
    }
  }

  const usage: NonNullable<Trace['usage']> = {};
  for (const s of llms.length ? llms : [root]) {
    for (const k of ['input_tokens', 'output_tokens', 'total_tokens', 'cost_usd'] as const) {
      const v = s.usage?.[k];
      if (typeof v === 'number') usage[k] = (usage[k] ?? 0) + v;
    }
  }
  if (
    usage.total_tokens === undefined &&
    usage.input_tokens !== undefined &&
    usage.output_tokens !== undefined
  ) {
    usage.total_tokens = usage.input_tokens + usage.output_tokens;
  }

  const scores: Record<string, number | null> = {};
  const feedback: Feedback[] = [];
  const tags = new Set<string>();
  let featureFlags: Record<string, unknown> | undefined;
  for (const s of [root, ...ordered.filter((x) => x !== root)]) {
    for (const [k, v] of Object.entries(s.scores ?? {})) if (!(k in scores)) scores[k] = v;
    feedback.push(...(s.feedback ?? []));
    for (const t of s.tags ?? []) tags.add(t);
    if (s.feature_flags) featureFlags = { ...s.feature_flags, ...featureFlags };
  }
  const ends = ordered
    .map((s) => s.end_time)
    .filter((t): t is string => !!t)
    .sort();
  const model = [...llms].reverse().find((s) => s.model)?.model ?? root.model;

  const trace: Trace = {
    trace_id: traceId,
    root_span_id: root.span_id,
    source: { ...source, id: source.id ?? root.span_id } as TraceSource,
    input: input ?? null,
    tools: toolDefinitions,
    tool_calls: toolCalls,
    retrieved,
    feedback,
    scores,
    spans: ordered.map((s) => {
      const span: TraceSpan = { span_id: s.span_id, kind: s.kind };
      if (s.parent_span_id) span.parent_span_id = s.parent_span_id;
      if (s.name) span.name = s.name;
      if (s.start_time) span.start_time = s.start_time;
      if (s.end_time) span.end_time = s.end_time;
      if (s.error) span.error = s.error;
      if (s.model) span.model = s.model;
      if (s.usage && Object.keys(s.usage).length) span.usage = s.usage;
      return span;
    }),
    metadata: { ...(root.metadata ?? {}) },
    tags: [...tags],
  };
  if (root.name) trace.name = root.name;
  if (output !== undefined) trace.output = output;
  const expected = root.expected ?? ordered.find((s) => s.expected !== undefined)?.expected;
  if (expected !== undefined) trace.expected = expected;
  if (systemPrompt) trace.system_prompt = systemPrompt;
  const promptVersion = root.prompt_version ?? ordered.find((s) => s.prompt_version)?.prompt_version;
  if (promptVersion) trace.prompt_version = promptVersion;
  if (model) trace.model_version = model;
  if (featureFlags) trace.feature_flags = featureFlags;
  if (root.start_time ?? ordered[0]?.start_time) trace.start_time = root.start_time ?? ordered[0].start_time;
  if (ends.length) trace.end_time = ends[ends.length - 1];
  if (Object.keys(usage).length) trace.usage = usage;
  const schema = ordered.find((s) => s.response_schema !== undefined)?.response_schema;
  if (schema !== undefined) trace.response_schema = schema;
  const error = root.error ?? ordered.find((s) => s.error)?.error;
  if (error) trace.error = error;
  return { trace, warnings };
}
