import type { OtlpPiece } from '../traces/otlp.js';
import {
  createOnlineScorer,
  type OnlineResult,
  type OnlineScorer,
  type OnlineScorerOptions,
} from './online-scorer.js';
import { SpanBuffer, type SpanBufferOptions } from './span-buffer.js';

/**
 * The parts of OpenTelemetry's `ReadableSpan` (sdk-trace-base 1.x and 2.x) the processor reads. Typed
 * structurally so the library does not depend on the SDK: the app brings its own.
 */
export interface ReadableSpanLike {
  name: string;
  kind?: number;
  spanContext(): { traceId: string; spanId: string };
  /** sdk 2.x */
  parentSpanContext?: { spanId: string };
  /** sdk 1.x */
  parentSpanId?: string;
  startTime: [number, number];
  endTime: [number, number];
  status?: { code: number; message?: string };
  attributes: Record<string, unknown>;
  events?: Array<{ name: string; attributes?: Record<string, unknown>; time: [number, number] }>;
  resource?: { attributes?: Record<string, unknown> };
  instrumentationScope?: { name: string };
  instrumentationLibrary?: { name: string };
}

/** A tracer provider, as `@opentelemetry/api` defines it (only `getTracer` is used). */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): unknown;
}

export interface TracegateSpanProcessorOptions extends OnlineScorerOptions, SpanBufferOptions {
  /**
   * Where the score span goes (default: the global provider of `@opentelemetry/api`). Scores are recorded
   * on a `tracegate.score` span, a child of the trace's root: the root has already ended when its trace
   * is scored, and an ended span cannot take attributes.
   */
  tracerProvider?: TracerProviderLike;
  /** Record scores back into the trace (default true). */
  recordScores?: boolean;
}

/** The instrumentation scope of the score spans (ignored when they come back through onEnd). */
export const SCORE_SCOPE = 'tracegate';

function hrToNanos(t: [number, number]): string {
  return (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
}

/** A JS attribute value as an OTLP AnyValue. */
function toAnyValue(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: value } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
  return { stringValue: value === undefined || value === null ? '' : String(value) };
}

function toKeyValues(attrs: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const key in attrs ?? {}) out.push({ key, value: toAnyValue(attrs![key]) });
  return out;
}

/** A finished SDK span as the OTLP/JSON span record the importer maps. */
export function readableSpanToPiece(span: ReadableSpanLike): Extract<OtlpPiece, { type: 'span' }> {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext?.spanId ?? span.parentSpanId;
  const scope = span.instrumentationScope?.name ?? span.instrumentationLibrary?.name;
  const record: Record<string, unknown> = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: hrToNanos(span.startTime),
    endTimeUnixNano: hrToNanos(span.endTime),
    attributes: toKeyValues(span.attributes),
    events: (span.events ?? []).map((e) => ({
      name: e.name,
      timeUnixNano: hrToNanos(e.time),
      attributes: toKeyValues(e.attributes),
    })),
    status: span.status ? { code: span.status.code, message: span.status.message } : undefined,
  };
  if (parent) record.parentSpanId = parent;
  return {
    type: 'span',
    span: record,
    resource: span.resource?.attributes ? { ...span.resource.attributes } : undefined,
    scope,
    position: `span ${ctx.spanId}`,
  };
}

/** Span attributes of one scored trace: `tracegate.score.<scorer>`, `tracegate.failure_mode`, … */
export function scoreAttributes(result: OnlineResult): Record<string, string | number | boolean | string[]> {
  const attrs: Record<string, string | number | boolean | string[]> = {
    'tracegate.failed': result.failed,
    'tracegate.failure_modes_scored': result.verdicts.map((v) => v.failure_mode),
  };
  if (result.failed) attrs['tracegate.failure_mode'] = result.failed_modes.join(',');
  for (const v of result.verdicts)
    for (const s of v.scorers) if (typeof s.score === 'number') attrs[`tracegate.score.${s.name}`] = s.score;
  return attrs;
}

