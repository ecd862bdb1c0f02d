/** One fenced code block of a markdown page. */
export interface CodeBlock {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The language (first word of the info string), lower-cased; '' when none. */
  lang: string;
  /** The other words of the info string: what the docs test checks (`run`, `config`, `illustrative`, …). */
  attributes: string[];
  content: string;
}

/**
 * The fenced code blocks of a markdown page (``` or ~~~, any length, possibly indented), with their info
 * strings split into the language and the attributes the docs test reads.
 */
export function extractCodeBlocks(page: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split(/\r?\n/);
  let open: { fence: string; indent: number; line: number; info: string; body: string[] } | undefined;
  for (const [index, text] of lines.entries()) {
    if (!open) {
      const m = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/.exec(text);
      if (m) open = { fence: m[2], indent: m[1].length, line: index + 1, info: m[3].trim(), body: [] };
      continue;
    }
    const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
    if (close && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
      const [lang = '', ...attributes] = open.info.split(/\s+/).filter(Boolean);
      blocks.push({
        page,
        line: open.line,
        lang: lang.toLowerCase(),
        attributes,
        content: open.body.join('\n') + '\n',
      });
      open = undefined;
      continue;
    }
    open.body.push(text.slice(Math.min(open.indent, text.length - text.trimStart().length)));
  }
  return blocks;
}

/** A `tracegate` invocation found in a shell block. */
export interface CommandLine {
  /** The words after `tracegate` (quotes removed). */
  args: string[];
  /** The whole shell line it came from (comment removed), to run it. */
  shell: string;
  /** The exit code a trailing `# exits N` comment promises (default 0). */
  exits: number;
}

/**
 * The `tracegate` invocations in a shell block: continuation lines joined, comments cut (a `#` that
 * starts a word, so `module:./app.js#answer` stays), and each `&&`, `||`, `;` or `|` segment looked at.
 */
export function tracegateCommands(content: string): CommandLine[] {
  const found: CommandLine[] = [];
  const joined = content.replace(/\\\n\s*/g, ' ');
  for (const raw of joined.split('\n')) {
    if (/^\s*#/.test(raw) || !raw.trim()) continue;
    const exits = /#\s*exits\s+(\d+)/.exec(raw);
    const shell = raw.replace(/\s+#(\s.*)?$/, '').trim();
    for (const segment of shell.split(/&&|\|\||;|\|/)) {
      const words = shellWords(segment.trim());
      while (words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) words.shift(); // FOO=bar prefixes
      if (words[0] === 'npx') words.shift();
      if (words[0] !== 'tracegate') continue;
      found.push({ args: words.slice(1), shell, exits: exits ? Number(exits[1]) : 0 });
    }
  }
  return found;
}

/** Split a shell line into words, honouring single and double quotes (enough for documentation). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}
