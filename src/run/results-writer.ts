import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { CaseResult, Results } from './results.js';
import { ChunkFile } from '../output/chunk-file.js';

/**
 * Streams case results to disk as they come and assembles results.json at the end, so memory does not
 * grow with the number of cases. The final file is written to a temporary name and renamed: a reader
 * never sees half a results.json.
 */
export class ResultsWriter {
  private readonly cases: ChunkFile;
  private count = 0;

  constructor(private readonly outDir: string) {
    this.cases = new ChunkFile(path.join(outDir, `.cases-${process.pid}-${Date.now()}.jsonl`));
  }

  /** Create the output directory and the writer. */
  static async open(outDir: string): Promise<ResultsWriter> {
    await mkdir(outDir, { recursive: true });
    return new ResultsWriter(outDir);
  }

  /** Append one case result (one line of results.json's `cases` array). */
  write(result: CaseResult): void {
    this.cases.append((this.count++ ? ',\n' : '\n') + JSON.stringify(result));
  }

  /** Write `results.json` (header fields, every streamed case, usage) atomically; returns its path. */
  async finish(results: Omit<Results, 'cases'>, name = 'results.json'): Promise<string> {
    this.cases.close();
    const target = path.join(this.outDir, name);
    const temp = `${target}.${process.pid}.tmp`;
    const { usage, omitted_cases: _omitted, ...head } = results;
    const headJson = JSON.stringify(head);
    const out = createWriteStream(temp);
    out.write(headJson.slice(0, -1) + ',"cases":[');
    await new Promise<void>((resolve, reject) => {
      const input = createReadStream(this.cases.path);
      input.on('error', reject);
      input.on('end', resolve);
      input.pipe(out, { end: false });
    });
    out.write(`\n],"usage":${JSON.stringify(usage)}}\n`);
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    await rename(temp, target);
    await rm(this.cases.path, { force: true });
    return target;
  }

  /** Drop the temporary file without writing results (e.g. when the run was aborted). */
  async abort(): Promise<void> {
    this.cases.close();
    await rm(this.cases.path, { force: true });
  }
}
