import { mkdir } from 'node:fs/promises';
import { renameSync } from 'node:fs';
import path from 'node:path';
import type { CaseResult, Results } from './results.js';
import { ChunkFile } from '../output/chunk-file.js';
import { serializeCaseResult } from './serialize-case.js';
import { noRedaction, type Redactor } from '../util/redact.js';
import { environmentError } from '../errors.js';

/**
 * Streams case results straight into results.json as they come, so memory does not grow with the number
 * of cases and nothing is copied at the end: the file opens with `{"version":1,"cases":[`, each case is
 * one line of that array, and the aggregates (known only at the end) follow it. JSON readers do not care
 * about key order. The file is written under a temporary name and renamed: a reader never sees half of it.
 * Finishing is synchronous, so an interrupted run can still write what it has from an `exit` handler.
 */
export class ResultsWriter {
  private readonly file: ChunkFile;
  private readonly target: string;
  private count = 0;

  constructor(
    outDir: string,
    name = 'results.json',
    private readonly redact: Redactor = noRedaction,
  ) {
    this.target = path.join(outDir, name);
    this.file = new ChunkFile(`${this.target}.${process.pid}.tmp`);
    this.file.append('{"version":1,"cases":[');
  }

  /** Create the output directory and the writer. */
  static async open(outDir: string, name?: string, redact?: Redactor): Promise<ResultsWriter> {
    try {
      await mkdir(outDir, { recursive: true });
    } catch (error) {
      throw environmentError(error, 'create the output directory', outDir);
    }
    return new ResultsWriter(outDir, name, redact);
  }

  /** Cases written so far. */
  get written(): number {
    return this.count;
  }

  /** Append one case result (one line of results.json's `cases` array). */
  write(result: CaseResult): void {
    this.file.append((this.count++ ? ',\n' : '\n') + this.redact(serializeCaseResult(result)));
  }

  /**
   * Close the `cases` array, write the aggregates after it, and rename into place; returns the path. On
   * failure the temporary file is removed and the error names the path and the fix.
   */
  finishSync(results: Omit<Results, 'cases'>): string {
    const { version: _version, omitted_cases: _omitted, ...rest } = results;
    try {
      this.file.append(`\n],${this.redact(JSON.stringify(rest)).slice(1)}\n`);
      this.file.close();
      renameSync(this.file.path, this.target);
    } catch (error) {
      this.file.discard();
      throw environmentError(error, 'write', this.target);
    }
    return this.target;
  }

  /** finishSync, for callers that await. */
  async finish(results: Omit<Results, 'cases'>): Promise<string> {
    return this.finishSync(results);
  }

  /** Drop the temporary file without writing results (never throws). */
  abort(): void {
    this.file.discard();
  }
}
