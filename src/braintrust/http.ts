import { UsageError } from '../errors.js';

/**
 * One HTTP layer for everything tracegate sends to Braintrust, the SDK's requests included (the SDK takes
 * a `fetch`): retries with backoff on 429, 5xx and broken connections, a Retry-After header honoured, and
 * every failure remembered so it can be turned into one clear message. The SDK retries some requests
 * itself, but not a 429 and never by Retry-After, so the retrying lives here.
 */

const DEFAULT_ATTEMPTS = 4;
const DEFAULT_RETRY_BASE_MS = 500;
/** A Retry-After longer than this is cut short (a CI job should not sleep for an hour). */
const MAX_RETRY_DELAY_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 60_000;
/** Error codes of a failed fetch worth another try: the connection broke, not "nobody is there". */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

export interface TransportOptions {
  apiKey: string;
  maxAttempts?: number;
  retryBaseMs?: number;
  timeoutMs?: number;
  /** Told before each retry (the CLI prints it). */
  onRetry?: (message: string) => void;
}

/** The last thing that went wrong, kept for the message the user sees. */
export interface TransportFailure {
  kind: 'auth' | 'exhausted' | 'network';
  label: string;
  status?: number;
  attempts: number;
  detail: string;
}

/** Retry-After: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (header.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A short, single-line excerpt of an error body (Braintrust answers text or `{"error": …}`). */
export function bodyExcerpt(text: string): string {
  let message = text;
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object') {
      const o = json as Record<string, unknown>;
      const inner = o.error ?? o.message ?? o.detail;
      if (typeof inner === 'string') message = inner;
      else if (
        inner &&
        typeof inner === 'object' &&
        typeof (inner as { message?: unknown }).message === 'string'
      )
        message = (inner as { message: string }).message;
    }
  } catch {
    // plain text
  }
  message = message.replace(/\s+/g, ' ').trim();
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function networkCause(error: unknown): { code?: string; message: string; timeout: boolean } {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { message: 'timed out', timeout: true };
  const code = e?.cause?.code;
  return { code, message: code ?? e?.cause?.message ?? e?.message ?? String(error), timeout: false };
}

/** The retrying fetch and what it saw. */
export class BraintrustTransport {
  readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly timeoutMs: number;
  /** Requests sent over the wire, retries included. */
  requests = 0;
  retries = 0;
  failure: TransportFailure | undefined;

