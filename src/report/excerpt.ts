/**
 * The part of a model's output worth quoting next to a failing case: a window of about `width` characters
 * centred on the evidence the reasons point at (a quoted unsupported claim, a wrong argument value), not
 * just the first characters. Evidence is the first quoted fragment of a reason ("…", '…', “…”) that the
 * output contains; without one, the window is the start. `…` marks the cut ends. Pure.
 */
export function excerptAround(output: string, reasons: readonly string[], width = 120): string {
  const text = output.replace(/\s+/g, ' ').trim();
  if (text.length <= width) return text;
  const lower = text.toLowerCase();
  let at = -1;
  let len = 0;
  for (const fragment of evidence(reasons)) {
    const i = lower.indexOf(fragment.toLowerCase());
    if (i >= 0) {
      at = i;
      len = fragment.length;
      break;
    }
  }
  if (at < 0) {
    const space = text.lastIndexOf(' ', width - 1);
    return text.slice(0, space > width - 16 ? space : width - 1).trimEnd() + '…';
  }
  let start = Math.max(0, Math.min(at - Math.floor((width - len) / 2), text.length - width));
  let end = Math.min(text.length, start + width);
  // Cut between words when a space is near, never inside the evidence.
  if (start > 0) {
    const space = text.indexOf(' ', start);
    if (space >= 0 && space < Math.min(at, start + 15)) start = space + 1;
  }
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > Math.max(at + len, end - 15)) end = space;
  }
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

/** Fragments the reasons quote, longest first within each reason, in reason order. */
function evidence(reasons: readonly string[]): string[] {
  const out: string[] = [];
  for (const reason of reasons) {
    const quoted = [...reason.matchAll(/"([^"]{2,80})"|“([^”]{2,80})”|'([^']{2,80})'/g)]
      .map((m) => m[1] ?? m[2] ?? m[3])
      .sort((a, b) => b.length - a.length);
    out.push(...quoted);
  }
  return out;
}
