/**
 * Escape untrusted text (model output, reasons quoting it, case ids) for a GitHub markdown table cell or
 * paragraph: it cannot open HTML, close a <details>, start a code span or a link, break the table, or
 * @-mention anyone.
 */
export function escapeMarkdown(text: string, maxLength = 300): string {
  let t = text.length > maxLength ? text.slice(0, maxLength) + '…' : text;
  t = t
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/`/g, '&#96;')
    .replace(/\|/g, '&#124;')
    .replace(/([[\]\\*_~#])/g, '\\$1')
    // A zero-width joiner after @ keeps "@here" and "@org/team" from notifying anyone.
    .replace(/@/g, '@\u200d')
    .replace(/\r?\n|\r/g, ' ');
  return t;
}

/** Escape text for XML attributes and bodies, dropping characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A code span for trusted-but-odd text (task specs, paths): no backticks or line breaks can escape it. */
export function codeSpan(text: string, maxLength = 120): string {
  const t = text.length > maxLength ? text.slice(0, maxLength) + '…' : text;
  return '`' + t.replace(/`/g, "'").replace(/\r?\n|\r/g, ' ') + '`';
}
