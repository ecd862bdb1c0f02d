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
  /** For POST /btql: the query's clauses (`from`, `filter` as sent, `since`, `limit`, `cursor`, …), string literals unquoted. */
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
  rows?: Array<Record<string, unknown>>;
  /** The server's own cap on rows per page, whatever the query's limit (as a real API has one). */
  maxPageSize?: number;
  /** The organization the key logs into (default `acme`). */
  orgName?: string;
}

/** A dataset or experiment the fake holds, with its rows by id (insertion order kept). */
export interface StoredObject {
  id: string;
  name: string;
  project_id: string;
  created: string;
  metadata?: Record<string, unknown> | null;
  repo_info?: Record<string, unknown> | null;
  base_exp_id?: string | null;
  rows: Map<string, Record<string, unknown>>;
}

export interface BraintrustServer {
  url: string;
  requests: BraintrustRequest[];
  /** Datasets by id. */
  datasets: Map<string, StoredObject>;
  /** Experiments by id. */
  experiments: Map<string, StoredObject>;
  /** Functions by `project_id/slug`. */
  functions: Map<string, Record<string, unknown>>;
  /** Project scores by `project_id/name`. */
  projectScores: Map<string, Record<string, unknown>>;
  /** Projects, including those created by register calls. */
  projects: Array<{ id: string; name: string; org_id?: string }>;
  /** Add an experiment directly (e.g. the base branch's, made before the test). */
  addExperiment(
    e: Omit<StoredObject, 'rows' | 'id'> & { id?: string; rows?: Array<Record<string, unknown>> },
  ): StoredObject;
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
    out.filter = clauses.filter;
    const f = /(?:^|\sand\s)created >= ('(?:[^'\\]|\\.)*')/s.exec(clauses.filter);
    if (f) out.since = unquote(f[1]);
    matchesFilter({}, clauses.filter); // a clause the fake cannot read is a 400
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