  constructor(private readonly options: TransportOptions) {
    this.maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
    this.retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** A `fetch` with retries, for the SDK and for REST calls. */
  readonly fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = init.method ?? (input instanceof Request ? input.method : 'GET');
    const label = `${method} ${url.split('?')[0]}`;
    // The SDK asks for keep-alive on every request; a CLI that exits after its work does not need it.
    const { keepalive: _keepalive, ...rest } = init;
    for (let attempt = 1; ; attempt++) {
      this.requests++;
      let response: Response;
      try {
        response = await fetch(input, {
          ...rest,
          signal: init.signal ?? AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        const cause = networkCause(error);
        const transient = cause.timeout || (cause.code !== undefined && TRANSIENT_CODES.has(cause.code));
        if (transient && attempt < this.maxAttempts) {
          await this.backoff(attempt, undefined, `${label} ${cause.message}`);
          continue;
        }
        this.failure = { kind: 'network', label, attempts: attempt, detail: cause.message };
        throw error;
      }
      const status = response.status;
      if ((status === 429 || status >= 500) && attempt < this.maxAttempts) {
        const wait = retryAfterMs(response.headers.get('retry-after'));
        await response.arrayBuffer().catch(() => undefined);
        await this.backoff(attempt, wait, `${label} answered HTTP ${status}`);
        continue;
      }
      if (status === 429 || status >= 500 || status === 401 || status === 403) {
        const text = await response.text().catch(() => '');
        this.failure = {
          kind: status === 401 || status === 403 ? 'auth' : 'exhausted',
          label,
          status,
          attempts: attempt,
          detail: bodyExcerpt(text),
        };
        return new Response(text, { status, statusText: response.statusText, headers: response.headers });
      }
      // A success clears what an earlier, since-recovered failure left: messages name the failure that stuck.
      this.failure = undefined;
      return response;
    }
  };

  private async backoff(attempt: number, retryAfter: number | undefined, what: string): Promise<void> {
    const delay = Math.min(retryAfter ?? this.retryBaseMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
    this.retries++;
    this.options.onRetry?.(
      `${what}; retrying in ${(delay / 1000).toFixed(1)} s (try ${attempt + 1} of ${this.maxAttempts})`,
    );
    await sleep(delay);
  }

  /**
   * The error a user sees for a failed Braintrust operation: the HTTP failure this transport saw if there
   * was one (it is what went wrong, whatever the SDK wrapped it in), else the error's own message. The
   * API key never appears in it.
   */
  explain(what: string, error: unknown, apiUrl: string): UsageError {
    if (error instanceof UsageError) return error;
    const f = this.failure;
    const redact = (s: string) => s.split(this.options.apiKey).join('[BRAINTRUST_API_KEY]');
    if (f?.kind === 'auth')
      return new UsageError(
        redact(
          `Braintrust rejected the API key (HTTP ${f.status} on ${f.label})${f.detail ? `: ${f.detail}` : ''} — ${what} did not complete.`,
        ),
        [
          f.status === 401
            ? 'Check BRAINTRUST_API_KEY: it is missing a character, revoked, or for another deployment (BRAINTRUST_APP_URL / BRAINTRUST_API_URL).'
            : 'BRAINTRUST_API_KEY is valid but lacks permission here: check its organization (BRAINTRUST_ORG_NAME) and role.',
        ],
      );
    if (f?.kind === 'exhausted')
      return new UsageError(
        redact(
          `Braintrust answered ${f.label} with HTTP ${f.status} ${f.attempts} times${f.detail ? `: ${f.detail}` : ''} — ${what} did not complete.`,
        ),
        [
          f.status === 429
            ? 'It is rate limiting this key: try again later.'
            : 'The service is failing: try again later.',
        ],
      );
    if (f?.kind === 'network')
      return new UsageError(
        redact(`Cannot reach Braintrust (${f.label}: ${f.detail}) — ${what} did not complete.`),
        [
          `Check BRAINTRUST_API_URL and BRAINTRUST_APP_URL (default ${apiUrl.includes('braintrust.dev') ? 'the public deployment' : apiUrl}) and the network.`,
        ],
      );
    const message = error instanceof Error ? error.message : String(error);
    return new UsageError(redact(`Braintrust: ${what} failed: ${bodyExcerpt(message)}`));
  }

  /**
   * One JSON request to a REST endpoint. A 404 gives `undefined` when `allow404`; any other failure is a
   * UsageError naming the request.
   */
  async json(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    body?: unknown,
    options: { allow404?: boolean; what?: string } = {},
  ): Promise<unknown> {
    const what = options.what ?? `${method} ${url.split('?')[0]}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.options.apiKey}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw this.explain(what, error, url);
    }
    const text = await response.text();
    if (response.status === 404 && options.allow404) return undefined;
    if (!response.ok) {
      if (this.failure && this.failure.label === `${method} ${url.split('?')[0]}`)
        throw this.explain(what, new Error(text), url);
      throw new UsageError(
        `Braintrust answered ${method} ${url.split('?')[0]} with HTTP ${response.status}${text ? `: ${bodyExcerpt(text)}` : ''} — ${what} did not complete.`,
      );
    }
    try {
      return text ? (JSON.parse(text) as unknown) : {};
    } catch {
      throw new UsageError(
        `Braintrust answered ${method} ${url.split('?')[0]} with something that is not JSON: ${bodyExcerpt(text) || '(empty body)'}`,
        ['Check BRAINTRUST_API_URL: it should be the API (data plane) URL, not the app URL.'],
      );
    }
  }
}
