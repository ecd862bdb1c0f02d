import { TraceAssembler, type AssemblerOptions, type TraceGroup } from './assemble.js';
import { braintrustSource, braintrustSpan, isBraintrustRow } from './braintrust.js';
import { buildTrace, type SourceSpan } from './build.js';
import { readRecords, type PathSegment, type RawRecord } from './json-stream.js';
import {
  isLangfuseObservation,
  isLangfuseTrace,
  langfuseObservationSpan,
  langfuseTraceSpan,
} from './langfuse.js';
import { attributes, isOtlpRequest, otlpSpan, pieceIds, piecesOfRequest, type OtlpPiece } from './otlp.js';
import { isRecord, traceSchema, TRACE_FORMATS, type ImportItem, type TraceFormat } from './trace.js';
import { formatZodIssues } from '../util/zod-issues.js';

export interface ImportOptions {
  /** `auto` (default) detects the format from the first record it recognises. */
  format?: 'auto' | TraceFormat;
  /** How long spans of one trace may be apart in the file (see TraceAssembler). */
  assembler?: AssemblerOptions;
}

/** What one import saw: records read, traces imported, records skipped (each also yielded with its reason). */
export interface ImportStats {
  format?: TraceFormat;
  records: number;
  imported: number;
  skipped: number;
}

/** Which format does this record belong to? */
export function detectRecordFormat(value: unknown, path: PathSegment[] = []): TraceFormat | undefined {
  if (path.some((p) => p === 'resourceSpans' || p === 'resource_spans') || isOtlpRequest(value))
    return 'otlp';
  if (isBraintrustRow(value)) return 'braintrust';
  if (
    isRecord(value) &&
    typeof value.trace_id === 'string' &&
    typeof value.root_span_id === 'string' &&
    isRecord(value.source)
  )
    return 'jsonl';
  if (isLangfuseTrace(value) || isLangfuseObservation(value)) return 'langfuse';
  return undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (!isRecord(value)) return value === null ? 'null' : typeof value;
  const keys = Object.keys(value).slice(0, 8);
  return keys.length ? `an object with keys ${keys.join(', ')}` : 'an empty object';
}

type Piece =
  | { format: 'braintrust'; row: Record<string, unknown>; span: SourceSpan }
  | { format: 'langfuse'; span: SourceSpan; projectId?: string }
  | { format: 'otlp'; piece: OtlpPiece };

/**
 * Where records come from: a trace file's path, or records already read (e.g. pages of the Braintrust
 * API, see `braintrustLogRecords`), each with the position its messages name.
 */
export type RecordSource = string | AsyncIterable<RawRecord>;

/**
 * Import the traces of one file (or record source), streaming: yields each assembled trace, and each
 * record it could not use with its position and reason (unknown shape, malformed JSON, a span without
 * ids, a span that arrived after its trace was complete). `stats` is filled as it goes.
 */
export async function* importTraces(
  source: RecordSource,
  options: ImportOptions = {},
  stats?: ImportStats,
): AsyncGenerator<ImportItem> {
  const s: ImportStats = stats ?? { records: 0, imported: 0, skipped: 0 };
  let format: TraceFormat | undefined =
    options.format && options.format !== 'auto' ? options.format : undefined;
  if (format && !TRACE_FORMATS.includes(format)) throw new Error(`unknown trace format "${format}"`);
  s.format = format;
  const assembler = new TraceAssembler<Piece>(options.assembler);
  /** OTLP documents split per span: the resource of each resourceSpans entry, the scope of each scopeSpans. */
  const resources = new Map<number, Record<string, unknown>>();
  const scopes = new Map<string, string>();

  const skip = (position: string, reason: string): ImportItem => {
    s.skipped++;
    return { skipped: { position, reason } };
  };
  function* emit(groups: TraceGroup<Piece>[]): Generator<ImportItem> {
    for (const group of groups) {
      const item = buildGroup(group);
      if ('trace' in item) s.imported++;
      else s.skipped++;
      yield item;
    }
  }
  function* add(traceId: string, piece: Piece, isRoot: boolean, position: string): Generator<ImportItem> {
    const result = assembler.add(traceId, piece, isRoot, position);
    if (result === 'late') {
      yield skip(
        position,
        `belongs to trace ${traceId}, which was already complete (its spans are too far apart in the file)`,
      );
      return;
    }
    yield* emit(result);
  }

  for await (const record of typeof source === 'string' ? readRecords(source) : source) {
    if ('error' in record) {
      yield skip(record.position, record.error);
      if (record.fatal) break;
      continue;
    }
    s.records++;
    const { value, position, path } = record;
    const detected = detectRecordFormat(value, path);
    if (!format && detected) s.format = format = detected;
    if (!format || detected !== format) {
      yield skip(
        position,
        `unknown record: ${describe(value)} is not ${format ? `a ${format} record` : 'a record of any supported format (braintrust, otlp, langfuse, jsonl)'}`,
      );
      continue;
    }
    if (format === 'jsonl') {
      const parsed = traceSchema.safeParse(value);
      if (parsed.success) {
        s.imported++;
        yield { trace: parsed.data };
      } else yield skip(position, `not a valid trace: ${formatZodIssues(parsed.error).join('; ')}`);
    } else if (format === 'braintrust') {
      const row = value as Record<string, unknown>;
      const { traceId, isRoot, span } = braintrustSpan(row);
      yield* add(traceId, { format, row, span }, isRoot, position);
    } else if (format === 'langfuse') {
      const v = value as Record<string, unknown>;
      if (isLangfuseTrace(value)) {
        const projectId = typeof v.projectId === 'string' ? v.projectId : undefined;
        yield* add(v.id as string, { format, span: langfuseTraceSpan(v), projectId }, true, position);
        for (const [i, o] of (Array.isArray(v.observations) ? v.observations : []).entries()) {
          if (isLangfuseObservation(o))
            yield* add(
              v.id as string,
              { format, span: langfuseObservationSpan(o), projectId },
              false,
              `${position}.observations[${i}]`,
            );
          else yield skip(`${position}.observations[${i}]`, `not a Langfuse observation: ${describe(o)}`);
        }
      } else {
        const isRoot = !v.parentObservationId;
        yield* add(v.traceId as string, { format, span: langfuseObservationSpan(v) }, isRoot, position);
      }
    } else {
      const pieces: OtlpPiece[] = [];
      // A document split per span also yields each resource and scope: context for the spans after them.
      if (path.length === 3 && isRecord(value))
        resources.set(path[1] as number, attributes(value.attributes));
      else if (path.length === 5 && isRecord(value)) {
        if (typeof value.name === 'string') scopes.set(`${path[1]}/${path[3]}`, value.name);
      } else if (isOtlpRequest(value)) pieces.push(...piecesOfRequest(value, position));
      else if (path.length === 6 && isRecord(value)) {
        pieces.push({
          type: 'span',
          span: value,
          resource: resources.get(path[1] as number),
          scope: scopes.get(`${path[1]}/${path[3]}`),
          position,
        });
      }
      for (const piece of pieces) {
        const ids = pieceIds(piece);
        if (!ids.traceId || !ids.spanId) {
          if (piece.type === 'log') continue; // a log record outside any span is not part of a trace
          yield skip(piece.position, 'OTLP span without traceId/spanId');
          continue;
        }
        yield* add(
          ids.traceId,
          { format: 'otlp', piece },
          piece.type === 'span' && !ids.parentId,
          piece.position,
        );
      }
    }
  }
  yield* emit(assembler.finish());
}

