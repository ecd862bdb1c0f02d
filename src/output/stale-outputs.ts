import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { environmentError } from '../errors.js';

/** The files a run writes into its output directory. */
export const OUTPUT_FILES = ['results.json', 'report.md', 'junit.xml'];

/** `results.json.1234.tmp`, `.junit-1234-0.part`: a run's temporary files, with the writer's pid. */
const TEMP_FILE = /^(?:.+\.(\d+)\.tmp|\.junit-(\d+)-\d+\.part)$/;

/**
 * Remove the previous run's results.json, report.md and junit.xml before a new run starts, so a run that
 * fails or is interrupted before writing its own never leaves an older `passed: true` looking current;
 * and the temporary files of runs whose process is gone (a killed run's leftovers). A missing directory
 * is fine; one that cannot be changed is an error naming the path and the fix.
 */
export function clearStaleOutputs(outDir: string): void {
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw environmentError(error, 'use the output directory', outDir);
  }
  for (const name of names) {
    const temp = TEMP_FILE.exec(name);
    const pid = temp ? Number(temp[1] ?? temp[2]) : undefined;
    const stale = OUTPUT_FILES.includes(name) || (pid !== undefined && !processAlive(pid));
    if (!stale) continue;
    const file = path.join(outDir, name);
    try {
      rmSync(file, { force: true });
    } catch (error) {
      throw environmentError(error, 'remove the previous run’s', file);
    }
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return false; // our own leftovers from an earlier run in this process
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
