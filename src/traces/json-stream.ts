import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** A key or an array index on the way from a document's root to a value. */
export type PathSegment = string | number;

/** `$.resourceSpans[0].scopeSpans[1].spans[5]`: where a record sits in a JSON document. */
export function formatPath(path: PathSegment[]): string {
  return (
    '$' +
    path
      .map((p) =>
        typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`,
      )
      .join('')
  );
}

interface Frame {
  array: boolean;
  /** Object: the current key. */
  key?: string;
  /** Array: the current index. */
  index: number;
  state: 'key' | 'colon' | 'value' | 'comma';
}

interface Capture {
  start: number;
  scan: number;
  depth: number;
  inString: boolean;
  path: PathSegment[];
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * A streaming splitter for one large JSON document: it walks the document's skeleton itself and hands
 * every object or array at a selected path, whole, to `JSON.parse` (native and fast), so memory holds one
 * record at a time, never the document. This is what lets a 200 MB OTLP export be imported span by span.
 * (A general token-level streaming parser would also do, but costs a JS callback per token; here JS only
 * scans for quotes and brackets with a native regex, and only the skeleton is tokenised.)
 */
export class JsonSplitter {
  private buf = '';
  private pos = 0;
  /** Characters dropped from the front of `buf` so far (for error offsets). */
  private dropped = 0;
  private readonly stack: Frame[] = [];
  private rootDone = false;
  private capture: Capture | null = null;

  constructor(
    private readonly select: (path: PathSegment[]) => boolean,
    private readonly emit: (value: unknown, path: PathSegment[]) => void,
  ) {}

  /** Feed the next piece of text. Throws a SyntaxError (with the character offset) on malformed JSON. */
  write(chunk: string): void {
    this.buf = this.pos > 0 ? this.buf.slice(this.pos) + chunk : this.buf + chunk;
    this.dropped += this.pos;
    this.pos = 0;
    this.run();
  }

  /** The document is complete: anything left open is an error. */
  end(): void {
    this.run(true);
    if (this.capture || this.stack.length > 0) throw this.error('unexpected end of JSON input');
    if (!this.rootDone) throw this.error('no JSON value in input');
  }

  private path(): PathSegment[] {
    return this.stack.map((f) => (f.array ? f.index : (f.key as string)));
  }

  private error(message: string): SyntaxError {
    return new SyntaxError(`${message} at character ${this.dropped + this.pos}`);
  }

  private run(final = false): void {
    for (;;) {
      if (this.capture) {
        if (!this.scanCapture()) return;
        continue;
      }
      if (!this.step(final)) return;
    }
  }

  /**
   * Scan the open capture; true when the captured value completed (and was emitted). A plain loop over
   * char codes: only quotes, backslashes inside strings, and brackets outside them matter.
   */
  private scanCapture(): boolean {
    const c = this.capture as Capture;
    const buf = this.buf;
    const length = buf.length;
    let i = c.scan;
    let inString = c.inString;
    let depth = c.depth;
    for (; i < length; i++) {
      const code = buf.charCodeAt(i);
      if (inString) {
        if (code === 0x5c) {
          if (i + 1 >= length) break; // the escaped character is in the next chunk
          i++;
        } else if (code === 0x22) inString = false;
      } else if (code === 0x22) inString = true;
      else if (code === 0x7b || code === 0x5b) depth++;
      else if ((code === 0x7d || code === 0x5d) && --depth === 0) {
        const text = buf.slice(c.start, i + 1);
        this.capture = null;
        this.pos = i + 1;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          this.pos = c.start;
          throw this.error(`invalid JSON in ${formatPath(c.path)}: ${(error as Error).message}`);
        }
        this.emit(value, c.path);
        this.valueDone();
        return true;
      }
    }
    c.scan = i;
    c.inString = inString;
    c.depth = depth;
    this.keepFrom(c.start);
    return false;
  }

  /** Keep `buf` from `start` on (the rest is consumed), re-basing the capture offsets. */
  private keepFrom(start: number): void {
    if (start === 0) return;
    this.buf = this.buf.slice(start);
    this.dropped += start;
    if (this.capture) {
      this.capture.scan -= start;
      this.capture.start -= start;
    }
    this.pos = 0;
  }

  /** Advance over one skeleton token; false when more input is needed. */
  private step(final: boolean): boolean {
    const buf = this.buf;
    let i = this.pos;
    while (i < buf.length && WHITESPACE.has(buf.charCodeAt(i))) i++;
    this.pos = i;
    if (i >= buf.length) return false;
    const ch = buf[i];
    const frame = this.stack[this.stack.length - 1];
    if (!frame) {
      if (this.rootDone && ch !== '{' && ch !== '[')
        throw this.error(`unexpected "${ch}" after the JSON document`);
      this.rootDone = false;
      return this.value(final);
    }
    switch (frame.state) {
      case 'key':
        if (ch === '}' && !frame.array) return this.close();
        if (ch !== '"') throw this.error(`expected a key, got "${ch}"`);
        {
          const end = stringEnd(buf, i);
          if (end === -1) return false;
          frame.key = JSON.parse(buf.slice(i, end + 1)) as string;
          frame.state = 'colon';
          this.pos = end + 1;
        }
        return true;
      case 'colon':
        if (ch !== ':') throw this.error(`expected ":", got "${ch}"`);
        frame.state = 'value';
        this.pos = i + 1;
        return true;
      case 'comma':
        if (ch === ',') {
          if (frame.array) {
            frame.index++;
            frame.state = 'value';
          } else frame.state = 'key';
          this.pos = i + 1;
          return true;
        }
        if (ch === (frame.array ? ']' : '}')) return this.close();
        throw this.error(`expected "," or "${frame.array ? ']' : '}'}", got "${ch}"`);
      case 'value':
        if (frame.array && ch === ']' && frame.index === 0) return this.close();
        return this.value(final);
    }
  }

  /** A value starts at `pos`. */
  private value(final: boolean): boolean {
    const buf = this.buf;
    const i = this.pos;
    const ch = buf[i];
    if (ch === '{' || ch === '[') {
      const path = this.path();
      if (this.select(path)) {
        this.capture = { start: i, scan: i + 1, depth: 1, inString: false, path };
        return true;
      }
      this.stack.push({ array: ch === '[', index: 0, state: ch === '[' ? 'value' : 'key' });
      this.pos = i + 1;
      return true;
    }
    if (ch === '"') {
      const end = stringEnd(buf, i);
      if (end === -1) return false;
      this.pos = end + 1;
      this.valueDone();
      return true;
    }
    let j = i;
    while (j < buf.length && !/[\s,\]}]/.test(buf[j])) j++;
    if (j === buf.length && !final) return false;
    const token = buf.slice(i, j);
    if (!/^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)$/.test(token))
      throw this.error(`unexpected "${token.slice(0, 20)}"`);
    this.pos = j;
    this.valueDone();
    return true;
  }

  private close(): boolean {
    this.stack.pop();
    this.pos += 1;
    this.valueDone();
    return true;
  }

  private valueDone(): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame) frame.state = 'comma';
    else this.rootDone = true;
  }
}

/** Index of the closing quote of the string starting at `start`, or -1 if it is not in `buf` yet. */
function stringEnd(buf: string, start: number): number {
  let q = buf.indexOf('"', start + 1);
  while (q !== -1) {
    let backslashes = 0;
    for (let k = q - 1; k > start && buf.charCodeAt(k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    q = buf.indexOf('"', q + 1);
  }
  return -1;
}

/** One record read from a trace file, with where it was. */
export type RawRecord =
  | { value: unknown; position: string; path: PathSegment[] }
  | { error: string; position: string; fatal?: boolean };

/** How a file's records are laid out. */
export type FileLayout = 'jsonl' | 'array' | 'wrapped' | 'otlp' | 'document';

const PEEK_BYTES = 256 * 1024;
const CHUNK_BYTES = 1024 * 1024;

/** The arrays inside an OTLP/JSON document (camelCase per the spec; snake_case from protobuf JSON; and the older name). */
const RESOURCE_SPANS = new Set(['resourceSpans', 'resource_spans']);
const SCOPE_SPANS = new Set([
  'scopeSpans',
  'scope_spans',
  'instrumentationLibrarySpans',
  'instrumentation_library_spans',
]);

/** Look at the start of a file and decide how its records are laid out. */
export async function detectLayout(file: string): Promise<FileLayout> {
  const handle = await open(file, 'r');
  let head: string;
  try {
    const buffer = Buffer.alloc(PEEK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, PEEK_BYTES, 0);
    head = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
  const trimmed = head.trimStart();
  if (trimmed.startsWith('[')) return 'array';
  const newline = trimmed.indexOf('\n');
  const firstLine = newline === -1 ? trimmed : trimmed.slice(0, newline);
  if (firstLine.trim()) {
    try {
      JSON.parse(firstLine);
      // A whole JSON value on the first line, with more after it (or alone): JSON Lines.
      return 'jsonl';
    } catch {
      // not a complete line: a document spread over lines
    }
  }
  if (
    /^\{\s*"(resourceSpans|resource_spans)"/.test(trimmed) ||
    /"(resourceSpans|resource_spans)"\s*:\s*\[/.test(head)
  )
    return 'otlp';
  if (/^\{\s*"(data|rows|traces|observations|events|objects)"\s*:\s*\[/.test(trimmed)) return 'wrapped';
  return 'document';
}

/** Does this path hold one record in a document of the given layout? */
function selectorFor(layout: FileLayout): (p: PathSegment[]) => boolean {
  switch (layout) {
    case 'array':
      return (p) => p.length === 1;
    case 'wrapped':
      return (p) => p.length === 2 && typeof p[1] === 'number';
    case 'otlp':
      return (p) =>
        (p.length === 3 && RESOURCE_SPANS.has(p[0] as string) && p[2] === 'resource') ||
        (p.length === 5 &&
          RESOURCE_SPANS.has(p[0] as string) &&
          SCOPE_SPANS.has(p[2] as string) &&
          p[4] === 'scope') ||
        (p.length === 6 &&
          RESOURCE_SPANS.has(p[0] as string) &&
          SCOPE_SPANS.has(p[2] as string) &&
          p[4] === 'spans');
    default:
      return () => false;
  }
}

/**
 * Stream the records of a trace file: one per JSONL line, per element of a top-level array (or of the
 * `data` array of a BTQL / API response), per span (with its resource and scope) of an OTLP/JSON document.
 * A whole small document that is none of these is one record. Malformed input is reported with its
 * position; a malformed document cannot be read past its error, so that record is marked fatal.
 */
export async function* readRecords(file: string, layout?: FileLayout): AsyncGenerator<RawRecord> {
  layout ??= await detectLayout(file);
  if (layout === 'jsonl') {
    const lines = createInterface({
      input: createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES }),
      crlfDelay: Infinity,
    });
    let line = 0;
    for await (let text of lines) {
      line++;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (!text.trim()) continue;
      try {
        yield { value: JSON.parse(text), position: `line ${line}`, path: [] };
      } catch (error) {
        yield { error: `invalid JSON: ${(error as Error).message}`, position: `line ${line}` };
      }
    }
    return;
  }
  if (layout === 'document') {
    const { readFile } = await import('node:fs/promises');
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    try {
      yield { value: JSON.parse(text), position: '$', path: [] };
    } catch (error) {
      yield { error: `invalid JSON: ${(error as Error).message}`, position: '$', fatal: true };
    }
    return;
  }
  const pending: RawRecord[] = [];
  const splitter = new JsonSplitter(selectorFor(layout), (value, path) => {
    pending.push({ value, position: formatPath(path), path });
  });
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  let first = true;
  try {
    for await (let chunk of stream as AsyncIterable<string>) {
      if (first && chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
      first = false;
      splitter.write(chunk);
      yield* pending.splice(0);
    }
    splitter.end();
    yield* pending.splice(0);
  } catch (error) {
    yield* pending.splice(0);
    stream.destroy();
    yield { error: `invalid JSON: ${(error as Error).message}`, position: 'document', fatal: true };
  }
}
