import { UsageError } from '../errors.js';

/** The API (data plane) base URL when `BRAINTRUST_API_URL` is not set. */
export const DEFAULT_API_URL = 'https://api.braintrust.dev';
/** The app (control plane, web UI) URL when `BRAINTRUST_APP_URL` is not set. */
export const DEFAULT_APP_URL = 'https://www.braintrust.dev';

/** Where and as whom tracegate talks to Braintrust. Built only when a command needs Braintrust. */
export interface BraintrustSettings {
  apiKey: string;
  /** Data plane: BTQL, logs3, /v1 REST. */
  apiUrl: string;
  /** Control plane: API-key login, object registration, and the base of permalinks. */
  appUrl: string;
  /** Organization name (`BRAINTRUST_ORG_NAME`); default: the key's first organization. */
  orgName?: string;
}

function httpUrl(name: string, raw: string, example: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return url.href.replace(/\/+$/, '');
  } catch {
    throw new UsageError(`${name} "${raw}" is not an http(s) URL. Expected e.g. ${example}.`);
  }
}

/**
 * Read the Braintrust settings from the environment, before any request: a missing key fails here, with
 * what needed it, so a run without a key never opens a connection.
 */
export function readBraintrustSettings(
  purpose: string,
  env: NodeJS.ProcessEnv = process.env,
): BraintrustSettings {
  const apiKey = (env.BRAINTRUST_API_KEY ?? '').trim();
  if (!apiKey)
    throw new UsageError(`BRAINTRUST_API_KEY is not set: ${purpose} needs Braintrust.`, [
      'Create a key under Settings > API keys in Braintrust and export BRAINTRUST_API_KEY=… (in CI, from a secret).',
      'Everything else in tracegate works on local files without a key.',
    ]);
  const apiUrl = httpUrl(
    'BRAINTRUST_API_URL',
    (env.BRAINTRUST_API_URL ?? '').trim() || DEFAULT_API_URL,
    DEFAULT_API_URL,
  );
  const appUrl = httpUrl(
    'BRAINTRUST_APP_URL',
    (env.BRAINTRUST_APP_URL ?? '').trim() || DEFAULT_APP_URL,
    DEFAULT_APP_URL,
  );
  const orgName = (env.BRAINTRUST_ORG_NAME ?? '').trim() || undefined;
  return { apiKey, apiUrl, appUrl, orgName };
}

/** The project from `--project`, the config's `braintrust.project`, or `BRAINTRUST_PROJECT`. */
export function resolveProject(
  flag: string | undefined,
  configured: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const project = (flag ?? configured ?? env.BRAINTRUST_PROJECT ?? '').trim();
  if (!project)
    throw new UsageError('No Braintrust project given.', [
      'Pass --project NAME, set "braintrust": {"project": "NAME"} in tracegate.config, or export BRAINTRUST_PROJECT.',
    ]);
  return project;
}
