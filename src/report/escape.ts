/** Bidirectional-override and isolate controls ("Trojan Source"): they can make quoted text read backwards. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/**
 * Escape untrusted text (model output, reasons quoting it, case ids) for a GitHub markdown table cell or
 * paragraph: it cannot open HTML, close a <details>, start a code span, a link, an image or math, break
 * the table, reference an issue, reorder itself with bidi controls, or @-mention anyone.
 */
export function escapeMarkdown(text: string, maxLength = 300): string {
  let t = text.length > maxLength ? text.slice(0, maxLength) + '…' : text;
  t = t
    .replace(BIDI_CONTROLS, '')
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g, '')
    // Backslash escapes first: the entities below contain '#', which must stay as it is.
    .replace(/([[\]\\*_~#$!])/g, '\\$1')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, '&#96;')
    .replace(/\|/g, '&#124;')
    // A zero-width joiner after @ keeps "@here" and "@org/team" from notifying anyone.
    .replace(/@/g, '@\u200d')
    .replace(/\r?\n|\r|\t/g, ' ');
  return t;
}

/**
 * A URL safe to put in a markdown link destination inside a table: only http(s), and every character that
 * could end the link, break the table or open HTML is percent-encoded. Anything else gives null.
 */
export function safeLinkUrl(url: string | null | undefined): string | null {
  if (!url || !/^https?:\/\/[^\s/?#]+/i.test(url.trim())) return null;
  return url
    .trim()
    .replace(/[^A-Za-z0-9\-._~:/?#@!$&+,;=%]/g, (ch) =>
      encodeURIComponent(ch).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    );
}

/** A code span for trusted-but-odd text (task specs, paths): no backticks or line breaks can escape it. */
export function codeSpan(text: string, maxLength = 120): string {
  const t = text.length > maxLength ? text.slice(0, maxLength) + '…' : text;
  return '`' + t.replace(/`/g, "'").replace(/\r?\n|\r/g, ' ') + '`';
}
