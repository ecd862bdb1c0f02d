/**
 * Make untrusted text (case ids, origin URLs, dataset file names, thrown task and scorer messages, HTTP
 * error bodies) inert on a terminal and in a GitHub Actions log. The one function every printer uses: the
 * terminal renderer, the CLI's error printer, the action's annotations and its log calls.
 *
 * What it stops:
 * - terminal escapes: CSI (`ESC[2J` clears the screen), OSC (`ESC]8;;url` hyperlinks that hide where
 *   they point, `ESC]0;` window titles), other ESC sequences and their 8-bit C1 forms are removed;
 * - control characters that rewrite what is shown (CR returns to the line start and overwrites it,
 *   backspace, bell) are shown as `�`; bidi overrides ("Trojan Source") are dropped;
 * - line breaks: in a one-line field a break would start a new log line an attacker controls, so CR/LF
 *   and U+2028/2029 become ` ⏎ `; `neutraliseLines` keeps `\n` but checks every line;
 * - GitHub workflow commands: the runner reads a line whose first non-blank characters are `::` as a
 *   command (`::set-output`, `::add-mask::`, `::stop-commands::`, `::error::`), so such a line starts
 *   with `‹::›` instead; the legacy `##[command]` form, recognised anywhere in a line, becomes `# #[`.
 */
export function neutralise(text: unknown): string {
  return guardLine(stripControls(String(text)).replace(LINE_BREAKS, ' ⏎ '));
}

/** Like `neutralise`, for multi-line text (an error with its list of problems): `\n` stays a line break. */
export function neutraliseLines(text: unknown): string {
  return stripControls(String(text))
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .split('\n')
    .map(guardLine)
    .join('\n');
}

/** Cut one-line text to `max` characters, ending with `…` when something was cut. */
export function ellipsis(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - 1)).trimEnd() + '…';
}

// ESC sequences: OSC/DCS/SOS/PM/APC strings up to BEL or ST (or the end), CSI with its parameters, and
// two-character escapes; the same in their single-byte C1 forms (0x9B CSI, 0x9D OSC, …).
const ESCAPES =
  /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[\s\S]*?(?:\x07|\x1b\\|\x9c|$)|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b[ -/]*[0-~]?/g;
// C0 controls except TAB, LF and CR (handled by the callers), DEL and the remaining C1 controls.
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
const LINE_BREAKS = /\r\n|[\r\n\u2028\u2029]/g;

function stripControls(text: string): string {
  return text.replace(ESCAPES, '').replace(BIDI, '').replace(CONTROLS, '\ufffd').replace(/\t/g, ' ');
}

function guardLine(line: string): string {
  const guarded = line.replace(/##\[/g, '# #[');
  return /^\s*::/.test(guarded) ? guarded.replace(/^(\s*)::/, '$1‹::›') : guarded;
}

/**
 * Replace lone UTF-16 surrogates (from `"\ud800"` in a JSON file) with U+FFFD, so `encodeURIComponent` and
 * UTF-8 writers never throw on untrusted text.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
