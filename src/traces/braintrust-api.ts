import { UsageError } from '../errors.js';
import type { RawRecord } from './json-stream.js';
import { isRecord } from './trace.js';
import { filterExpression, isoTime, type LogFilters } from '../braintrust/btql.js';

/**
 * Braintrust project logs straight from the REST API: resolve a project by name or id, then page through
 * its logs with BTQL and hand the rows on one page at a time, so `promote --from braintrust:PROJECT` feeds
 * the same importer a file does and memory holds one page, never the project.
 */

/** The API (data plane) base URL when `BRAINTRUST_API_URL` is not set. */
export const DEFAULT_BRAINTRUST_API_URL = 'https://api.braintrust.dev';

/** Rows asked for per BTQL request. */
const DEFAULT_PAGE_SIZE = 1000;
const DEFAULT_ATTEMPTS = 4;
const DEFAULT_RETRY_BASE_MS = 500;
/** A Retry-After longer than this is cut short (a CI job should not sleep for an hour). */
const MAX_RETRY_DELAY_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The project in `braintrust:PROJECT`, or undefined when `from` names a file. */
export function braintrustProjectOf(from: string): string | undefined {
  const match = /^braintrust:(.*)$/s.exec(from);
  if (!match) return undefined;
  const project = match[1].trim();
  if (!project)
    throw new UsageError(
      `--from "${from}": name the project, e.g. braintrust:my-project or braintrust:<project uuid>`,
    );
  return project;
}

