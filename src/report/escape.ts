import { wellFormed } from '../util/neutralise.js';

/** Bidirectional-override and isolate controls ("Trojan Source"): they can make quoted text read backwards. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * What GitHub would turn into a live link or a notification inside plain text: @-mentions (`@here`,
 * `@org/team`), bare URLs (`https://…`, `www.…`), e-mail addresses and issue references (`#12`, `GH-12`,
 * `owner/repo#12`). Such a token is shown in a code span, where GitHub links nothing and notifies no one,
 * and which copies as the very text (no invisible characters). The character classes exclude backticks,
 * pipes and angle brackets, so the code span cannot be closed early, break a table, or open HTML.
 */
const AUTOLINK =
  /(?<![A-Za-z0-9_])@[A-Za-z0-9][A-Za-z0-9_/-]*|\b(?:https?|ftp):\/\/[^\s`<>|"\\]+|\bwww\.[^\s`<>|"\\]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|\b[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+#\d+|(?<![A-Za-z0-9_&])(?:#|GH-)\d+/gi;

/**
 * Escape untrusted text (model output, reasons quoting it, case ids) for a GitHub markdown table cell or
 * paragraph: it cannot open HTML, close a <details>, start a code span, a link, an image or math, break
 * the table, reorder itself with bidi controls, and no URL, mention or reference in it becomes a live
 * link or a notification (those are shown as code, see AUTOLINK).
 */
export function escapeMarkdown(text: string, maxLength = 300): string {
  let t = text.length > maxLength ? text.slice(0, maxLength) + '…' : text;
  t = t
    .replace(BIDI_CONTROLS, '')
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g, '')
    .replace(/\r?\n|\r|\t/g, ' ');
  let out = '';
  let last = 0;
  for (const m of t.matchAll(AUTOLINK)) {
    // Two code spans back to back would read as one double-backtick run: keep a space between them.
    const gap = m.index === last && out.endsWith('`') ? ' ' : '';
    out += escapePlain(t.slice(last, m.index)) + gap + '`' + m[0] + '`';
    last = m.index + m[0].length;
  }
  return out + escapePlain(t.slice(last));
}

function escapePlain(t: string): string {
  return (
    t
      // Backslash escapes first: the entities below contain '#', which must stay as it is.
      .replace(/([[\]\\*_~#$!])/g, '\\$1')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/`/g, '&#96;')
      .replace(/\|/g, '&#124;')
  );
}

/**
 * A URL safe to put in a markdown link destination inside a table: only http(s), and every character that
 * could end the link, break the table or open HTML is percent-encoded. Anything else gives null.
 */
export function safeLinkUrl(url: string | null | undefined): string | null {
  if (!url || !/^https?:\/\/[^\s/?#]+/i.test(url.trim())) return null;
  // Whole code points (the u flag), lone surrogates replaced: encodeURIComponent throws on half a pair.
  return wellFormed(url.trim()).replace(/[^A-Za-z0-9\-._~:/?#@!$&+,;=%]/gu, (ch) =>
    encodeURIComponent(ch).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  );
}

/** A code span for trusted-but-odd text (task specs, paths): no backticks or line breaks can escape it. */
export function codeSpan(text: string, maxLength = 120): string {
  const t = text.length > maxLength ? text.slice(0, maxLength) + '…' : text;
  return '`' + t.replace(/`/g, "'").replace(/\r?\n|\r/g, ' ') + '`';
}
