import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers.js';

/** Where the public conformance data lives: next to the repository, never inside it (see each SOURCE.txt). */
export const CONFORMANCE_ROOT = path.resolve(repoRoot, '..', 'shared', 'conformance');

/** The outcome of looking for one conformance folder. */
export interface ConformanceData {
  dir: string;
  present: boolean;
  /** The skip line printed when the folder is absent (empty when present). */
  skipLine: string;
}

/**
 * Find a conformance folder. When it is absent, print one visible line naming the missing folder on stderr
 * (written directly, not through `console`, so no reporter setting hides it) and return `present: false`: the
 * caller then registers a skipped test whose title repeats the line, so the skip shows in the run's summary
 * count and by name. A fresh clone without ../shared therefore says what it did not check.
 */
export function conformanceData(
  name: string,
  what: string,
  root = CONFORMANCE_ROOT,
  write: (line: string) => void = (line) => void process.stderr.write(line + '\n'),
): ConformanceData {
  const dir = path.join(root, name);
  if (existsSync(dir)) return { dir, present: true, skipLine: '' };
  const skipLine = `SKIPPED ${what}: conformance data folder not found: ${dir} (see its SOURCE.txt in the shared conformance data)`;
  write(skipLine);
  return { dir, present: false, skipLine };
}
