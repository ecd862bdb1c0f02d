/**
 * Reading a task output as JSON, with a diagnosis of *why* it is not JSON. JSON.parse does the parsing;
 * the hand-written part only classifies the failure (prose, prose around JSON, a fence, a trailing comma)
 * and turns V8's character offset into a line and column, which no library does for us.
 */

/** Why an output is not one clean JSON value. */
export type JsonFailureKind = 'empty' | 'prose' | 'wrapped' | 'fenced' | 'trailing-comma' | 'syntax';

export type JsonReadResult =
  | { ok: true; value: unknown; fenced: boolean }
  | {
      ok: false;
      kind: JsonFailureKind;
      /** One line for the PR comment. */
      reason: string;
      /** JSON.parse's own message. */
      error?: string;
      position?: number;
      line?: number;
      column?: number;
      snippet?: string;
    };

const FENCE = /^\s*```(?:json|JSON)?[ \t]*\r?\n([\s\S]*?)\r?\n?```\s*$/;

/**
 * Parse a task output as exactly one JSON value. Non-strings (the task returned an object) pass as they are.
 * With `allowFence`, a single ```json … ``` block that is the whole output is unwrapped first.
 */
export function readJson(output: unknown, options: { allowFence?: boolean } = {}): JsonReadResult {
  if (output === undefined) return { ok: false, kind: 'empty', reason: 'no output' };
  if (typeof output !== 'string') return { ok: true, value: output, fenced: false };
  if (output.trim() === '') return { ok: false, kind: 'empty', reason: 'output is empty' };
  let text = output;
  let fenced = false;
  const fence = FENCE.exec(output);
  if (fence) {
    if (!options.allowFence) {
      const inner = tryParse(fence[1]);
      if (inner.ok) {
        return {
          ok: false,
          kind: 'fenced',
          reason: 'JSON is wrapped in a ``` fence (set allow_fence: true to accept)',
        };
      }
    } else {
      text = fence[1];
      fenced = true;
    }
  }
  const parsed = tryParse(text);
  if (parsed.ok) return { ok: true, value: parsed.value, fenced };
  return { ok: false, ...diagnose(text, parsed.error) };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function diagnose(text: string, error: string): Omit<Extract<JsonReadResult, { ok: false }>, 'ok'> {
  const trimmed = text.trimStart();
  const embedded = findEmbeddedJson(text);
  if (embedded) {
    const before = text.slice(0, embedded.start).trim();
    const after = text.slice(embedded.end).trim();
    const where = [before && `${before.length} chars of prose before it`, after && `${after.length} after it`]
      .filter(Boolean)
      .join(', ');
    return {
      kind: 'wrapped',
      reason: `JSON value wrapped in prose (${where}): starts "${clip(before || after, 40)}"`,
      error,
      position: embedded.start,
      ...lineColumn(text, embedded.start),
    };
  }
  const position = positionOf(error, text);
  const at: { position?: number; line?: number; column?: number; snippet?: string } =
    position === undefined
      ? {}
      : { position, ...lineColumn(text, position), snippet: snippetAt(text, position) };
  if (!/^[{["\d-]|^(true|false|null)\b/.test(trimmed)) {
    return { kind: 'prose', reason: `output is prose, not JSON: "${clip(trimmed, 50)}"`, error, ...at };
  }
  const trailing = /,\s*[}\]]/g;
  for (let m = trailing.exec(text); m; m = trailing.exec(text)) {
    if (position === undefined || Math.abs(m.index - position) <= m[0].length + 1) {
      return {
        kind: 'trailing-comma',
        reason: `trailing comma at line ${lineColumn(text, m.index).line}, column ${lineColumn(text, m.index).column}`,
        error,
        position: m.index,
        ...lineColumn(text, m.index),
        snippet: snippetAt(text, m.index),
      };
    }
  }
  const loc = at.line !== undefined ? ` at line ${at.line}, column ${at.column}` : '';
  return {
    kind: 'syntax',
    reason: `invalid JSON${loc}: ${error.replace(/ in JSON at position \d+.*$/, '')}`,
    error,
    ...at,
  };
}

/** The first `{`/`[` whose balanced extent parses as JSON, when it does not cover the whole text. */
function findEmbeddedJson(text: string): { start: number; end: number } | undefined {
  for (let start = 0; start < text.length; start++) {
    const ch = text[start];
    if (ch !== '{' && ch !== '[') continue;
    const close = ch === '{' ? '}' : ']';
    for (let end = text.lastIndexOf(close); end > start; end = text.lastIndexOf(close, end - 1)) {
      if (tryParse(text.slice(start, end + 1)).ok) {
        if (start === 0 && text.slice(end + 1).trim() === '') return undefined;
        return { start, end: end + 1 };
      }
    }
    return undefined; // only try the first opening bracket: O(n) parses at most
  }
  return undefined;
}

/** V8 reports `… at position N` (Node 20+), sometimes with `(line L column C)`; older messages name a token only. */
function positionOf(error: string, text: string): number | undefined {
  const m = /position (\d+)/.exec(error);
  if (m) return Number(m[1]);
  if (/Unexpected end of JSON input/.test(error)) return text.length;
  const token = /Unexpected token '?(.)'?,/.exec(error);
  if (token) {
    const i = text.indexOf(token[1]);
    return i >= 0 ? i : undefined;
  }
  return undefined;
}

/** 1-based line and column of a character offset. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return { line, column: position - before.lastIndexOf('\n') };
}

function snippetAt(text: string, position: number): string {
  return text.slice(Math.max(0, position - 20), position + 20).replace(/\s+/g, ' ');
}

/** Shorten to n characters on one line. */
export function clip(text: string, n: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

/** The output as a JSON object when it is one (parsed leniently: a fence is fine here), else undefined. */
export function outputObject(output: unknown): Record<string, unknown> | undefined {
  const read = readJson(output, { allowFence: true });
  return read.ok && read.value && typeof read.value === 'object' && !Array.isArray(read.value)
    ? (read.value as Record<string, unknown>)
    : undefined;
}

/**
 * The answer text of an output: `output[field]` when the output is a JSON object holding that string field,
 * otherwise the output itself as text. `field: ''` always uses the whole output.
 */
export function answerText(output: unknown, field: string): string {
  if (field) {
    const obj = outputObject(output);
    const value = obj?.[field];
    if (typeof value === 'string') return value;
  }
  if (typeof output === 'string') return output;
  if (output === undefined || output === null) return '';
  return JSON.stringify(output);
}

/** Read a dotted path (`a.b.0.c`) from a JSON value. */
export function getPath(value: unknown, dotted: string): unknown {
  let v = value;
  for (const key of dotted.split('.').filter(Boolean)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