/**
 * An OpenTelemetry `SpanProcessor` that scores each trace when its root span ends: it buffers the spans of
 * open traces (bounded), builds the trace with the OTLP importer's mapping (any GenAI-semconv or
 * OpenInference instrumentation), hands it to an online scorer (sampling, budget, bounded backlog, review
 * queue), and records the result as a `tracegate.score` span in the same trace, with
 * `tracegate.score.<scorer>` and `tracegate.failure_mode` attributes and one event per failure mode.
 * `onEnd` only files the span away: nothing is mapped or scored on the application's path.
 */
export class TracegateSpanProcessor {
  readonly scorer: OnlineScorer;
  private readonly buffer: SpanBuffer<ReadableSpanLike>;
  private readonly recordScores: boolean;
  private tracer?: Promise<ScoreRecorder | undefined>;
  /** Score spans that could not be written (no @opentelemetry/api, or the tracer threw). */
  recordErrors = 0;

  constructor(private readonly options: TracegateSpanProcessorOptions = {}) {
    this.recordScores = options.recordScores ?? true;
    this.buffer = new SpanBuffer(readableSpanToPiece, options);
    this.scorer = createOnlineScorer({
      ...options,
      onResult: async (result) => {
        if (this.recordScores) await this.record(result);
        await options.onResult?.(result);
      },
    });
  }

  onStart(): void {}

  onEnd(span: ReadableSpanLike): void {
    const scope = span.instrumentationScope?.name ?? span.instrumentationLibrary?.name;
    if (scope === SCORE_SCOPE) return;
    const traceId = span.spanContext().traceId;
    this.buffer.add(traceId, span);
    if (span.parentSpanContext?.spanId ?? span.parentSpanId) return;
    // The root ended: the trace is complete. Its spans leave the buffer now; mapping waits for sampling.
    const spans = this.buffer.take(traceId) ?? [];
    this.scorer.submit({ trace_id: traceId, build: () => this.buffer.build(traceId, spans) });
  }

  /** Score everything submitted so far and write the review queue. */
  forceFlush(): Promise<void> {
    return this.scorer.flush();
  }

  shutdown(): Promise<void> {
    return this.scorer.close();
  }

  /** Span buffer counters (traces dropped for lack of room, spans over the per-trace cap). */
  bufferStats() {
    return { ...this.buffer.counters, open_traces: this.buffer.openTraces };
  }

  private async record(result: OnlineResult): Promise<void> {
    this.tracer ??= scoreRecorder(this.options.tracerProvider);
    const recorder = await this.tracer;
    if (!recorder) {
      this.recordErrors++;
      return;
    }
    try {
      recorder(result);
    } catch {
      this.recordErrors++;
    }
  }
}

type ScoreRecorder = (result: OnlineResult) => void;

/** A function writing the score span, or undefined when @opentelemetry/api is not installed. */
async function scoreRecorder(provider: TracerProviderLike | undefined): Promise<ScoreRecorder | undefined> {
  let api: typeof import('@opentelemetry/api');
  try {
    api = await import('@opentelemetry/api');
  } catch {
    return undefined;
  }
  const tracer = (provider?.getTracer(SCORE_SCOPE) ?? api.trace.getTracer(SCORE_SCOPE)) as ReturnType<
    typeof api.trace.getTracer
  >;
  return (result) => {
    const parent = api.trace.setSpanContext(api.ROOT_CONTEXT, {
      traceId: result.trace.trace_id,
      spanId: result.trace.root_span_id,
      traceFlags: api.TraceFlags.SAMPLED,
      isRemote: true,
    });
    const span = tracer.startSpan('tracegate.score', { attributes: scoreAttributes(result) }, parent);
    for (const v of result.verdicts) {
      span.addEvent('tracegate.score', {
        'tracegate.failure_mode': v.failure_mode,
        'tracegate.status': v.status,
        ...(v.reasons.length ? { 'tracegate.reasons': v.reasons } : {}),
        ...Object.fromEntries(
          v.scorers
            .filter((s) => typeof s.score === 'number')
            .map((s) => [`tracegate.score.${s.name}`, s.score as number]),
        ),
      });
    }
    if (result.failed)
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: result.failed_modes.join(',') });
    span.end();
  };
}
