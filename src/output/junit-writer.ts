import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { ChunkFile } from './chunk-file.js';
import path from 'node:path';
import type { CaseResult, Results } from '../run/results.js';
import { junitCase, junitHead, junitSuiteClose, junitSuiteOpen, junitTail } from '../report/junit.js';
import { noRedaction, type Redactor } from '../util/redact.js';
import { writeAtomicSync } from './write-atomic.js';

/**
 * Writes junit.xml while the run streams: each case's <testcase> goes to its failure mode's temporary
 * part file as it arrives; `finish` wraps the parts in <testsuite> elements whose counts are only known
 * at the end. Memory stays flat, and nothing is parsed back from results.json. Finishing is synchronous,
 * so an interrupted run can still write what it has from an `exit` handler.
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

  /** Write `junit.xml` atomically from the parts; returns its path. The parts are removed either way. */
  finishSync(results: Omit<Results, 'cases'>, name = 'junit.xml'): string {
    const target = path.join(this.outDir, name);
    try {
      for (const part of this.parts.values()) part.close();
      writeAtomicSync(target, (fd) => {
        writeFileSync(fd, junitHead(results));
        for (const [mode, summary] of Object.entries(results.failure_modes)) {
          writeFileSync(fd, this.redact(junitSuiteOpen(mode, summary, results.duration_ms)));
          const part = this.parts.get(mode);
          if (part) copyInto(part.path, fd);
          writeFileSync(fd, junitSuiteClose());
        }
        writeFileSync(fd, junitTail());
      });
    } finally {
      this.abort();
    }
    return target;
  }

  /** finishSync, for callers that await. */
  async finish(results: Omit<Results, 'cases'>, name = 'junit.xml'): Promise<string> {
    return this.finishSync(results, name);
  }

  /** Remove the part files (never throws). */
  abort(): void {
    for (const part of this.parts.values()) part.discard();
  }
}

/** Append a file's bytes to an open file, 1 MiB at a time (part files can be large). */
function copyInto(source: string, fd: number): void {
  const input = openSync(source, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(input, buffer, 0, buffer.length, null);
      if (n === 0) break;
      writeFileSync(fd, buffer.subarray(0, n));
    }
  } finally {
    closeSync(input);
  }
}