export interface BraintrustLogsOptions {
  /** Project name or id (a UUID is used as the id without a lookup). */
  project: string;
  /** Default: `BRAINTRUST_API_KEY` from `env`. */
  apiKey?: string;
  /** Default: `BRAINTRUST_API_URL` from `env`, else https://api.braintrust.dev. */
  apiUrl?: string;
  /** Only rows created at or after this time (ISO 8601). */
  since?: string;
  /** Only rows created before this time (ISO 8601). */
  until?: string;
  /** Score, feedback and tag conditions, pushed down into the BTQL filter. */
  filters?: Omit<LogFilters, 'since' | 'until'>;
  /** At most this many rows in all. */
  limit?: number;
  /** Rows per request (default 1,000). */
  pageSize?: number;
  /** Tries per request on 429/5xx/timeouts (default 4). */
  maxAttempts?: number;
  /** First backoff delay; doubled per retry (default 500 ms). A Retry-After header wins. */
  retryBaseMs?: number;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
  /** Told before each retry (the CLI prints it). */
  onRetry?: (message: string) => void;
  /** Where the defaults come from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** What a fetch saw, filled as it goes. */
export interface BraintrustFetchStats {
  api_url: string;
  project_id?: string;
  project_name?: string;
  pages: number;
  rows: number;
  retries: number;
}

interface Settings {
  apiKey: string;
  apiUrl: string;
  project: string;
  filters: LogFilters;
  limit?: number;
  pageSize: number;
  maxAttempts: number;
  retryBaseMs: number;
  timeoutMs: number;
  onRetry?: (message: string) => void;
}

/** Validate everything before the first request: a missing key or a bad --since fails at once. */
function settingsOf(options: BraintrustLogsOptions): Settings {
  const env = options.env ?? process.env;
  const apiKey = (options.apiKey ?? env.BRAINTRUST_API_KEY ?? '').trim();
  if (!apiKey)
    throw new UsageError(
      'BRAINTRUST_API_KEY is not set: --from braintrust:PROJECT reads the project logs through the Braintrust API.',
      [
        'Create a key under Settings > API keys in Braintrust and export BRAINTRUST_API_KEY=… (in CI, from a secret).',
      ],
    );
  const rawUrl = (options.apiUrl ?? env.BRAINTRUST_API_URL ?? '').trim() || DEFAULT_BRAINTRUST_API_URL;
  let apiUrl: string;
  try {
    const url = new URL(rawUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    apiUrl = url.href.replace(/\/+$/, '');
  } catch {
    throw new UsageError(
      `BRAINTRUST_API_URL "${rawUrl}" is not an http(s) URL. Expected e.g. ${DEFAULT_BRAINTRUST_API_URL} (or your data plane URL).`,
    );
  }
  const filters: LogFilters = {
    ...options.filters,
    since: options.since === undefined ? undefined : isoTime(options.since, '--since'),
    until: options.until === undefined ? undefined : isoTime(options.until, '--until'),
  };
  // Built once here so a value BTQL cannot carry fails before the first request.
  filterExpression(filters);
  const whole = (name: string, n: number | undefined) => {
    if (n !== undefined && !(Number.isInteger(n) && n >= 1))
      throw new UsageError(`${name} ${n}: expected a whole number ≥ 1`);
    return n;
  };
  return {
    apiKey,
    apiUrl,
    project: options.project,
    filters,
    limit: whole('--limit', options.limit),
    pageSize: whole('page size', options.pageSize) ?? DEFAULT_PAGE_SIZE,
    maxAttempts: whole('attempts', options.maxAttempts) ?? DEFAULT_ATTEMPTS,
    retryBaseMs: options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onRetry: options.onRetry,
  };
}

/** A BTQL string literal. */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The BTQL query for one page of a project's logs (`since` and `filters` become one `filter:` clause). */
export function btqlQuery(page: {
  projectId: string;
  since?: string;
  filters?: LogFilters;
  limit: number;
  cursor?: string;
}): string {
  const parts = ['select: *', `from: project_logs(${literal(page.projectId)})`];
  const filter = filterExpression({ ...page.filters, since: page.since ?? page.filters?.since });
  if (filter) parts.push(`filter: ${filter}`);
  parts.push(`limit: ${page.limit}`);
  if (page.cursor) parts.push(`cursor: ${literal(page.cursor)}`);
  return parts.join(' | ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retry-After: delta seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (header.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Error codes of a failed fetch worth another try: the connection broke, not "nobody is there". */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function networkCause(error: unknown): { code?: string; message: string; timeout: boolean } {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { message: 'timed out', timeout: true };
  const code = e?.cause?.code;
  return { code, message: code ?? e?.cause?.message ?? e?.message ?? String(error), timeout: false };
}

/** A short, single-line excerpt of an error body (Braintrust answers text or `{"error": …}`). */
function bodyExcerpt(text: string): string {
  let message = text;
  try {
    const json = JSON.parse(text) as unknown;
    if (isRecord(json)) {
      const inner = json.error ?? json.message ?? json.detail;
      if (typeof inner === 'string') message = inner;
      else if (isRecord(inner) && typeof inner.message === 'string') message = inner.message;
    }
  } catch {
    // plain text
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

/** The thin HTTP layer: auth header, timeouts, retries with backoff, and every failure as a UsageError. */
class BraintrustClient {
  constructor(
    private readonly s: Settings,
    private readonly stats: BraintrustFetchStats,
  ) {}

  /** One JSON request; `what` names it in messages. `notFound` is the message for a 404. */
  async request(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    body: unknown,
    notFound: string,
  ): Promise<unknown> {
    const url = `${this.s.apiUrl}${pathAndQuery}`;
    const label = `${method} ${url.split('?')[0]}`;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method,
          headers: {
            Authorization: `Bearer ${this.s.apiKey}`,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.s.timeoutMs),
        });
        // Read inside the try: the timeout and a dropped connection can also strike while the body streams.
        text = await response.text();
      } catch (error) {
        const cause = networkCause(error);
        const transient = cause.timeout || (cause.code !== undefined && TRANSIENT_CODES.has(cause.code));
        if (transient && attempt < this.s.maxAttempts) {
          await this.backoff(attempt, undefined, `${label} ${cause.message}`);
          continue;
        }
        throw new UsageError(
          `Cannot reach the Braintrust API at ${this.s.apiUrl} (${label}: ${cause.message}${transient ? `, ${attempt} tries` : ''}).`,
          [
            `Check BRAINTRUST_API_URL (default ${DEFAULT_BRAINTRUST_API_URL}; a self-hosted or EU data plane has its own) and the network.`,
          ],
        );
      }
      if (response.ok) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new UsageError(
            `The Braintrust API answered ${label} with something that is not JSON: ${bodyExcerpt(text) || '(empty body)'}`,
            ['Check BRAINTRUST_API_URL: it should be the API (data plane) URL, not the app URL.'],
          );
        }
      }
      const status = response.status;
      if (status === 429 || status >= 500) {
        if (attempt < this.s.maxAttempts) {
          await this.backoff(
            attempt,
            retryAfterMs(response.headers.get('retry-after')),
            `${label} answered HTTP ${status}`,
          );
          continue;
        }
        throw new UsageError(
          `The Braintrust API answered ${label} with HTTP ${status} ${attempt} times${text ? `: ${bodyExcerpt(text)}` : ''}.`,
          [
            status === 429
              ? 'It is rate limiting this key: try again later, or fetch fewer rows (--limit, --since).'
              : 'The service is failing: try again later.',
          ],
        );
      }
      if (status === 401 || status === 403)
        throw new UsageError(
          `The Braintrust API rejected the API key (HTTP ${status} on ${label})${text ? `: ${bodyExcerpt(text)}` : ''}.`,
          [
            status === 401
              ? 'Check BRAINTRUST_API_KEY: it is missing a character, revoked, or for another data plane (BRAINTRUST_API_URL).'
              : 'BRAINTRUST_API_KEY is valid but may not read this project: check its organization and permissions.',
          ],
        );
      if (status === 404) throw new UsageError(notFound);
      throw new UsageError(
        `The Braintrust API answered ${label} with HTTP ${status}${text ? `: ${bodyExcerpt(text)}` : ''}.`,
      );
    }
  }

  private async backoff(attempt: number, retryAfter: number | undefined, what: string): Promise<void> {
    const delay = Math.min(retryAfter ?? this.s.retryBaseMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
    this.stats.retries++;
    this.s.onRetry?.(
      `${what}; retrying in ${(delay / 1000).toFixed(1)} s (try ${attempt + 1} of ${this.s.maxAttempts})`,
    );
    await sleep(delay);
  }
}

