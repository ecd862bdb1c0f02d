/** How the judge client retries: attempts, the backoff curve and the longest server-requested wait it accepts. */
export interface RetryPolicy {
  maxRetries: number;
  /** First backoff in milliseconds (doubles per attempt). */
  baseDelayMs: number;
  /** Ceiling of the exponential backoff. */
  maxDelayMs: number;
  /** The longest Retry-After the client honours; longer requests fail instead of stalling the run. */
  maxRetryWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryWaitMs: 60000,
};

/** HTTP statuses worth another attempt: request timeout, conflict/lock, rate limit, server errors. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === 408 || status === 409 || status === 429 || (status !== undefined && status >= 500);
}

/**
 * Milliseconds the server asked us to wait, from `retry-after-ms` or `Retry-After` (seconds or an HTTP
 * date), or undefined when it said nothing usable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null } | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt` (0-based). A server's Retry-After is honoured as given (plus up to
 * 10% jitter so clients that were told the same moment do not return in lockstep); otherwise exponential
 * backoff with "equal jitter" (half fixed, half random), so many clients spread out without ever retrying
 * immediately. Returns undefined when the server asks for longer than the policy accepts.
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryWaitMs) return undefined;
    return Math.round(retryAfterMs * (1 + 0.1 * random()));
  }
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (cap / 2) * random());
}
