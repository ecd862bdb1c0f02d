import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { mergeResults } from '../run/merge.js';
import type { Results } from '../run/results.js';
import type { GatePolicy } from '../run/gate.js';
import { renderMarkdownReport } from '../report/markdown.js';
import { renderJunit } from '../report/junit.js';
import { parseResults } from '../run/results-schema.js';
import { environmentError, UsageError } from '../errors.js';
import { clearStaleOutputs } from './stale-outputs.js';
import { writeAtomic } from './write-atomic.js';
import { loadConfig } from '../config/load-config.js';

/** What the merge job produced: the same shape `evaluate` returns, minus the config. */
export interface MergeOutcome {
  results: Results;
  paths: { results: string; report: string; junit: string; out: string };
}

/**
 * Merge shard results (`tracegate merge`, and the action's `merge` input for a sharded matrix's merge job): read the shards' results.json files (globs, as
 * download-artifact lays them out), merge them with the library's `mergeResults`, and write results.json,
 * report.md and junit.xml to `out`, exactly as `tracegate merge` does. Runs no task and no scorer, so it is
 * also what the trusted half of the fork recipe runs.
 */
export async function mergeResultFiles(
  patterns: string[],
  options: { cwd: string; out: string; config?: string } & Partial<GatePolicy>,
): Promise<MergeOutcome> {
  const files = (
    await glob(patterns, { cwd: options.cwd, absolute: true, onlyFiles: true, dot: true })
  ).sort();
  if (files.length === 0) {
    throw new UsageError(
      `Invalid merge '${patterns.join(', ')}': no results files match. Expected paths or globs of results.json files, e.g. shards/*/results.json.`,
    );
  }
  const shards: Results[] = [];
  const names = files.map((f) => path.relative(options.cwd, f) || f);
  for (const file of files) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`Cannot read results file ${file}: ${(error as Error).message}`);
    }
    const parsed = parseResults(raw, file);
    shards.push(parsed);
  }
  // The merge job's rules: what it was told, else its config (found as `eval` finds it), else the
  // fail-closed defaults. Never the shards' own settings (they commonly run with fail_on: never).
  const { config } = await loadConfig(options.cwd, options.config);
  // The same checks for the CLI and the action: one file per shard 1..N of one run, else a UsageError.
  const results = mergeResults(
    shards,
    {
      failOn: options.failOn ?? config.fail_on,
      onSkipped: options.onSkipped ?? config.on_skipped,
      allowEmpty: options.allowEmpty ?? config.allow_empty,
    },
    names,
  );
  const out = path.resolve(options.cwd, options.out);
  // Only now, with every input read (one may live in `out`): a merge that fails must not leave an older
  // merged results.json looking current.
  clearStaleOutputs(out);
  try {
    await mkdir(out, { recursive: true });
  } catch (error) {
    throw environmentError(error, 'create the output directory', out);
  }
  const paths = {
    results: path.join(out, 'results.json'),
    report: path.join(out, 'report.md'),
    junit: path.join(out, 'junit.xml'),
    out,
  };
  await writeAtomic(paths.results, JSON.stringify(results));
  await writeAtomic(paths.report, renderMarkdownReport(results));
  await writeAtomic(paths.junit, renderJunit(results));
  return { results, paths };
}
