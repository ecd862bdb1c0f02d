import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { CaseResult, Results } from './results.js';

/** Bytes buffered before a write: one syscall per chunk rather than per case. */
const CHUNK = 1 << 16;

/**
 * Streams case results to disk as they come and assembles results.json at the end, so memory does not
 * grow with the number of cases. The final file is written to a temporary name and renamed: a reader
 * never sees half a results.json.
 */
export class ResultsWriter {
  private readonly casesFile: string;
  private readonly stream: WriteStream;
  private buffer = '';
  private count = 0;

  constructor(private readonly outDir: string) {
    this.casesFile = path.join(outDir, `.cases-${process.pid}-${Date.now()}.jsonl`);
    this.stream = createWriteStream(this.casesFile);
  }

  /** Create the output directory and the writer. */
  static async open(outDir: string): Promise<ResultsWriter> {
    await mkdir(outDir, { recursive: true });
    return new ResultsWriter(outDir);
  }

  /** Append one case result. */
  write(result: CaseResult): void {
    this.buffer += (this.count++ ? ',\n' : '\n') + JSON.stringify(result);
    if (this.buffer.length >= CHUNK) this.flush();
  }

  private flush(): void {
    if (this.buffer) this.stream.write(this.buffer);
    this.buffer = '';
  }

  /** Write `results.json` (header fields, every streamed case, usage) atomically; returns its path. */
  async finish(results: Omit<Results, 'cases'>, name = 'results.json'): Promise<string> {
    this.flush();
    await new Promise<void>((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const target = path.join(this.outDir, name);
    const temp = `${target}.${process.pid}.tmp`;
    const { usage, omitted_cases: _omitted, ...head } = results;
    const headJson = JSON.stringify(head);
    const out = createWriteStream(temp);
    out.write(headJson.slice(0, -1) + ',"cases":[');
    await new Promise<void>((resolve, reject) => {
      const input = createReadStream(this.casesFile);
      input.on('error', reject);
      input.on('end', resolve);
      input.pipe(out, { end: false });
    });
    out.write(`\n],"usage":${JSON.stringify(usage)}}\n`);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    await rename(temp, target);
    await rm(this.casesFile, { force: true });
    return target;
  }

  /** Drop the temporary file without writing results (e.g. when the run was aborted). */
  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.casesFile, { force: true });
  }
}