/** Evaluate the `filter:` expression the client sends (clauses joined by `and`) on one row. */
function matchesFilter(row: Record<string, unknown>, filter: string | undefined): boolean {
  if (!filter) return true;
  return filter.split(/\s+and\s+/).every((clause) => {
    const m = /^([A-Za-z_][\w]*(?:\.(?:[A-Za-z_]\w*|"[^"]*"))*)\s+(>=|<=|!=|<|>|=|includes)\s+(.+)$/s.exec(
      clause.trim(),
    );
    if (!m) throw new Error(`unsupported filter clause "${clause}"`);
    const path = m[1].match(/[A-Za-z_]\w*|"[^"]*"/g)!.map((p) => p.replace(/^"|"$/g, ''));
    let value: unknown = row;
    for (const key of path) value = value && typeof value === 'object' ? (value as any)[key] : undefined;
    const literal = m[3].startsWith("'") ? unquote(m[3]) : Number(m[3]);
    if (typeof literal === 'number' && !Number.isFinite(literal)) throw new Error(`bad literal ${m[3]}`);
    switch (m[2]) {
      case 'includes':
        return Array.isArray(value) && value.includes(literal);
      case '=':
        return value === literal;
      case '!=':
        return value !== undefined && value !== null && value !== literal;
    }
    if (value === undefined || value === null) return false;
    const a = value as number | string;
    const b = literal as number | string;
    return m[2] === '<' ? a < b : m[2] === '<=' ? a <= b : m[2] === '>' ? a > b : a >= b;
  });
}

/**
 * A local fake of the Braintrust API for tests, on real HTTP (127.0.0.1), serving as both the app URL and
 * the API URL. It implements what the `braintrust` SDK and tracegate call: API-key login
 * (`POST /api/apikey/login`), project/dataset/experiment registration, `get_object_info`, `GET /version`,
 * `POST /logs3` (rows upserted by id into datasets and experiments), `POST /btql` in both forms (the pipe
 * syntax over project logs, with score/tag/time filters; the SDK's JSON query over datasets and
 * experiments) with opaque cursor paging (a page that returns rows always carries a cursor; the page after
 * the last is empty, as with the real API), the `/v1` listings (project, dataset, experiment, function,
 * project_score) and `PUT /v1/function` and `PUT /v1/project_score` (create or replace). Every request must
 * carry the key; scripted failures (429 with Retry-After, 5xx, 401, a dropped connection) answer first.
 */
export async function startBraintrustServer(options: BraintrustServerOptions): Promise<BraintrustServer> {
  const requests: BraintrustRequest[] = [];
  const failures: Array<ScriptedFailure & { left: number }> = [];
  const rows = options.rows ?? [];
  const projects = options.projects.map((p) => ({ ...p }));
  const orgId = 'o0000000-0000-4000-8000-000000000001';
  const orgName = options.orgName ?? 'acme';
  const datasets = new Map<string, StoredObject>();
  const experiments = new Map<string, StoredObject>();
  const functions = new Map<string, Record<string, unknown>>();
  const projectScores = new Map<string, Record<string, unknown>>();
  let counter = 0;
  let clock = Date.parse('2026-12-01T00:00:00.000Z');
  const uuid = (prefix: string) =>
    `${prefix.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
  const now = () => new Date((clock += 1000)).toISOString();
  let url = '';

  const projectFor = (body: any): { id: string; name: string } => {
    let p = projects.find((x) => (body.project_id ? x.id === body.project_id : x.name === body.project_name));
    if (!p) {
      if (!body.project_name) throw new Error('project_name or project_id required');
      p = { id: uuid('p'), name: body.project_name, org_id: orgId };
      projects.push(p);
    }
    return p;
  };
  const page = (
    res: ServerResponse,
    all: Array<Record<string, unknown>>,
    cursor: string | undefined,
    limit: number,
  ) => {
    const offset = cursor ? Number(Buffer.from(cursor, 'base64url').toString('utf8').slice(4)) : 0;
    if (!Number.isInteger(offset)) return send(res, 400, { error: 'invalid cursor' });
    const size = Math.min(limit, options.maxPageSize ?? Infinity);
    const data = all.slice(offset, offset + size);
    const body: Record<string, unknown> = { data, schema: { type: 'array' } };
    if (data.length) body.cursor = Buffer.from(`off:${offset + data.length}`).toString('base64url');
    return send(res, 200, body);
  };
  const addExperiment: BraintrustServer['addExperiment'] = (e) => {
    const stored: StoredObject = {
      ...e,
      id: e.id ?? uuid('e'),
      rows: new Map((e.rows ?? []).map((r) => [String(r.id), r])),
    };
    experiments.set(stored.id, stored);
    return stored;
  };

  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    const reqUrl = req.url ?? '/';
    const record: BraintrustRequest = {
      method: req.method ?? 'GET',
      url: reqUrl,
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
    const pathname = reqUrl.split('?')[0];
    const query = new URL(reqUrl, 'http://x').searchParams;
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
    const body = record.body ?? {};
    const route = `${req.method} ${pathname}`;
    try {
      switch (route) {
        case 'POST /api/apikey/login':
          return send(res, 200, {
            org_info: [{ id: orgId, name: orgName, api_url: url, proxy_url: null, git_metadata: null }],
          });
        case 'GET /version':
          return send(res, 200, {});
        case 'POST /api/project/register': {
          const p = projectFor(body);
          return send(res, 200, { project: { ...p, org_id: orgId } });
        }
        case 'POST /api/dataset/register': {
          const p = projectFor(body);
          let d = [...datasets.values()].find((x) => x.project_id === p.id && x.name === body.dataset_name);
          if (!d) {
            d = { id: uuid('d'), name: body.dataset_name, project_id: p.id, created: now(), rows: new Map() };
            datasets.set(d.id, d);
          }
          const { rows: _r, ...info } = d;
          return send(res, 200, { project: { ...p, org_id: orgId }, dataset: info });
        }
        case 'POST /api/self/get_object_info': {
          const store = body.object_type === 'dataset' ? datasets : experiments;
          const found = (body.object_ids as string[]).flatMap((id) => {
            const o = store.get(id);
            if (!o) return [];
            const p = projects.find((x) => x.id === o.project_id)!;
            return [
              { object_id: o.id, object_name: o.name, parent_cols: { project: { id: p.id, name: p.name } } },
            ];
          });
          return send(res, 200, found);
        }
        case 'POST /api/experiment/register': {
          const p = projectFor(body);
          let name = body.experiment_name ?? `experiment-${counter + 1}`;
          const taken = new Set(
            [...experiments.values()].filter((e) => e.project_id === p.id).map((e) => e.name),
          );
          for (let i = 1; taken.has(name); i++) name = `${body.experiment_name}-${i}`;
          const e = addExperiment({
            name,
            project_id: p.id,
            created: now(),
            metadata: body.metadata ?? null,
            repo_info: body.repo_info ?? null,
            base_exp_id: body.base_exp_id ?? null,
          });
          const { rows: _r, ...info } = e;
          return send(res, 200, { project: { ...p, org_id: orgId }, experiment: info });
        }
        case 'POST /logs3': {
          for (const row of (body.rows ?? []) as Array<Record<string, any>>) {
            const store = row.dataset_id ? datasets.get(row.dataset_id) : experiments.get(row.experiment_id);
            if (!store) return send(res, 400, { error: `unknown object for row ${row.id}` });
            if (row._object_delete) {
              store.rows.delete(row.id);
              continue;
            }
            const before = store.rows.get(row.id);
            const { _is_merge: merge, ...rest } = row;
            const next: Record<string, unknown> =
              merge && before
                ? { ...before, ...rest }
                : { ...rest, created: before?.created ?? rest.created ?? now() };
            next._xact_id = String(++counter);
            store.rows.set(row.id, next);
          }
          return send(res, 200, {});
        }
        case 'GET /v1/project': {
          const name = query.get('project_name');
          const objects = projects
            .filter((p) => name === null || p.name === name)
            .map((p) => ({ ...p, created: '2026-01-01T00:00:00.000Z', user_id: 'u-1' }));
          return send(res, 200, { objects });
        }
        case 'GET /v1/dataset': {
          const p = projects.find(
            (x) => x.name === query.get('project_name') || x.id === query.get('project_id'),
          );
          const objects = [...datasets.values()]
            .filter(
              (d) =>
                p &&
                d.project_id === p.id &&
                (!query.get('dataset_name') || d.name === query.get('dataset_name')),
            )
            .map(({ rows: _r, ...d }) => d);
          return send(res, 200, { objects });
        }
        case 'GET /v1/experiment': {
          const p = projects.find(
            (x) => x.name === query.get('project_name') || x.id === query.get('project_id'),
          );
          let list = [...experiments.values()]
            .filter(
              (e) =>
                p &&
                e.project_id === p.id &&
                (!query.get('experiment_name') || e.name === query.get('experiment_name')),
            )
            .sort((a, b) => b.created.localeCompare(a.created) || b.id.localeCompare(a.id));
          const after = query.get('starting_after');
          if (after) list = list.slice(list.findIndex((e) => e.id === after) + 1);
          const limit = Number(query.get('limit') ?? 100);
          return send(res, 200, { objects: list.slice(0, limit).map(({ rows: _r, ...e }) => e) });
        }
        case 'GET /v1/function': {
          const objects = [...functions.values()].filter(
            (f) =>
              (!query.get('project_id') || f.project_id === query.get('project_id')) &&
              (!query.get('slug') || f.slug === query.get('slug')),
          );
          return send(res, 200, { objects });
        }
        case 'PUT /v1/function': {
          if (!body.project_id || !body.slug || !body.name || !body.function_data)
            return send(res, 400, { error: 'project_id, name, slug and function_data are required' });
          const key = `${body.project_id}/${body.slug}`;
          const before = functions.get(key);
          const f = {
            ...body,
            id: before?.id ?? uuid('f'),
            org_id: orgId,
            log_id: 'p',
            _xact_id: String(++counter),
          };
          functions.set(key, f);
          return send(res, 200, f);
        }
        case 'GET /v1/project_score': {
          const objects = [...projectScores.values()].filter(
            (s) =>
              (!query.get('project_id') || s.project_id === query.get('project_id')) &&
              (!query.get('project_score_name') || s.name === query.get('project_score_name')),
          );
          return send(res, 200, { objects });
        }
        case 'PUT /v1/project_score': {
          if (!body.project_id || !body.name || !body.score_type)
            return send(res, 400, { error: 'project_id, name and score_type are required' });
          const key = `${body.project_id}/${body.name}`;
          const before = projectScores.get(key);
          const s = {
            ...body,
            id: before?.id ?? uuid('s'),
            user_id: 'u-1',
            created: before?.created ?? now(),
          };
          projectScores.set(key, s);
          return send(res, 200, s);
        }
        case 'POST /btql':
          return btql();
      }
    } catch (error) {
      return send(res, 400, { error: (error as Error).message });
    }
    return send(res, 404, { error: `no route ${req.method} ${pathname}` });

    function btql() {
      if (typeof body.query === 'object' && body.query !== null) {
        // The SDK's form: {select: [{op: star}], from: {op: function, name: {name: [type]}, args: [{value: id}]}, cursor, limit}
        const q = body.query;
        const type = q.from?.name?.name?.[0];
        const id = q.from?.args?.[0]?.value;
        record.btql = {
          from: `${type}('${id}')`,
          limit: String(q.limit),
          ...(q.cursor ? { cursor: q.cursor } : {}),
        };
        const store = type === 'dataset' ? datasets : type === 'experiment' ? experiments : undefined;
        const object = store?.get(id);
        if (!object) return send(res, 404, { error: `${type} ${id} not found` });
        const list = [...object.rows.values()].map((r) => ({
          ...r,
          ...(type === 'dataset' ? { expected: r.expected ?? null, tags: r.tags ?? null } : {}),
        }));
        return page(res, list, q.cursor ?? undefined, Number(q.limit ?? 1000));
      }
      let q: Record<string, string>;
      try {
        if (body.fmt !== 'json') throw new Error('expected fmt: json');
        q = parseBtql(String(body.query ?? ''));
      } catch (error) {
        return send(res, 400, { error: `Invalid BTQL: ${(error as Error).message}` });
      }
      record.btql = q;
      if (!projects.some((p) => p.id === q.from))
        return send(res, 404, { error: `project ${q.from} not found` });
      const matching = rows
        .filter((r) => (r.project_id ?? r._project) === q.from && matchesFilter(r, q.filter))
        .map((r) => {
          const { _project: _, ...row } = r;
          return row;
        });
      return page(res, matching, q.cursor, Number(q.limit));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    datasets,
    experiments,
    functions,
    projectScores,
    projects,
    addExperiment,
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
