import { createHash, hash } from 'node:crypto';
import { z } from 'zod';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readLineBatches, type NumberedLine, type ReadLinesOptions } from '../util/read-lines.js';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { regressionCaseSchema, type LoadedCase, type RegressionCase } from './regression-case.js';
import { formatZodIssues } from '../util/zod-issues.js';
import { environmentError, UsageError } from '../errors.js';

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
  // Installed packages and git internals are never datasets (an installed copy of a package that ships
  // datasets would duplicate every id), unless a pattern names them on purpose.
  const ignore = ['node_modules', '.git']
    .filter((dir) => !list.some((p) => p.split(/[\\/]/).includes(dir)))
    .map((dir) => `**/${dir}/**`);
  const files = await glob(list, { cwd, onlyFiles: true, expandDirectories: false, ignore });
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
  options: { maxLineBytes?: number } = {},
): Promise<DatasetScan & { selected: number; modes: string[] }> {
  const problems: string[] = [];
  // id → where it was first seen, packed as fileIndex * 2^32 + line: one number per row, not a string.
  const firstSeen = new Map<string, number>();
  const digest = createHash('sha256');
  let count = 0;
  let selected = 0;
  const modes = new Set<string>();
  for (const [fileIndex, file] of files.entries()) {
    for await (const rows of readJsonlRows(file, cwd, digest, options.maxLineBytes))
      for (const row of rows) {
        if (problems.length >= MAX_PROBLEMS) break;
        if ('problem' in row) {
          problems.push(`${file}:${row.line}: ${row.problem}`);
          continue;
        }
        const id = row.value.id;
        const previous = firstSeen.get(id);
        if (previous === undefined) firstSeen.set(id, fileIndex * 2 ** 32 + row.line);
        else {
          const first = `${files[Math.floor(previous / 2 ** 32)]}:${previous % 2 ** 32}`;
          problems.push(`${file}:${row.line}: duplicate id "${id}" (first defined at ${first})`);
        }
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

/**
 * Stream the cases of files that scanDatasets already validated, in file then line order, in batches.
 * Rows are not validated a second time (the scan did that, and zod costs more per row than the rest of a
 * run's overhead); the hash is of the row's text as stored, so any edit to a row makes it a new case.
 */
export async function* readCaseBatches(
  files: string[],
  cwd: string,
  options: { maxLineBytes?: number } = {},
): AsyncGenerator<LoadedCase[]> {
  for (const file of files) {
    for await (const lines of readDatasetLines(file, cwd, { maxLineBytes: options.maxLineBytes })) {
      const batch: LoadedCase[] = [];
      for (const { text, line, problem } of lines) {
        if (problem) throw new UsageError(`${file}:${line}: ${problem} (file changed during the run?)`);
        if (text.trim() === '') continue;
        let value: RegressionCase;
        try {
          value = JSON.parse(text) as RegressionCase;
        } catch (error) {
          throw new UsageError(
            `${file}:${line}: invalid JSON (file changed during the run?): ${(error as Error).message}`,
          );
        }
        batch.push({ case: value, dataset: file, line, hash: hashText(text) });
      }
      if (batch.length) yield batch;
    }
  }
}

/** Stream the cases of already-scanned files one by one. */
export async function* readCases(files: string[], cwd: string): AsyncGenerator<LoadedCase> {
  for await (const batch of readCaseBatches(files, cwd)) yield* batch;
}

function hashText(text: string): string {
  return 'sha256:' + hash('sha256', text, 'hex');
}

let fastValidator: ((value: unknown) => boolean) | undefined;

/**
 * The row schema compiled by ajv from the zod schema itself (one source of truth): valid rows, nearly all
 * of them, pass in well under a microsecond; only a row it rejects goes through zod, for zod's messages.
 */
function validateRowFast(value: unknown): boolean {
  if (!fastValidator) {
    const ajv = new Ajv2020({ strict: false, allErrors: false });
    fastValidator = ajv.compile(
      z.toJSONSchema(regressionCaseSchema, { io: 'input', unrepresentable: 'any' }),
    );
  }
  return fastValidator(value);
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
  { line: number; value: ReturnType<typeof regressionCaseSchema.parse> } | { line: number; problem: string };

/**
 * readLineBatches with the file named in errors: a file that cannot be opened or read (missing, a
 * directory, no permission) is an error naming it, not a stack trace.
 */
async function* readDatasetLines(
  file: string,
  cwd: string,
  options: ReadLinesOptions,
): AsyncGenerator<NumberedLine[]> {
  try {
    yield* readLineBatches(path.resolve(cwd, file), options);
  } catch (error) {
    throw environmentError(error, 'read the dataset', file);
  }
}

/** Read and validate a JSONL file's rows: accepts a UTF-8 BOM, CRLF line ends and blank lines. */
async function* readJsonlRows(
  file: string,
  cwd: string,
  digest?: ReturnType<typeof createHash>,
  maxLineBytes?: number,
): AsyncGenerator<Row[]> {
  for await (const lines of readDatasetLines(file, cwd, {
    onChunk: digest && ((chunk) => digest.update(chunk)),
    maxLineBytes,
  })) {
    const rows: Row[] = [];
    for (const { text, line, problem } of lines) {
      if (problem) {
        rows.push({ line, problem });
        continue;
      }
      if (text.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        rows.push({ line, problem: `invalid JSON: ${(error as Error).message}` });
        continue;
      }
      if (!json || typeof json !== 'object' || Array.isArray(json)) {
        rows.push({ line, problem: 'expected a JSON object per line' });
        continue;
      }
      if (validateRowFast(json)) {
        rows.push({ line, value: json as RegressionCase });
        continue;
      }
      const parsed = regressionCaseSchema.safeParse(json, { reportInput: true });
      if (parsed.success) rows.push({ line, value: parsed.data });
      else rows.push({ line, problem: formatZodIssues(parsed.error).join('; ') });
    }
    yield rows;
  }
}
