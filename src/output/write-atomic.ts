import { closeSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { environmentError } from '../errors.js';

/**
 * Write a file through a temporary name and a rename, so readers never see a partial file. On failure
 * (full disk, read-only directory) the temporary file is removed and the error names the path and the fix.
 * Synchronous on purpose: the same code finishes a run's outputs from an `exit` handler after an interrupt.
 */
export function writeAtomicSync(file: string, content: string | ((fd: number) => void)): void {
  const temp = `${file}.${process.pid}.tmp`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'w');
    if (typeof content === 'string') writeFileSync(fd, content);
    else content(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) closeQuietly(fd);
    rmSync(temp, { force: true });
    throw environmentError(error, 'write', file);
  }
}

/** writeAtomicSync for callers that await: the same, as a promise. */
export async function writeAtomic(file: string, content: string): Promise<void> {
  writeAtomicSync(file, content);
}

function closeQuietly(fd: number) {
  try {
    closeSync(fd);
  } catch {
    // already failing; the first error is the one to report
  }
}