/** A project name → its id (a UUID is taken as the id). */
async function resolveProject(
  client: BraintrustClient,
  project: string,
): Promise<{ id: string; name?: string }> {
  if (UUID.test(project)) return { id: project };
  const notFound = `Braintrust project "${project}" not found (no project of that name is visible to BRAINTRUST_API_KEY). Check the name in --from braintrust:${project}, or pass the project's id.`;
  const result = await client.request(
    'GET',
    `/v1/project?project_name=${encodeURIComponent(project)}`,
    undefined,
    notFound,
  );
  const objects = isRecord(result) && Array.isArray(result.objects) ? result.objects : undefined;
  if (!objects)
    throw new UsageError(
      `The Braintrust API answered GET /v1/project without an "objects" list; is BRAINTRUST_API_URL the API URL?`,
    );
  const matches = objects.filter(
    (o): o is Record<string, unknown> => isRecord(o) && o.name === project && typeof o.id === 'string',
  );
  if (matches.length === 0) throw new UsageError(notFound);
  if (matches.length > 1)
    throw new UsageError(`${matches.length} Braintrust projects are named "${project}": pass one by id.`, [
      ...matches.map(
        (m) => `braintrust:${String(m.id)}${m.org_id ? ` (organization ${String(m.org_id)})` : ''}`,
      ),
    ]);
  return { id: matches[0].id as string, name: project };
}

/**
 * The rows of a project's logs, as importer records (`position` is `page P row R`), fetched one BTQL page
 * at a time as the consumer asks for them. Settings are validated when this is called, before any
 * request; HTTP failures surface as UsageErrors while iterating. A row without `project_id` gets the
 * project's id, so its origin names the project.
 */
export function braintrustLogRecords(
  options: BraintrustLogsOptions,
  stats?: BraintrustFetchStats,
): AsyncIterable<RawRecord> {
  const s = settingsOf(options);
  const st: BraintrustFetchStats = stats ?? { api_url: s.apiUrl, pages: 0, rows: 0, retries: 0 };
  st.api_url = s.apiUrl;
  return pages(s, st);
}

async function* pages(s: Settings, st: BraintrustFetchStats): AsyncGenerator<RawRecord> {
  const client = new BraintrustClient(s, st);
  const project = await resolveProject(client, s.project);
  st.project_id = project.id;
  st.project_name = project.name;
  const described = project.name ? `"${project.name}" (${project.id})` : project.id;
  let cursor: string | undefined;
  const seen = new Set<string>();
  while (s.limit === undefined || st.rows < s.limit) {
    const limit = Math.min(s.pageSize, s.limit === undefined ? Infinity : s.limit - st.rows);
    const query = btqlQuery({ projectId: project.id, filters: s.filters, limit, cursor });
    const result = await client.request(
      'POST',
      '/btql',
      { query, fmt: 'json' },
      `Braintrust project ${described} not found: its logs cannot be queried (HTTP 404 on POST /btql).`,
    );
    if (!isRecord(result) || !Array.isArray(result.data))
      throw new UsageError(
        `The Braintrust API answered POST /btql without a "data" list (page ${st.pages + 1} of project ${described}).`,
      );
    const rows = result.data as unknown[];
    if (rows.length === 0) break;
    st.pages++;
    const page = st.pages;
    for (const [i, row] of rows.slice(0, limit).entries()) {
      st.rows++;
      if (isRecord(row) && row.project_id === undefined) row.project_id = project.id;
      yield { value: row, position: `page ${page} row ${i + 1}`, path: [] };
    }
    const next = typeof result.cursor === 'string' && result.cursor ? result.cursor : undefined;
    if (!next) break;
    // A cursor that does not move would page forever.
    if (seen.has(next))
      throw new UsageError(
        `The Braintrust API returned the same cursor twice while paging project ${described} (after ${st.rows} row(s)); nothing was written.`,
      );
    seen.add(next);
    cursor = next;
  }
}
