import { createReadStream, createWriteStream } from 'node:fs';
import { ChunkFile } from './chunk-file.js';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { CaseResult, Results } from '../run/results.js';
import { junitCase, junitHead, junitSuiteClose, junitSuiteOpen, junitTail } from '../report/junit.js';
import { noRedaction, type Redactor } from '../util/redact.js';

/**
 * Writes junit.xml while the run streams: each case's <testcase> goes to its failure mode's temporary
 * part file as it arrives; `finish` wraps the parts in <testsuite> elements whose counts are only known
 * at the end. Memory stays flat, and nothing is parsed back from results.json.
 */
export class JunitWriter {
  private readonly parts = new Map<string, ChunkFile>();

  constructor(
    private readonly outDir: string,
    private readonly redact: Redactor = noRedaction,
  ) {}

  /** Add one case. */
  write(result: CaseResult): void {
    let part = this.parts.get(result.failure_mode);
    if (!part) {
      part = new ChunkFile(path.join(this.outDir, `.junit-${process.pid}-${this.parts.size}.part`));
      this.parts.set(result.failure_mode, part);
    }
    part.append(this.redact(junitCase(result)));
  }

  /** Write `junit.xml` atomically from the parts; returns its path. */
  async finish(results: Omit<Results, 'cases'>, name = 'junit.xml'): Promise<string> {
    const target = path.join(this.outDir, name);
    const temp = `${target}.${process.pid}.tmp`;
    for (const part of this.parts.values()) part.close();
    const out = createWriteStream(temp);
    out.write(junitHead(results));
    for (const [mode, summary] of Object.entries(results.failure_modes)) {
      out.write(this.redact(junitSuiteOpen(mode, summary, results.duration_ms)));
      const part = this.parts.get(mode);
      if (part) {
        await new Promise<void>((resolve, reject) => {
          const input = createReadStream(part.path);
          input.on('error', reject).on('end', resolve);
          input.pipe(out, { end: false });
        });
      }
      out.write(junitSuiteClose());
    }
    out.write(junitTail());
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    await rename(temp, target);
    for (const part of this.parts.values()) await rm(part.path, { force: true });
    return target;
  }

  /** Remove the part files. */
  async abort(): Promise<void> {
    for (const part of this.parts.values()) {
      part.close();
      await rm(part.path, { force: true });
    }
  }
}
