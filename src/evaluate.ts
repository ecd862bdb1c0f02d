import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config/load-config.js';
import type { TracegateConfig } from './config/config-schema.js';
import { findDatasetFiles, readCaseBatches, scanDatasets } from './cases/load-datasets.js';
import { createTask } from './run/tasks/create-task.js';
import { ScorerResolver } from './run/resolve-scorers.js';
import { indexBaseline, type BaselineIndex } from './run/compare.js';
import { readFile } from 'node:fs/promises';
import type { FailOn } from './run/gate.js';
import type { Progress } from './run/progress.js';
import type { Fingerprint, Results } from './run/results.js';
import { parseShard, shardOf } from './run/shard.js';
import { parseCaseFilters } from './run/case-filter.js';
import { runEvaluation } from './run-evaluation.js';
import { UsageError } from './errors.js';
import {
  createRedactor,
  redactError,
  secretEnvNamesInConfig,
  secretsFromEnvironment,
  type Redactor,
} from './util/redact.js';

/** Everything `tracegate eval` and the action can set; unset fields come from the config, then defaults. */
export interface EvaluateOptions {
  cwd?: string;
  config?: string;
  task?: string;
  datasets?: string | string[];
  baseline?: string;
  out?: string;
  trials?: number;
  concurrency?: number;
  timeoutMs?: number;
  shard?: string;
  filters?: string[];
  failOn?: FailOn;
  originUrlTemplate?: string;
  judge?: { apiKey?: string; baseUrl?: string };
  /** More secrets to keep out of every output (e.g. the action's tokens), besides the judge key and env keys. */
  secrets?: string[];
  /** Progress reporter (default: none). */
  progress?: (total: number) => Progress;
}

/** What one evaluation produced. `results.cases` holds only the notable cases; results.json holds all. */
export interface EvaluateOutcome {
  results: Results;
  config: TracegateConfig;
  paths: { results: string; report: string; junit: string; out: string };
  /** 0 when the gate passed, 1 when it failed. */
  exitCode: 0 | 1;
  /** Removes this run's known secrets from text; apply it to anything printed about the run. */
  redact: Redactor;
}

/**
 * One evaluation end to end: config + datasets → run the task on every case → score → compare with the
 * baseline → gate → write results.json, report.md and junit.xml. Throws UsageError for bad input.
 */
export async function evaluate(options: EvaluateOptions = {}): Promise<EvaluateOutcome> {
  // Built from the environment first, then again once the config says which variables hold keys; an
  // error escaping the run is redacted with the latest one, so no printer can leak a key.
  const known = [options.judge?.apiKey, ...(options.secrets ?? [])];
  const secrets = { redact: createRedactor([...known, ...secretsFromEnvironment()]) };
  try {
    return await evaluateOnce(options, secrets, known);
  } catch (error) {
    throw redactError(error, secrets.redact);
  }
}

