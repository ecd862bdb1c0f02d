import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/cli.js';
import { jsonl, makeTempProject, row } from '../helpers/temp-project.js';

export { jsonl, makeTempProject, row };

/** Run `tracegate eval` (the real CLI, built lib/) in a project; also returns results.json when written. */
export async function evalIn(
  dir: string,
  args: string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string; results?: any; report?: string }> {
  const run = await cli(['eval', '--quiet', ...args], dir, { OPENAI_API_KEY: undefined, ...env });
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : '.tracegate';
  const file = path.join(dir, out, 'results.json');
  const results = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  const reportFile = path.join(dir, out, 'report.md');
  const report = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : undefined;
  return { ...run, results, report };
}

/** A module task answering every case with the row's `expected` (a build that gets everything right). */
export const ECHO_EXPECTED_APP = 'export const run = (input, c) => c.expected;\n';
