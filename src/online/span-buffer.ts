import { buildTrace } from '../traces/build.js';
import { otlpSpan, pieceIds, type OtlpPiece } from '../traces/otlp.js';
import type { Trace } from '../traces/trace.js';

type SpanPiece = Extract<OtlpPiece, { type: 'span' }>;

/** Bounds of the span buffer. */
export interface SpanBufferOptions {
  /** Traces waiting for their root span at most; the oldest is dropped (and counted) beyond it. */
  maxOpenTraces?: number;
  /** Spans kept per trace at most; later ones are dropped (and counted). */
  maxSpansPerTrace?: number;
}

/**
 * Holds the spans of traces whose root has not ended yet, and builds a trace when it does, with the OTLP
 * importer's mapping (GenAI and OpenInference conventions: `otlpSpan`, then `buildTrace`), so live traces
 * read exactly as imported ones. Memory is bounded by `maxOpenTraces × maxSpansPerTrace`.
 *
 * Items are stored as they come (`P`) and turned into OTLP pieces only when their trace is built, so the
 * span processor's `onEnd` does no conversion on the application's thread of work.
 */
export class SpanBuffer<P> {
  private readonly open = new Map<string, P[]>();
  readonly counters = { dropped_traces: 0, dropped_spans: 0, built: 0, unbuildable: 0 };
  private readonly maxOpen: number;
  private readonly maxSpans: number;

  constructor(
    private readonly toPiece: (item: P) => SpanPiece,
    options: SpanBufferOptions = {},
  ) {
    this.maxOpen = options.maxOpenTraces ?? 10_000;
    this.maxSpans = options.maxSpansPerTrace ?? 2_000;
  }

  /** Add a span of `traceId`. */
  add(traceId: string, item: P): void {
    let spans = this.open.get(traceId);
    if (!spans) {
      if (this.open.size >= this.maxOpen) {
        const oldest = this.open.keys().next().value as string;
        this.open.delete(oldest);
        this.counters.dropped_traces++;
      }
      this.open.set(traceId, (spans = []));
    }
    if (spans.length >= this.maxSpans) this.counters.dropped_spans++;
    else spans.push(item);
  }

  /** Remove a trace's spans; undefined when none are buffered. */
  take(traceId: string): P[] | undefined {
    const spans = this.open.get(traceId);
    this.open.delete(traceId);
    return spans;
  }

  /** Build a trace from taken spans (undefined when they make none, e.g. all unusable). */
  build(traceId: string, items: P[]): Trace | undefined {
    try {
      const pieces = items.map(this.toPiece).filter((p) => pieceIds(p).spanId);
      if (!pieces.length) {
        this.counters.unbuildable++;
        return undefined;
      }
      const spans = new Map(pieces.map((p) => [pieceIds(p).spanId as string, otlpSpan(p, [])]));
      const { trace } = buildTrace(traceId, [...spans.values()], {
        format: 'otlp',
        object_type: 'otel_trace',
        object_id: traceId,
      });
      this.counters.built++;
      return trace;
    } catch {
      this.counters.unbuildable++;
      return undefined;
    }
  }

  get openTraces(): number {
    return this.open.size;
  }
}
