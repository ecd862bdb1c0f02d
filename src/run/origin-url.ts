import type { CaseOrigin } from '../cases/regression-case.js';
import { wellFormed } from '../util/neutralise.js';

/** How origin links are built: Braintrust permalinks, or a template for any other trace viewer. */
export interface OriginLinkSettings {
  /** e.g. `https://langfuse.example.com/trace/{id}?observation={span_id}` */
  template?: string;
  braintrust?: { app_url?: string; org?: string };
}

/**
 * The link from a case back to the span it came from. A direct `origin.url` wins; a Braintrust origin
 * (`project_logs` with an org configured) gets a permalink; otherwise the template is filled in.
 */
export function buildOriginUrl(
  origin: CaseOrigin | undefined,
  spanId: string | undefined,
  settings: OriginLinkSettings,
): string | null {
  if (!origin && !spanId) return null;
  if (origin?.url) return origin.url;
  const fields: Record<string, string | undefined> = {
    object_type: origin?.object_type,
    object_id: origin?.object_id,
    id: origin?.id,
    span_id: origin?.span_id ?? spanId,
  };
  const bt = settings.braintrust;
  if (bt?.org && origin?.object_type && origin.object_id && origin.id && !settings.template) {
    const app = (bt.app_url ?? 'https://www.braintrust.dev').replace(/\/$/, '');
    const q = new URLSearchParams({
      object_type: origin.object_type,
      object_id: origin.object_id,
      id: origin.id,
    });
    // URLSearchParams replaces lone surrogates itself; encodeURIComponent would throw on them.
    return `${app}/app/${encodeURIComponent(wellFormed(bt.org))}/object?${q.toString()}`;
  }
  if (!settings.template) return null;
  let missing = false;
  const url = settings.template.replace(/\{(object_type|object_id|id|span_id)\}/g, (_, key: string) => {
    const value = fields[key];
    if (!value) missing = true;
    return encodeURIComponent(wellFormed(value ?? ''));
  });
  return missing ? null : url;
}
