import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import { isOtlpRequest, pieceIds, piecesOfRequest, type OtlpPiece } from '../traces/otlp.js';
import { createOnlineScorer, type OnlineScorer, type OnlineScorerOptions } from './online-scorer.js';
import { SpanBuffer, type SpanBufferOptions } from './span-buffer.js';

type SpanPiece = Extract<OtlpPiece, { type: 'span' }>;

export interface OtlpReceiverOptions extends OnlineScorerOptions, SpanBufferOptions {
  /** `HOST:PORT` to listen on, e.g. `127.0.0.1:4318` (port 0: any free port). */
  listen: string;
  /** Largest request body accepted, in bytes (default 16 MiB); larger ones get 413. */
  maxBodyBytes?: number;
}

/** A running receiver. */
export interface OtlpReceiver {
  /** The base URL (`http://127.0.0.1:4318`); exporters post to `${url}/v1/traces`. */
  url: string;
  scorer: OnlineScorer;
  counters: { requests: number; rejected: number; spans: number; traces: number };
  /** Stop listening, score what is queued, write the review queue. */
  close(): Promise<void>;
}

/** Parse `HOST:PORT` (IPv6 in brackets). */
export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535)
    throw new UsageError(`--otlp-listen "${value}": expected HOST:PORT, e.g. 127.0.0.1:4318`);
  return { host: m[1] ?? m[2], port };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * An OTLP/HTTP receiver for JSON exports (`POST /v1/traces`, `Content-Type: application/json`), as the
 * OpenTelemetry Collector's `otlphttp` exporter (with `encoding: json`) or an SDK's `http/json` exporter
 * sends them. Spans are buffered per trace; when a trace's root span arrives, the trace is built with the
 * importer's mapping and handed to an online scorer. The answer follows the OTLP spec: 200 with
 * `partialSuccess` naming spans dropped because the backlog was full; 400 for a body that is not an
 * OTLP/JSON export; 413 over the size limit; 415 for protobuf.
 */
export async function startOtlpReceiver(options: OtlpReceiverOptions): Promise<OtlpReceiver> {
  const { host, port } = parseListen(options.listen);
  const maxBody = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const scorer = createOnlineScorer({ ...options, review: options.review });
  const buffer = new SpanBuffer<SpanPiece>((p) => p, options);
  const counters = { requests: 0, rejected: 0, spans: 0, traces: 0 };

  async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBody) return 'too-large';
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = (req.url ?? '/').split('?')[0];
    if (url !== '/v1/traces')
      return send(res, 404, { message: `tracegate receives OTLP traces at POST /v1/traces, not ${url}` });
    if (req.method !== 'POST') return send(res, 405, { message: 'use POST /v1/traces' });
    counters.requests++;
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type)) {
      counters.rejected++;
      req.resume();
      return send(res, 415, {
        message: `only OTLP/HTTP JSON is accepted (got content-type "${type}"): set the exporter's protocol to http/json (the Collector's otlphttp exporter: encoding: json)`,
      });
    }
    const body = await readBody(req);
    if (body === 'too-large') {
      counters.rejected++;
      return send(res, 413, { message: `request body over ${maxBody} bytes` });
    }
    let request: unknown;
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch (error) {
      counters.rejected++;
      return send(res, 400, { message: `not JSON: ${(error as Error).message}` });
    }
    if (!isOtlpRequest(request)) {
      counters.rejected++;
      return send(res, 400, { message: 'not an OTLP export request: expected {"resourceSpans": [...]}' });
    }
    const roots: string[] = [];
    for (const piece of piecesOfRequest(request, 'request')) {
      if (piece.type !== 'span') continue;
      const ids = pieceIds(piece);
      if (!ids.traceId || !ids.spanId) continue;
      counters.spans++;
      buffer.add(ids.traceId, piece);
      if (!ids.parentId) roots.push(ids.traceId);
    }
    let rejected = 0;
    for (const traceId of roots) {
      const spans = buffer.take(traceId);
      if (!spans) continue;
      counters.traces++;
      const outcome = scorer.submit({ trace_id: traceId, build: () => buffer.build(traceId, spans) });
      if (outcome === 'dropped') rejected += spans.length;
    }
    send(
      res,
      200,
      rejected
        ? {
            partialSuccess: {
              rejectedSpans: rejected,
              errorMessage: 'tracegate backlog full: traces dropped without scoring',
            },
          }
        : {},
    );
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, { message: error.message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
          ? new UsageError(`--otlp-listen ${options.listen}: ${error.code} (${error.message})`)
          : error,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    scorer,
    counters,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      });
      await scorer.close();
    },
  };
}
