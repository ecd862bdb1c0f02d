import { createHash } from 'node:crypto';
import type { Results } from '../run/results.js';
import { renderMarkdownReport } from '../report/markdown.js';
import { escapeMarkdown, safeLinkUrl } from '../report/escape.js';

/** GitHub rejects issue comment bodies longer than this. */
export const MAX_COMMENT_CHARS = 65_536;

/** A comment as the issues API lists it (only the fields the action reads). */
export interface CommentLike {
  id: number;
  body?: string | null;
  user?: { login?: string | null } | null;
}

/** What to do with the PR comment. */
export type CommentPlan =
  | { action: 'create'; body: string }
  | { action: 'update'; id: number; body: string }
  | { action: 'skip'; id?: number; reason: string };

/** The hidden marker that identifies this action's comment for one `comment-id`. */
export function commentMarker(commentId: string): string {
  return `<!-- tracegate:comment:${commentId} -->`;
}

/**
 * A digest of what the comment shows, independent of the run: timings and links to this run are left
 * out, so a re-run with identical results finds the same digest and writes nothing.
 */
export function reportDigest(results: Results): string {
  const stable = renderMarkdownReport({ ...results, duration_ms: 0, started_at: '' });
  return createHash('sha256').update(stable).digest('hex').slice(0, 32);
}

/** The marker and digest lines a body starts with. */
function header(marker: string, digest: string): string {
  return `${marker}\n<!-- tracegate:digest:${digest} -->\n`;
}

/** The digest recorded in a comment body, if any. */
export function digestOf(body: string | null | undefined): string | undefined {
  return body ? /<!-- tracegate:digest:([a-z0-9-]+) -->/.exec(body)?.[1] : undefined;
}

/** The final comment body: marker, digest, then the report, never over GitHub's limit. */
export function buildCommentBody(report: string, marker: string, digest: string): string {
  return truncateBody(header(marker, digest) + report);
}

/** Marks the re-running banner, so the next body can drop it from the previous report. */
const BANNER_START = '<!-- tracegate:banner -->';
const BANNER_END = '<!-- /tracegate:banner -->';

/**
 * The report a comment body shows, without the marker, digest and banner lines; undefined when the body
 * holds no results (a "running…" or error body without earlier results).
 */
export function previousReport(body: string | null | undefined): string | undefined {
  if (!body) return undefined;
  const digest = digestOf(body);
  let rest = body.replace(/^<!-- tracegate:(?:comment|digest):[^\n]*-->\n/gm, '');
  const start = rest.indexOf(BANNER_START);
  const end = rest.indexOf(BANNER_END);
  const bannered = start >= 0 && end > start;
  // A "running…" or error body holds earlier results only under its banner.
  if ((digest === 'running' || digest === 'error') && !bannered) return undefined;
  if (bannered) rest = rest.slice(0, start) + rest.slice(end + BANNER_END.length);
  rest = rest.replace(/^\n+/, '');
  return rest.trim() ? rest : undefined;
}

/**
 * The body posted before the evaluation runs, replaced when it is done. On a re-run the last verdict stays
 * readable under a banner that says it is being re-run (`previous` is the existing comment's body).
 */
export function runningCommentBody(
  marker: string,
  runUrl?: string,
  previous?: string | null,
  commit?: string,
): string {
  const link = safeLinkUrl(runUrl);
  const where = link ? ` ([workflow run](${link}))` : '';
  const at = commit && /^[0-9a-f]{7,40}$/i.test(commit) ? ` for commit ${commit.slice(0, 7)}` : '';
  const last = previousReport(previous);
  if (last) {
    return `${header(marker, 'running')}${BANNER_START}\n> ⏳ **tracegate is re-running**${at}${where}. The results below are from the previous run and are replaced when this one finishes.\n${BANNER_END}\n\n${last}`;
  }
  return `${header(marker, 'running')}### ⏳ tracegate is running…\n\nThe regression gate is evaluating this pull request${at}${where}; this comment is updated with the results when it finishes.\n`;
}

/**
 * The body that replaces "running…" when the run could not finish (bad config, a task that cannot start),
 * so the PR never keeps a comment that claims to be running. The error is quoted inertly; results of an
 * earlier run, if the comment held any, stay below, marked as such.
 */
export function errorCommentBody(
  marker: string,
  message: string,
  runUrl?: string,
  previous?: string | null,
): string {
  const link = safeLinkUrl(runUrl);
  const where = link ? ` See the [workflow run](${link}) for details.` : '';
  const lines = message
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(0, 20)
    .map((l) => `> ${escapeMarkdown(l.trim(), 500)}`);
  const last = previousReport(previous);
  const verdict = last
    ? `No verdict for the latest commit; the results below are from the previous run.${where}\n${BANNER_END}\n\n${last}`
    : `No verdict for this pull request yet.${where}\n`;
  return `${header(marker, 'error')}${last ? BANNER_START + '\n' : ''}### ⚠️ tracegate could not run\n\n${lines.join('\n')}\n\n${verdict}`;
}

/**
 * Keep a body under `max` characters: cut at the last line break that fits, close an open `<details>`,
 * and say what was cut. The renderer already stays under the limit; this is the last guard.
 */
export function truncateBody(body: string, max = MAX_COMMENT_CHARS): string {
  if (body.length <= max) return body;
  const note = `\n\n> ✂️ This comment was cut at GitHub's ${max.toLocaleString('en-US')}-character limit; the full report is in report.md and the job summary.\n`;
  let cut = body.slice(0, max - note.length - 20);
  const newline = cut.lastIndexOf('\n');
  if (newline > 0) cut = cut.slice(0, newline);
  const opened = (cut.match(/<details\b/g) ?? []).length - (cut.match(/<\/details>/g) ?? []).length;
  return cut + (opened > 0 ? '\n\n</details>' : '') + note;
}

/**
 * Find this action's comment: the first one carrying `marker` that was written by `login` (the token's
 * own user). A marked comment by anyone else (a copied body, another bot) is never picked.
 */
export function findOwnComment(
  comments: Iterable<CommentLike>,
  marker: string,
  login: string,
): CommentLike | undefined {
  const me = login.toLowerCase();
  for (const c of comments) {
    if (c.body?.includes(marker) && c.user?.login?.toLowerCase() === me) return c;
  }
  return undefined;
}

/**
 * Decide the write: create when there is no comment yet (and creating is allowed), skip when the existing
 * comment already shows the same results (same digest, or the very same body), else update in place.
 */
export function planComment(
  existing: CommentLike | undefined,
  body: string,
  options: { create: boolean },
): CommentPlan {
  if (!existing) {
    return options.create
      ? { action: 'create', body }
      : { action: 'skip', reason: 'no comment yet and none is needed' };
  }
  const before = digestOf(existing.body);
  const after = digestOf(body);
  if (
    existing.body === body ||
    (before !== undefined && before !== 'running' && before !== 'error' && before === after)
  ) {
    return { action: 'skip', id: existing.id, reason: 'the comment already shows these results' };
  }
  return { action: 'update', id: existing.id, body };
}
