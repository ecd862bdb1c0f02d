import { neutralise } from '../util/neutralise.js';

/**
 * Untrusted text (model output, reasons quoting it, ids from traces) made safe for one terminal or CI
 * log line: control characters and escape sequences removed, line breaks folded, and a leading `::`
 * broken so a GitHub workflow command cannot be injected. Cut at `max` characters with `…`.
 */
export function plainText(text: unknown, max = 200): string {
  let t = (typeof text === 'string' ? text : (JSON.stringify(text) ?? String(text)))
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?/g, '')
    .replace(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (t.length > max) t = t.slice(0, max - 1) + '…';
  // A leading space does not help: the runner trims it before reading `::` as a workflow command.
  return neutralise(t);
}
