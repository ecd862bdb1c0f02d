import type { RegressionCase } from '../cases/regression-case.js';
import { escapeMarkdown, safeLinkUrl } from '../report/escape.js';
import { buildOriginUrl, type OriginLinkSettings } from '../run/origin-url.js';

/** The hidden marker that identifies the harvest pull request's body. */
export const HARVEST_MARKER = '<!-- tracegate:harvest -->';
/** GitHub's limit on a pull request body, with room for the truncation note. */
const MAX_BODY = 65_000;

/** One row of the harvest pull request, with the dataset it is added to. */
export interface HarvestedRow {
  dataset: string;
  row: RegressionCase;
}

function cell(text: unknown, max = 160): string {
  return escapeMarkdown(typeof text === 'string' ? text : JSON.stringify(text ?? ''), max);
}

/**
 * The harvest pull request's body: every row it adds, with what failed, how often, which scorer catches
 * it (each row is verified), and a link to the trace it came from. Untrusted text is escaped; links are
 * http(s) only.
 */
export function renderHarvestBody(rows: HarvestedRow[], links: OriginLinkSettings = {}): string {
  const head = [
    HARVEST_MARKER,
    `## tracegate harvest: ${rows.length} regression row(s) from production failures`,
    '',
    "Each row below failed in production, was queued for review, met the promotion policy, and **fails its failure mode's blocking scorers on the recorded output** (verified), so the gate now catches it. Rows are scrubbed of personal data and secrets.",
    '',
    '| row | dataset | failure mode | what failed | seen | caught by | origin |',
    '|---|---|---|---|---|---|---|',
  ];
  const lines: string[] = [];
  for (const { dataset, row } of rows) {
    const m = row.metadata as Record<string, any>;
    const cluster = (m.cluster ?? {}) as { size?: number };
    const caught = Array.isArray(m.verified_by)
      ? m.verified_by
          .map((v: { scorer: string; score: number }) => `${v.scorer} ${Number(v.score).toFixed(2)}`)
          .join(', ')
      : m.verified === false
        ? '⚠️ unverified'
        : '—';
    const url = safeLinkUrl(buildOriginUrl(row.origin, m.source_span_id, links));
    const origin = url
      ? `[trace](${url})`
      : cell(`${row.origin?.object_type ?? ''}/${row.origin?.id ?? ''}`, 80);
    const what = [m.signature_basis, m.evidence?.reason].filter(Boolean).join(' — ');
    lines.push(
      `| \`${cell(row.id, 40)}\` | ${cell(dataset, 80)} | ${cell(m.failure_mode, 40)} | ${cell(what, 200)} | ×${cluster.size ?? 1} | ${cell(caught, 80)} | ${origin} |`,
    );
  }
  const foot = [
    '',
    'Merge to add them to the datasets; close to drop them (reject the items with `tracegate review reject ID` so they are not proposed again).',
  ];
  let body = [...head, ...lines, ...foot].join('\n');
  if (body.length > MAX_BODY) {
    let kept = lines.length;
    while (kept > 0 && [...head, ...lines.slice(0, kept)].join('\n').length > MAX_BODY - 400) kept--;
    body = [
      ...head,
      ...lines.slice(0, kept),
      '',
      `…and ${lines.length - kept} more row(s): the body is cut at GitHub's size limit; the diff holds them all.`,
      ...foot,
    ].join('\n');
  }
  return body;
}
