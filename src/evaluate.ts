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
import { prepareJudge } from './judge/prepare-judge.js';
import { judgeStatuses, judgeFingerprint, checkBudgetPrices, baselineTrialsNote } from './judge/run-judge.js';
import type { JudgeEstimate } from './judge/judge-runtime.js';
import type { RetryPolicy } from './judge/retry.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';

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
  judge?: { apiKey?: string; baseUrl?: string; retry?: Partial<RetryPolicy> };
  /** false: bypass the judge cache (`--no-cache`). */
  cache?: boolean;
  /** Stop scheduling judge calls once this much has been spent (`--budget-usd`). */
  budgetUsd?: number;
  /** Count the judge calls and cost the run would make, given the cache, and call nothing (`--estimate`). */
  estimate?: boolean;
  /** Trials per case the baseline is expected to have (`--baseline-trials`). */
  baselineTrials?: number;
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
  /** With `estimate`: the judge calls and cost the run would make (nothing was written). */
  estimate?: JudgeEstimate;
}

/**
 * One evaluation end to end: config + datasets → run the task on every case → score → compare with the
 * baseline → gate → write results.json, report.md and junit.xml. Throws UsageError for bad input.
 */
export async function evaluate(options: EvaluateOptions = {}): Promise<EvaluateOutcome> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const startedAt = new Date();
  const started = performance.now();
  const { config, dir: configDir } = await loadConfig(cwd, options.config);
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

  if (options.budgetUsd !== undefined && !(Number.isFinite(options.budgetUsd) && options.budgetUsd >= 0))
    throw new UsageError(`--budget-usd ${options.budgetUsd}: use a number of US dollars ≥ 0`);
  const judge = await prepareJudge({
    config: config.judge,
    configDir,
    apiKey: options.judge?.apiKey,
    baseUrl: options.judge?.baseUrl,
    cache: options.cache,
    budgetUsd: options.budgetUsd,
    estimate: options.estimate,
    retry: options.judge?.retry,
  });
  try {
    const resolver = new ScorerResolver(config, { cwd: configDir, judge: judge.context });
    // Resolve every mode's scorers before running: a bad scorer config fails fast, and the fingerprint (and so
    // whether the baseline is comparable) is known before the first case is classified against it.
    const scorersByMode = new Map(
      await Promise.all(scan.modes.map(async (m) => [m, await resolver.forMode(m)] as const)),
    );
    const judges = judgeStatuses(scorersByMode, judge.context);
    checkBudgetPrices(judges, judge.runtime);
    const fingerprint: Fingerprint = {
      datasets: scan.hash,
      scorers: sortedRecord(resolver.versions),
      judge: judgeFingerprint(judges, config.judge?.prompt_version),
    };
    if (baseline) {
      const note = baselineTrialsNote(baseline, options.baselineTrials ?? config.baseline_trials);
      if (note) baseline.notes = [...(baseline.notes ?? []), note];
    }
    const task = await createTask(settings.task, configDir);

    async function* selectedBatches() {
      for await (const batch of readCaseBatches(files, cwd)) {
        const kept = shard || filter ? batch.filter((loaded) => select(loaded.case, loaded.dataset)) : batch;
        if (kept.length) yield kept;
      }
    }

    // An estimate runs the task and reads the cache but calls no judge, and writes nothing the gate could read.
    const out = options.estimate ? await mkdtemp(path.join(tmpdir(), 'tracegate-estimate-')) : settings.out;
    try {
      const outcome = await runEvaluation({
        cases: selectedBatches(),
        task,
        scorersByMode,
        fingerprint,
        baseline,
        out,
        trials: settings.trials,
        trialPassRate: config.trial_pass_rate,
        timeoutMs: settings.timeoutMs,
        concurrency: settings.concurrency,
        failOn: settings.failOn,
        thresholds: Object.fromEntries(
          Object.entries(config.failure_modes).map(([m, c]) => [m, c.threshold]),
        ),
        origin: {
          template: options.originUrlTemplate ?? config.origin_url_template,
          braintrust: config.braintrust,
        },
        shard: options.shard ?? null,
        progress: options.progress?.(scan.selected),
        startedAt,
        started,
        judge: { usage: () => judge.runtime.usage(), statuses: judges },
      });
      if (options.estimate) return { ...outcome, config, estimate: judge.runtime.estimate() };
      return { ...outcome, config };
    } finally {
      if (options.estimate) await rm(out, { recursive: true, force: true });
    }
  } finally {
    await judge.close();
  }
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