async function evaluateOnce(
  options: EvaluateOptions,
  secrets: { redact: Redactor },
  known: Array<string | undefined>,
): Promise<EvaluateOutcome> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const startedAt = new Date();
  const started = performance.now();
  const { config, dir: configDir } = await loadConfig(cwd, options.config);
  const keyEnv = config.judge?.api_key_env ?? 'OPENAI_API_KEY';
  secrets.redact = createRedactor([
    ...known,
    ...secretsFromEnvironment(process.env, [keyEnv, ...secretEnvNamesInConfig(config)]),
  ]);
  const settings = {
    task: options.task ?? config.task,
    datasets: options.datasets ?? config.datasets,
    out: path.resolve(cwd, options.out ?? config.out),
    trials: options.trials ?? config.trials,
    concurrency: options.concurrency ?? config.concurrency,
    timeoutMs: options.timeoutMs ?? config.timeout_ms,
    failOn: options.failOn ?? config.fail_on,
  };
  validateNumbers(settings);

  const shard = options.shard ? parseShard(options.shard) : undefined;
  const filter = options.filters?.length ? parseCaseFilters(options.filters) : undefined;
  const select = (c: CaseResultInput, dataset: string) =>
    (!shard || shardOf(c.id, shard.total) === shard.index) && (!filter || filter(c, dataset));

  // Datasets resolve against the working directory; task and scorer paths against the config's directory.
  const files = await findDatasetFiles(settings.datasets, cwd);
  const scan = await scanDatasets(files, cwd, select);
  const baseline = options.baseline ? await readBaseline(path.resolve(cwd, options.baseline)) : undefined;

  const judgeKey = options.judge?.apiKey ?? process.env[config.judge?.api_key_env ?? 'OPENAI_API_KEY'];
  const resolver = new ScorerResolver(config, {
    cwd: configDir,
    judge: {
      baseUrl: options.judge?.baseUrl ?? config.judge?.base_url,
      model: config.judge?.model,
      apiKey: judgeKey,
      promptVersion: config.judge?.prompt_version,
    },
  });
  // Resolve every mode's scorers before running: a bad scorer config fails fast, and the fingerprint (and so
  // whether the baseline is comparable) is known before the first case is classified against it.
  const scorersByMode = new Map(
    await Promise.all(scan.modes.map(async (m) => [m, await resolver.forMode(m)] as const)),
  );
  const fingerprint: Fingerprint = {
    datasets: scan.hash,
    scorers: sortedRecord(resolver.versions),
    judge: { model: config.judge?.model ?? null, prompt: config.judge?.prompt_version ?? null },
  };
  const task = await createTask(settings.task, configDir);

  async function* selectedBatches() {
    for await (const batch of readCaseBatches(files, cwd)) {
      const kept = shard || filter ? batch.filter((loaded) => select(loaded.case, loaded.dataset)) : batch;
      if (kept.length) yield kept;
    }
  }

  const outcome = await runEvaluation({
    cases: selectedBatches(),
    task,
    scorersByMode,
    fingerprint,
    baseline,
    out: settings.out,
    trials: settings.trials,
    trialPassRate: config.trial_pass_rate,
    timeoutMs: settings.timeoutMs,
    concurrency: settings.concurrency,
    failOn: settings.failOn,
    thresholds: Object.fromEntries(Object.entries(config.failure_modes).map(([m, c]) => [m, c.threshold])),
    origin: {
      template: options.originUrlTemplate ?? config.origin_url_template,
      braintrust: config.braintrust,
    },
    shard: options.shard ?? null,
    progress: options.progress?.(scan.selected),
    startedAt,
    started,
    redact: secrets.redact,
  });
  return { ...outcome, config, redact: secrets.redact };
}

type CaseResultInput = Parameters<ReturnType<typeof parseCaseFilters>>[0];

function validateNumbers(s: { trials: number; concurrency: number; timeoutMs: number }) {
  const problems: string[] = [];
  if (!Number.isInteger(s.trials) || s.trials < 1)
    problems.push(`--trials ${s.trials}: use a whole number ≥ 1`);
  if (!Number.isInteger(s.concurrency) || s.concurrency < 1)
    problems.push(`--concurrency ${s.concurrency}: use a whole number ≥ 1`);
  if (!Number.isFinite(s.timeoutMs) || s.timeoutMs < 1)
    problems.push(`--timeout ${s.timeoutMs}: use milliseconds ≥ 1`);
  if (problems.length) throw new UsageError('Invalid options:', problems);
}

/** Read a baseline results.json; a missing or unreadable file is a usage error naming the path. */
export async function readBaseline(file: string): Promise<BaselineIndex> {
  if (!existsSync(file))
    throw new UsageError(`Baseline not found: ${file}`, [
      'Pass the results.json saved by a run on main, or omit --baseline.',
    ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`Baseline ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || (parsed as { version?: unknown }).version !== 1) {
    throw new UsageError(`Baseline ${file} is not a tracegate results.json (version 1).`);
  }
  return indexBaseline(file, parsed as Parameters<typeof indexBaseline>[1]);
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

export { writeAtomic } from './output/write-atomic.js';
