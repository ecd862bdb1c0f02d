import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';

/** One line of a text file with its 1-based number; `problem` is set when the line could not be read. */
export interface NumberedLine {
  text: string;
  line: number;
  /** Why the line has no text: not valid UTF-8, or longer than the maximum. */
  problem?: string;
}

/** Options for readLineBatches. */
export interface ReadLinesOptions {
  /** Called with every chunk of raw bytes as read (e.g. to hash the file). */
  onChunk?: (chunk: Buffer) => void;
  /** Longest line accepted, in bytes (default DEFAULT_MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** Bytes per read (default 64 KiB); tests use tiny chunks to put line ends on every boundary. */
  chunkBytes?: number;
}

/** 64 MiB: far above any real dataset row, far below what one JavaScript string can hold (~512 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Stream a text file as batches of lines (one batch per chunk read), never holding the whole file, in
 * time linear in its size however long its lines are. Handles a UTF-8 BOM and CRLF line ends. Batches
 * rather than single lines: readline's per-line async iteration costs several microseconds a line, more
 * than the rest of a case's overhead.
 *
 * Works on bytes, not decoded text: '\n' never occurs inside a multi-byte UTF-8 sequence, so lines are
 * split on bytes and only complete lines are decoded, each chunk's lines at once. A line that is not
 * valid UTF-8 (decoding would silently turn it into U+FFFD) or is longer than `maxLineBytes` comes back
 * with a `problem` instead of text, and reading goes on with the next line; a too-long line's bytes are
 * skipped as they arrive, so it never has to fit in memory.
 */
export async function* readLineBatches(
  file: string,
  options: ReadLinesOptions | ((chunk: Buffer) => void) = {},
): AsyncGenerator<NumberedLine[]> {
  const {
    onChunk,
    maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    chunkBytes = 1 << 16,
  } = typeof options === 'function' ? { onChunk: options } : options;
  const stream = createReadStream(file, { highWaterMark: chunkBytes });
  // The current, unfinished line: its pieces (joined once, when its newline arrives) and byte count.
  let pieces: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let lineNumber = 0;

  const tooLongProblem = () =>
    `line is longer than the maximum of ${maxLineBytes} bytes (max_line_bytes); split the row, or raise "max_line_bytes" in tracegate.config`;

  /** Finish the unfinished line with `tail` (the bytes before its newline). */
  const finishPending = (tail: Buffer, batch: NumberedLine[]) => {
    lineNumber++;
    if (tooLong || pendingBytes + tail.length > maxLineBytes) {
      batch.push({ text: '', line: lineNumber, problem: tooLongProblem() });
    } else {
      let bytes = pieces.length ? Buffer.concat([...pieces, tail]) : tail;
      // A UTF-8 byte order mark opens line 1 (the first line always ends here, whatever the chunking).
      if (lineNumber === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
        bytes = bytes.subarray(3);
      batch.push(decodeLine(bytes, lineNumber));
    }
    pieces = [];
    pendingBytes = 0;
    tooLong = false;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onChunk?.(chunk);
    const firstNewline = chunk.indexOf(NEWLINE);
    if (firstNewline === -1) {
      // No line ends in this chunk: it all belongs to the unfinished line.
      if (!tooLong) {
        pendingBytes += chunk.length;
        if (pendingBytes > maxLineBytes) {
          tooLong = true;
          pieces = [];
        } else pieces.push(chunk);
      }
      continue;
    }
    const batch: NumberedLine[] = [];
    finishPending(chunk.subarray(0, firstNewline), batch);
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline > firstNewline) decodeLines(chunk.subarray(firstNewline + 1, lastNewline), batch);
    const rest = chunk.subarray(lastNewline + 1);
    if (rest.length > maxLineBytes) tooLong = true;
    else if (rest.length) {
      // Copied: a view would keep the whole 64 KiB chunk alive for a few bytes.
      pieces.push(Buffer.from(rest));
      pendingBytes = rest.length;
    }
    yield batch;
  }
  if (tooLong || pendingBytes > 0) {
    const batch: NumberedLine[] = [];
    finishPending(Buffer.alloc(0), batch);
    yield batch;
  }

  /** The complete lines between two newlines of one chunk: decoded at once when they are valid UTF-8. */
  function decodeLines(bytes: Buffer, batch: NumberedLine[]) {
    if (isUtf8(bytes)) {
      for (const text of bytes.toString('utf8').split('\n')) {
        lineNumber++;
        if (text.length > maxLineBytes / 3 && Buffer.byteLength(text) > maxLineBytes)
          batch.push({ text: '', line: lineNumber, problem: tooLongProblem() });
        else batch.push({ text: text.endsWith('\r') ? text.slice(0, -1) : text, line: lineNumber });
      }
      return;
    }
    // Some line is not valid UTF-8: find which, line by line.
    let start = 0;
    for (;;) {
      const end = bytes.indexOf(NEWLINE, start);
      const line = bytes.subarray(start, end === -1 ? bytes.length : end);
      lineNumber++;
      batch.push(
        line.length > maxLineBytes
          ? { text: '', line: lineNumber, problem: tooLongProblem() }
          : decodeLine(line, lineNumber),
      );
      if (end === -1) break;
      start = end + 1;
    }
  }
}

/** One line's bytes as text, or a problem naming the first byte that is not valid UTF-8. */
function decodeLine(bytes: Buffer, line: number): NumberedLine {
  if (!isUtf8(bytes)) {
    return { text: '', line, problem: `not valid UTF-8 (${describeBadByte(bytes)}); save the file as UTF-8` };
  }
  const text = bytes.toString('utf8');
  return { text: text.endsWith('\r') ? text.slice(0, -1) : text, line };
}

/** Where the first invalid byte sequence of a line is, for the error message. */
function describeBadByte(bytes: Buffer): string {
  // Binary search for the longest prefix that is valid so far (`stream: true` lets a prefix end inside a
  // character); the byte after it is where decoding fails. Runs only on lines already known to be broken.
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  let at = Math.min(low, bytes.length - 1);
  // The valid prefix may end inside a character whose next byte broke it: point at that character's start.
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, low));
  } catch {
    while (at > 0 && (bytes[at - 1] & 0xc0) === 0x80) at--;
    if (at > 0 && bytes[at - 1] >= 0xc0) at--;
  }
  return `byte 0x${bytes[at].toString(16).padStart(2, '0')} at byte ${at + 1} of the line`;
}
