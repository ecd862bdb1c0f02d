import { wellFormed } from './neutralise.js';

/**
 * Known secrets (the judge key, GitHub and Braintrust tokens, any environment variable the config names as
 * a key) are replaced by `[REDACTED]` wherever tracegate writes text: results.json, report.md, junit.xml,
 * stdout/stderr, the job summary, the PR comment. A redactor is built once per run and applied at each
 * output's single write point, so an endpoint that echoes the `Authorization` header (an OpenAI-style 401
 * quoting `sk-proj-…`) cannot carry the key into any file or log.
 */

/** What a secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not redacted: replacing every "test" or "1234" would wreck the output. */
export const MIN_SECRET_LENGTH = 8;

/** Environment variables that hold secrets tracegate itself reads (and the action's secret inputs). */
export const SECRET_ENV_NAMES = [
  'OPENAI_API_KEY',
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'BRAINTRUST_API_KEY',
  'INPUT_GITHUB-TOKEN',
  'INPUT_JUDGE-API-KEY',
  'INPUT_BRAINTRUST-API-KEY',
] as const;

/** Replaces known secrets in text; `secrets` lists what it looks for (longest first). */
export interface Redactor {
  (text: string): string;
  readonly secrets: readonly string[];
}

/**
 * Build a redactor for `secrets` (empty and short values are ignored). Besides each value as given, it
 * looks for the forms an output escapes it into (JSON, XML, markdown, percent-encoding), so a key is
 * caught after a renderer has escaped it too.
 */
export function createRedactor(secrets: Iterable<string | null | undefined>): Redactor {
  const forms = new Set<string>();
  for (const raw of secrets) {
    const secret = raw?.trim();
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(escapeXmlLike(secret));
    forms.add(escapeMarkdownLike(secret));
    forms.add(encodeURIComponent(wellFormed(secret)));
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  const redact = ((text: string): string => {
    if (list.length === 0 || typeof text !== 'string') return text;
    let out = text;
    for (const form of list) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }) as Redactor;
  Object.defineProperty(redact, 'secrets', { value: list });
  return redact;
}

/** A redactor that changes nothing (library calls that know no secret). */
export const noRedaction: Redactor = createRedactor([]);

/**
 * The secret values in `env`: the well-known names plus `extraNames` (e.g. the config's
 * `judge.api_key_env`), and every variable whose name says it is a key or token.
 */
export function secretsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  extraNames: Iterable<string | undefined> = [],
): string[] {
  const names = new Set<string>([...SECRET_ENV_NAMES]);
  for (const name of extraNames) if (name) names.add(name);
  for (const name of Object.keys(env)) {
    if (/(?:^|_)(?:API_?KEY|TOKEN|SECRET|PASSWORD)$/i.test(name) && !/^(?:npm_|JEST_)/i.test(name))
      names.add(name);
  }
  return [...names].map((n) => env[n]).filter((v): v is string => Boolean(v));
}

/**
 * Environment variable names the config points at as keys: every string value of a key ending in `_env`
 * (`judge.api_key_env`, a scorer's `api_key_env`, …), anywhere in the config.
 */
export function secretEnvNamesInConfig(config: unknown): string[] {
  const names: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 20 || !value || typeof value !== 'object') return;
    for (const [key, v] of Object.entries(value)) {
      if (/_env$/i.test(key) && typeof v === 'string') names.push(v);
      else walk(v, depth + 1);
    }
  };
  walk(config, 0);
  return names;
}

/** Redact an error's message (and stack) in place, so whoever prints it cannot leak a key. */
export function redactError<T>(error: T, redact: Redactor): T {
  if (error instanceof Error) {
    try {
      error.message = redact(error.message);
      if (error.stack) error.stack = redact(error.stack);
    } catch {
      // A frozen error object: the printer's own redaction still applies.
    }
  }
  return error;
}

/** The report's markdown escaping of plain text (backslash escapes, then entities). */
function escapeMarkdownLike(text: string): string {
  return text
    .replace(/([[\]\\*_~#$!])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, '&#96;')
    .replace(/\|/g, '&#124;');
}

function escapeXmlLike(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
