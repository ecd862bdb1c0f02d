/** Characters XML 1.0 cannot carry at all (dropped), and those it must escape. */
const XML_INVALID = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_NEEDS_WORK = /[&<>"'\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * Escape text for XML attributes and bodies, dropping characters XML 1.0 cannot carry. Most text (case
 * ids, paths) needs nothing, and junit.xml escapes several strings per case, so that is checked first.
 */
export function escapeXml(text: string): string {
  if (!XML_NEEDS_WORK.test(text)) return text;
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
