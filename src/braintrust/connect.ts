import { BraintrustState } from 'braintrust';
import { UsageError } from '../errors.js';
import { BraintrustTransport } from './http.js';
import { readBraintrustSettings, type BraintrustSettings } from './settings.js';

/** A logged-in Braintrust session: the SDK's state plus the transport every request goes through. */
export interface BraintrustConnection {
  settings: BraintrustSettings;
  transport: BraintrustTransport;
  /** The SDK's state, private to this connection (never the SDK's global one). */
  state: BraintrustState;
  /** The organization the key logged into. */
  orgName: string;
  /** Errors the SDK's background logger hit while flushing (it does not throw them). */
  flushErrors: unknown[];
  /** A REST URL on the data plane. */
  api(pathAndQuery: string): string;
}

export interface ConnectOptions {
  env?: NodeJS.ProcessEnv;
  onRetry?: (message: string) => void;
  retryBaseMs?: number;
}

/**
 * Check the key, then log in through the SDK (POST /api/apikey/login on the app URL) with tracegate's
 * retrying fetch. `purpose` names the command in every message. Throws UsageError (exit 2) when the key is
 * missing (before any request) or rejected.
 */
export async function connectBraintrust(
  purpose: string,
  options: ConnectOptions = {},
): Promise<BraintrustConnection> {
  const settings = readBraintrustSettings(purpose, options.env);
  const transport = new BraintrustTransport({
    apiKey: settings.apiKey,
    onRetry: options.onRetry,
    retryBaseMs: options.retryBaseMs,
  });
  const flushErrors: unknown[] = [];
  const loginOptions = {
    apiKey: settings.apiKey,
    appUrl: settings.appUrl,
    orgName: settings.orgName,
    fetch: transport.fetch as typeof globalThis.fetch,
    // The CLI flushes explicitly and reports failures; the SDK would otherwise log them and carry on.
    noExitFlush: true,
    onFlushError: (error: unknown) => flushErrors.push(error),
  };
  const state = new BraintrustState(loginOptions);
  try {
    await state.login({ ...loginOptions, forceLogin: true });
  } catch (error) {
    throw transport.explain(`logging in for ${purpose}`, error, settings.apiUrl);
  }
  // The SDK takes the data plane from BRAINTRUST_API_URL, else from the login answer (an EU or self-hosted
  // organization has its own): REST calls and messages use the same one, so both go where the SDK writes.
  if (state.apiUrl) settings.apiUrl = state.apiUrl.replace(/\/+$/, '');
  if (!state.orgName)
    throw new UsageError(`Braintrust login answered without an organization — ${purpose} cannot continue.`);
  return {
    settings,
    transport,
    state,
    orgName: state.orgName,
    flushErrors,
    api: (p) => `${settings.apiUrl}${p.startsWith('/') ? p : `/${p}`}`,
  };
}

/** Flush what the SDK queued, and fail (exit 2) with the first error it hit: nothing is silently dropped. */
export async function flushOrFail(
  connection: BraintrustConnection,
  what: string,
  flush: () => Promise<void>,
): Promise<void> {
  try {
    await flush();
  } catch (error) {
    throw connection.transport.explain(what, error, connection.settings.apiUrl);
  }
  if (connection.flushErrors.length)
    throw connection.transport.explain(what, connection.flushErrors[0], connection.settings.apiUrl);
}

/**
 * A link into the Braintrust app for one row, in the format the SDK's `permalink` uses:
 * `<app>/app/<org>/object?object_type=…&object_id=…&id=…`.
 */
export function objectPermalink(
  appUrl: string,
  org: string,
  ref: { object_type: string; object_id: string; id: string },
): string {
  const q = new URLSearchParams({ object_type: ref.object_type, object_id: ref.object_id, id: ref.id });
  return `${appUrl.replace(/\/+$/, '')}/app/${encodeURIComponent(org)}/object?${q.toString()}`;
}

/** The page of one experiment in the app, as the SDK's `summarize` builds it. */
export function experimentUrl(appUrl: string, org: string, project: string, experiment: string): string {
  return `${appUrl.replace(/\/+$/, '')}/app/${encodeURIComponent(org)}/p/${encodeURIComponent(project)}/experiments/${encodeURIComponent(experiment)}`;
}
