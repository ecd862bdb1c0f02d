import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { regressionCaseSchema, type LoadedCase } from './regression-case.js';
import { formatZodIssues } from '../util/zod-issues.js';
import { sha256, stableStringify } from '../util/stable-json.js';
import { UsageError } from '../errors.js';

/** The most problems listed in one error; a broken file should not flood the terminal. */
const MAX_PROBLEMS = 200;

/** What a full validation pass over the datasets found. */
export interface DatasetScan {
  /** Dataset files, relative to cwd, sorted. */
  files: string[];
  /** Number of valid rows. */
  count: number;
  /** sha256 over every file's bytes, in file order: part of the results fingerprint. */
  hash: string;
}

/** Resolve dataset glob(s) to sorted relative paths. A glob that matches nothing is a usage error. */
export async function findDatasetFiles(patterns: string | string[], cwd: string): Promise<string[]> {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  const files = await glob(list, { cwd, onlyFiles: true, expandDirectories: false });
  if (files.length === 0) {
    throw new UsageError(`No dataset files match ${list.map((p) => `"${p}"`).join(', ')} (in ${cwd}).`, [
      'Pass --datasets "datasets/**/*.jsonl" or set "datasets" in tracegate.config.',
    ]);
  }
  return files.map((f) => f.split(path.sep).join('/')).sort();
}

/**
 * Validate every row of every file without keeping the rows: all problems are collected and thrown
 * together as one UsageError (`file:line: what is wrong`), so a user fixes them in one go and nothing runs.
 * Streaming: memory holds the set of ids, never a whole file.
 */
export async function scanDatasets(
  files: string[],
  cwd: string,
  select?: (c: LoadedCase['case'], dataset: string) => boolean,
): Promise<DatasetScan & { selected: number; modes: string[] }> {
  const problems: string[] = [];
  const firstSeen = new Map<string, string>();
  const digest = createHash('sha256');
  let count = 0;
  let selected = 0;
  const modes = new Set<string>();
  for (const file of files) {
    for await (const row of readJsonlRows(file, cwd, digest)) {
      if (problems.length >= MAX_PROBLEMS) break;
      if ('problem' in row) {
        problems.push(`${file}:${row.line}: ${row.problem}`);
        continue;
      }
      const where = `${file}:${row.line}`;
      const id = row.value.id;
      const previous = firstSeen.get(id);
      if (previous) problems.push(`${where}: duplicate id "${id}" (first defined at ${previous})`);
      else firstSeen.set(id, where);
      count++;
      if (!select || select(row.value, file)) {
        selected++;
        modes.add(row.value.metadata.failure_mode);
      }
    }
  }
  if (problems.length) {
    const more = problems.length >= MAX_PROBLEMS ? ` (showing the first ${MAX_PROBLEMS})` : '';
    throw new UsageError(`Invalid dataset rows${more}:`, problems);
  }
  return { files, count, selected, modes: [...modes].sort(), hash: 'sha256:' + digest.digest('hex') };
}

/** Stream the valid cases of already-scanned files, in file then line order. */
export async function* readCases(files: string[], cwd: string): AsyncGenerator<LoadedCase> {
  for (const file of files) {
    for await (const row of readJsonlRows(file, cwd)) {
      if ('problem' in row) throw new UsageError(`${file}:${row.line}: ${row.problem}`);
      yield { case: row.value, dataset: file, line: row.line, hash: sha256(stableStringify(row.value)) };
    }
  }
}

/** Scan then read everything into memory: convenient for small datasets and for tests. */
export async function loadDatasets(patterns: string | string[], cwd: string): Promise<LoadedCase[]> {
  const files = await findDatasetFiles(patterns, cwd);
  await scanDatasets(files, cwd);
  const cases: LoadedCase[] = [];
  for await (const c of readCases(files, cwd)) cases.push(c);
  return cases;
}

type Row =
  | { line: number; value: ReturnType<typeof regressionCaseSchema.parse> }
  | { line: number; problem: string };

/** Read a JSONL file line by line: accepts a UTF-8 BOM, CRLF line ends and blank lines. */
async function* readJsonlRows(
  file: string,
  cwd: string,
  digest?: ReturnType<typeof createHash>,
): AsyncGenerator<Row> {
  const stream = createReadStream(path.resolve(cwd, file), { encoding: 'utf8' });
  if (digest) stream.on('data', (chunk) => digest.update(chunk as string));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (let text of lines) {
    lineNumber++;
    if (lineNumber === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      yield { line: lineNumber, problem: `invalid JSON: ${(error as Error).message}` };
      continue;
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) {
      yield { line: lineNumber, problem: 'expected a JSON object per line' };
      continue;
    }
    const parsed = regressionCaseSchema.safeParse(json, { reportInput: true });
    if (parsed.success) yield { line: lineNumber, value: parsed.data };
    else yield { line: lineNumber, problem: formatZodIssues(parsed.error).join('; ') };
  }
}
