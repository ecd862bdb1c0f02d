import { createServer, type ServerResponse } from 'node:http';
import { readBody } from './read-body.js';
import type { AddressInfo } from 'node:net';

/** One request the fake received. */
export interface BraintrustRequest {
  method: string;
  /** Path and query, e.g. `/v1/project?project_name=support`. */
  url: string;
  authorization?: string;
  body?: any;
  /** For POST /btql: the query's clauses (`from`, `filter`, `limit`, `cursor`, …), string literals unquoted. */
  btql?: Record<string, string>;
}

/** A scripted failure, served instead of the real answer. */
export interface ScriptedFailure {
  /** HTTP status, or 0 to drop the connection without an answer. */
  status: number;
  /** Only for requests whose path starts with this (default: any). */
  path?: string;
  /** How many requests it answers (default 1; Infinity = from now on). */
  times?: number;
  retryAfter?: string;
  body?: string;
}

export interface BraintrustServerOptions {
  /** The key every request must carry as `Authorization: Bearer <key>`. */
  apiKey: string;
  projects: Array<{ id: string; name: string; org_id?: string }>;
  /** Project-logs rows, in the order BTQL pages through them; each holds `project_id` or `_project` (removed). */
  rows: Array<Record<string, unknown>>;
  /** The server's own cap on rows per page, whatever the query's limit (as a real API has one). */
  maxPageSize?: number;
}

export interface BraintrustServer {
  url: string;
  requests: BraintrustRequest[];
  /** Queue failures: each answers the next matching request(s), in order. */
  fail(failure: ScriptedFailure): void;
  close(): Promise<void>;
}

/** A BTQL string literal's value: `'a\'b'` → `a'b`. */
function unquote(value: string): string {
  const m = /^'((?:[^'\\]|\\.)*)'$/s.exec(value.trim());
  if (!m) throw new Error(`not a string literal: ${value}`);
  return m[1].replace(/\\(.)/g, '$1');
}

/**
 * Parse the pipe-syntax BTQL the client sends: `select: * | from: project_logs('<id>') | filter: created
 * >= '<iso>' | limit: N | cursor: '<c>'`. Only what the client may send is accepted; anything else is a 400,
 * so a client that drifts from the documented shape fails its tests.
 */
function parseBtql(query: string): Record<string, string> {
  const clauses: Record<string, string> = {};
  for (const part of query.split(/\s*\|\s*(?=[a-z]+:)/)) {
    const m = /^([a-z]+):\s*(.*)$/s.exec(part.trim());
    if (!m) throw new Error(`bad clause "${part}"`);
    clauses[m[1]] = m[2];
  }
  if (clauses.select !== '*') throw new Error('expected select: *');
  const from = /^project_logs\((.*)\)$/s.exec(clauses.from ?? '');
  if (!from) throw new Error('expected from: project_logs(...)');
  const out: Record<string, string> = { select: '*', from: unquote(from[1]) };
  if (clauses.filter !== undefined) {
    const f = /^created >= (.*)$/s.exec(clauses.filter);
    if (!f) throw new Error(`unsupported filter "${clauses.filter}"`);
    out.filter = `created >= ${unquote(f[1])}`;
    out.since = unquote(f[1]);
  }
  if (!/^\d+$/.test(clauses.limit ?? '')) throw new Error('expected limit: N');
  out.limit = clauses.limit;
  if (clauses.cursor !== undefined) out.cursor = unquote(clauses.cursor);
  for (const key of Object.keys(clauses))
    if (!['select', 'from', 'filter', 'limit', 'cursor'].includes(key)) throw new Error(`unexpected ${key}`);
  return out;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/**
 * A local fake of the Braintrust REST API for tests, on real HTTP (127.0.0.1): `GET /v1/project?project_name=`
 * and `POST /btql` over a fixture of project-logs rows with opaque cursor paging (a page that returns rows
 * always carries a cursor; the page after the last is empty, as with the real API), an auth check, and
 * scripted failures (429 with Retry-After, 5xx, 401, a dropped connection).
 */
export async function startBraintrustServer(options: BraintrustServerOptions): Promise<BraintrustServer> {
  const requests: BraintrustRequest[] = [];
  const failures: Array<ScriptedFailure & { left: number }> = [];
  const rows = options.rows;

  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    const url = req.url ?? '/';
    const record: BraintrustRequest = {
      method: req.method ?? 'GET',
      url,
      authorization: req.headers.authorization,
    };
    requests.push(record);
    if (text) {
      try {
        record.body = JSON.parse(text);
      } catch {
        return send(res, 400, { error: 'body is not JSON' });
      }
    }
    const pathname = url.split('?')[0];
    const failure = failures.find((f) => f.left > 0 && (!f.path || pathname.startsWith(f.path)));
    if (failure) {
      failure.left--;
      if (failure.status === 0) return req.socket.destroy();
      return send(
        res,
        failure.status,
        failure.body ?? { error: `scripted ${failure.status}` },
        failure.retryAfter !== undefined ? { 'retry-after': failure.retryAfter } : {},
      );
    }
    if (req.headers.authorization !== `Bearer ${options.apiKey}`)
      return send(res, 401, { error: 'Invalid API key' });

    if (req.method === 'GET' && pathname === '/v1/project') {
      const name = new URL(url, 'http://x').searchParams.get('project_name');
      const objects = options.projects
        .filter((p) => name === null || p.name === name)
        .map((p) => ({ ...p, created: '2026-01-01T00:00:00.000Z', user_id: 'u-1' }));
      return send(res, 200, { objects });
    }
    if (req.method === 'POST' && pathname === '/btql') {
      let q: Record<string, string>;
      try {
        if (record.body?.fmt !== 'json') throw new Error('expected fmt: json');
        q = parseBtql(String(record.body?.query ?? ''));
      } catch (error) {
        return send(res, 400, { error: `Invalid BTQL: ${(error as Error).message}` });
      }
      record.btql = q;
      if (!options.projects.some((p) => p.id === q.from))
        return send(res, 404, { error: `project ${q.from} not found` });
      const matching = rows.filter(
        (r) =>
          (r.project_id ?? r._project) === q.from &&
          (q.since === undefined || (typeof r.created === 'string' && r.created >= q.since)),
      );
      const offset = q.cursor ? Number(Buffer.from(q.cursor, 'base64url').toString('utf8').slice(4)) : 0;
      if (!Number.isInteger(offset)) return send(res, 400, { error: 'invalid cursor' });
      const size = Math.min(Number(q.limit), options.maxPageSize ?? Infinity);
      const data = matching.slice(offset, offset + size).map((r) => {
        const { _project: _, ...row } = r;
        return row;
      });
      const body: Record<string, unknown> = { data, schema: { type: 'array' } };
      if (data.length) body.cursor = Buffer.from(`off:${offset + data.length}`).toString('base64url');
      return send(res, 200, body);
    }
    return send(res, 404, { error: `no route ${req.method} ${pathname}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fail(failure) {
      failures.push({ ...failure, left: failure.times ?? 1 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
