import { createReadStream } from 'node:fs';

/** One line of a text file with its 1-based number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/**
 * Stream a text file as batches of lines (one batch per chunk read), never holding the whole file.
 * Handles a UTF-8 BOM and CRLF line ends. Batches rather than single lines: readline's per-line async
 * iteration costs several microseconds a line, more than the rest of a case's overhead.
 */
export async function* readLineBatches(
  file: string,
  onChunk?: (chunk: string) => void,
): AsyncGenerator<NumberedLine[]> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 14 });
  let rest = '';
  let lineNumber = 0;
  let first = true;
  for await (const chunk of stream as AsyncIterable<string>) {
    onChunk?.(chunk);
    let text = rest + chunk;
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    const parts = text.split('\n');
    rest = parts.pop()!;
    const batch: NumberedLine[] = new Array(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      batch[i] = { text: p.endsWith('\r') ? p.slice(0, -1) : p, line: ++lineNumber };
    }
    yield batch;
  }
  if (rest) yield [{ text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, line: ++lineNumber }];
}