/** Build one assembled group into a trace; a group that cannot make a trace is a skipped item. */
function buildGroup(group: TraceGroup<Piece>): ImportItem {
  const where =
    group.positions.length > 3
      ? `${group.positions.slice(0, 3).join(', ')} (+${group.positions.length - 3} more)`
      : group.positions.join(', ');
  try {
    const first = group.pieces[0];
    if (first.format === 'braintrust') {
      const rows = group.pieces.map((p) => (p as Extract<Piece, { format: 'braintrust' }>).row);
      const spans = dedupe(group.pieces.map((p) => (p as Extract<Piece, { format: 'braintrust' }>).span));
      const { trace } = buildTrace(group.traceId, spans, { format: 'braintrust', ...braintrustSource(rows) });
      return { trace };
    }
    if (first.format === 'langfuse') {
      const pieces = group.pieces as Array<Extract<Piece, { format: 'langfuse' }>>;
      const spans = dedupe(pieces.map((p) => p.span));
      // Observations exported without their trace: the top observation becomes the root.
      const hasTrace = spans.some((sp) => sp.span_id === group.traceId);
      if (!hasTrace)
        for (const sp of spans) if (sp.parent_span_id === group.traceId) delete sp.parent_span_id;
      const projectId = pieces.find((p) => p.projectId)?.projectId;
      const { trace } = buildTrace(group.traceId, spans, {
        format: 'langfuse',
        object_type: 'langfuse_trace',
        object_id: projectId ?? group.traceId,
        id: group.traceId,
      });
      return { trace };
    }
    const spanPieces: Array<Extract<OtlpPiece, { type: 'span' }>> = [];
    const logs = new Map<string, Array<Extract<OtlpPiece, { type: 'log' }>>>();
    for (const p of group.pieces as Array<Extract<Piece, { format: 'otlp' }>>) {
      if (p.piece.type === 'span') spanPieces.push(p.piece);
      else {
        const spanId = pieceIds(p.piece).spanId as string;
        const list = logs.get(spanId) ?? [];
        list.push(p.piece);
        logs.set(spanId, list);
      }
    }
    if (spanPieces.length === 0)
      return {
        skipped: {
          position: where,
          reason: `log records of trace ${group.traceId} without any of its spans`,
        },
      };
    const spans = dedupe(spanPieces.map((p) => otlpSpan(p, logs.get(pieceIds(p).spanId as string) ?? [])));
    const { trace } = buildTrace(group.traceId, spans, {
      format: 'otlp',
      object_type: 'otel_trace',
      object_id: group.traceId,
    });
    return { trace };
  } catch (error) {
    return {
      skipped: {
        position: where,
        reason: `could not assemble trace ${group.traceId}: ${(error as Error).message}`,
      },
    };
  }
}

/** The same span exported twice (retries, overlapping exports): keep the last copy. */
function dedupe(spans: SourceSpan[]): SourceSpan[] {
  const byId = new Map<string, SourceSpan>();
  for (const span of spans) byId.set(span.span_id, span);
  return [...byId.values()];
}
