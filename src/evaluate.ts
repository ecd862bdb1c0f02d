import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config/load-config.js';
import type { TracegateConfig } from './config/config-schema.js';
import { findDatasetFiles, readCaseBatches, scanDatasets } from './cases/load-datasets.js';
import { createTask } from './run/tasks/create-task.js';
import { ScorerResolver } from './run/resolve-scorers.js';
import { indexBaseline, type BaselineIndex } from './run/compare.js';
import { readFile } from 'node:fs/promises';
import type { FailOn, OnSkipped } from './run/gate.js';
import type { Progress } from './run/progress.js';
import type { Fingerprint, Results } from './run/results.js';
import { parseShard, shardOf } from './run/shard.js';
import { compileCaseFilters, FilterCoverage } from './run/case-filter.js';
import { execFileSync } from 'node:child_process';
import { runEvaluation } from './run-evaluation.js';
import { environmentError, UsageError } from './errors.js';
import { clearStaleOutputs } from './output/stale-outputs.js';
import {
  createRedactor,
  redactError,
  secretEnvNamesInConfig,
  secretsFromEnvironment,
  type Redactor,
} from './util/redact.js';
import { resolveProject } from './braintrust/settings.js';
import { renderMarkdownReport } from './report/markdown.js';
import { writeAtomic as writeFileAtomic } from './output/write-atomic.js';
import type { LoadedCase } from './cases/regression-case.js';
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
  /** What a case no scorer could check does to the gate (default: the config's `on_skipped`, `fail`). */
  onSkipped?: OnSkipped;
  /** Let a run that selects no case pass instead of exit 2 (default: the config's `allow_empty`). */
  allowEmpty?: boolean;
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
  /** More secrets to keep out of every output (e.g. the action's tokens), besides the judge key and env keys. */
  secrets?: string[];
  /**
   * Log the run as a Braintrust experiment (`true`: a generated name). Without `baseline`, the baseline is
   * the latest experiment on the base branch's merge-base commit or its nearest ancestor that has one.
   */
  braintrustExperiment?: string | boolean;
  /** The branch pull requests merge into, for the experiment baseline (default GITHUB_BASE_REF, else main). */
  baseBranch?: string;
  /** Told about the Braintrust baseline search. */
  onNote?: (message: string) => void;
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
  /** With `estimate`: the judge calls and cost the run would make (nothing was written). */
  estimate?: JudgeEstimate;
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

  const policy = {
    failOn: settings.failOn,
    onSkipped: options.onSkipped ?? config.on_skipped,
    allowEmpty: options.allowEmpty ?? config.allow_empty,
  };

  const shard = options.shard ? parseShard(options.shard) : undefined;
  const filters = options.filters?.length ? compileCaseFilters(options.filters) : undefined;
  const filter = filters && ((c: CaseInput, dataset: string) => filters.every((f) => f.test(c, dataset)));
  const select = (c: CaseInput, dataset: string) =>
    (!shard || shardOf(c.id, shard.total) === shard.index) && (!filter || filter(c, dataset));

  // The baseline is read first so that the scan below can tell which of its cases vanished.
  const baseline = options.baseline ? await readBaseline(path.resolve(cwd, options.baseline)) : undefined;
  // Then the previous outputs go (the baseline may be the previous results.json in the output directory):
  // a run that fails from here on (a bad dataset, a task that cannot start) must not leave an older
  // results.json, perhaps `passed: true`, looking like its own.
  clearStaleOutputs(settings.out);
  const baselineMatched = new Set<string>();
  // The scan sees every valid row once: note what an empty selection, a vanished mode or a vanished
  // baseline case must be explained with, at no extra pass over the files.
  const presentModes = new Set<string>();
  const coverage = filters && new FilterCoverage(filters);
  let filtered = 0;
  const observeAndSelect = (c: CaseInput, dataset: string) => {
    presentModes.add(c.metadata.failure_mode);
    coverage?.observe(c, dataset);
    if (baseline?.cases.has(c.id)) baselineMatched.add(c.id);
    if (filter && !filter(c, dataset)) return false;
    filtered++;
    return !shard || shardOf(c.id, shard.total) === shard.index;
  };

  // Datasets resolve against the working directory; the config's task and scorer paths against its directory.
  const files = await findDatasetFiles(settings.datasets, cwd);
  const scan = await scanDatasets(files, cwd, observeAndSelect, { maxLineBytes: config.max_line_bytes });
  if (scan.selected === 0 && !policy.allowEmpty)
    throw new UsageError('Nothing to test: no case was selected, so the gate cannot pass.', [
      ...explainEmptySelection(scan, filtered, coverage, options.shard),
      'Pass --allow-empty (or set "allow_empty": true) if a run with no case is intended.',
    ]);
  if (baseline) {
    baseline.coverage = {
      matched: baselineMatched.size,
      missing: [...baseline.cases.keys()].filter((id) => !baselineMatched.has(id)),
    };
  }
  // Configured modes no row has any more (a dataset that disappeared) are reported with 0 cases.
  const emptyModes = Object.keys(config.failure_modes).filter((m) => !presentModes.has(m));

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
    // The judge settings are part of the fingerprint only when a judge scores something in this run.
    const fingerprint: Fingerprint = {
      datasets: scan.hash,
      scorers: sortedRecord(resolver.versions),
      judge: judgeFingerprint(judges, config.judge?.prompt_version),
    };
    if (baseline) {
      const note = baselineTrialsNote(baseline, options.baselineTrials ?? config.baseline_trials);
      if (note) baseline.notes = [...(baseline.notes ?? []), note];
    }
    // Braintrust after everything local is known to be valid, and before any case runs: a missing or
    // rejected key fails the run here (exit 2), not after the cases ran.
    if (options.braintrustExperiment && options.shard)
      throw new UsageError(
        `--braintrust-experiment with --shard ${options.shard}: one experiment holds one whole run, and a shard is part of one.`,
        ['Log the experiment from an unsharded run (e.g. on the base branch), or drop --shard.'],
      );
    // The Braintrust SDK loads only for a run that asked for it: a plain eval starts without it.
    const experiments =
      options.braintrustExperiment && !options.estimate
        ? await import('./braintrust/experiment.js')
        : undefined;
    const experiment = experiments
      ? await experiments.startExperimentRun({
          cwd,
          project: resolveProject(undefined, config.braintrust?.project),
          name: typeof options.braintrustExperiment === 'string' ? options.braintrustExperiment : undefined,
          fingerprint,
          findBaseline: !baseline,
          baseBranch: options.baseBranch,
          onNote: options.onNote,
        })
      : undefined;
    // A task given on the command line (or as the action's input) is relative to the working directory, as
    // any path typed in a shell is; the config's task is relative to the config file.
    const created = await createTask(settings.task, options.task ? cwd : configDir);
    const task = experiment ? experiment.wrapTask(created) : created;

    async function* selectedBatches() {
      for await (const batch of readCaseBatches(files, cwd, { maxLineBytes: config.max_line_bytes })) {
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
        baseline: baseline ?? experiment?.baseline,
        out,
        trials: settings.trials,
        trialPassRate: config.trial_pass_rate,
        timeoutMs: settings.timeoutMs,
        concurrency: settings.concurrency,
        failOn: settings.failOn,
        thresholds: Object.fromEntries(
          Object.entries(config.failure_modes).map(([m, c]) => [m, c.threshold]),
        ),
        gate: {
          onSkipped: policy.onSkipped,
          allowEmpty: policy.allowEmpty,
          requireCases: Object.fromEntries(
            Object.entries(config.failure_modes).map(([m, c]) => [m, c.require_cases]),
          ),
          emptyModes,
        },
        commit: currentCommit(cwd),
        origin: {
          template: options.originUrlTemplate ?? config.origin_url_template,
          // Self-hosted deployments: BRAINTRUST_APP_URL and BRAINTRUST_ORG_NAME fill in what the config leaves.
          braintrust: {
            ...config.braintrust,
            app_url: process.env.BRAINTRUST_APP_URL?.trim() || config.braintrust?.app_url,
            org: config.braintrust?.org ?? (process.env.BRAINTRUST_ORG_NAME?.trim() || undefined),
          },
        },
        shard: options.shard ?? null,
        progress: options.progress?.(scan.selected),
        startedAt,
        started,
        judge: { usage: () => judge.runtime.usage(), statuses: judges },
        redact: secrets.redact,
      });
      if (options.estimate)
        return { ...outcome, config, estimate: judge.runtime.estimate(), redact: secrets.redact };
      if (experiment && experiments) {
        const link = await experiment.finish(outcome.paths.results, files);
        outcome.results.braintrust_experiment = link;
        await writeFileAtomic(
          outcome.paths.results,
          secrets.redact(await experiments.addLinkToResultsFile(outcome.paths.results, link)),
        );
        await writeFileAtomic(outcome.paths.report, secrets.redact(renderMarkdownReport(outcome.results)));
      }
      return { ...outcome, config, redact: secrets.redact };
    } finally {
      if (options.estimate) await rm(out, { recursive: true, force: true });
    }
  } finally {
    await judge.close();
  }
}

type CaseInput = LoadedCase['case'];

/** Why a selection is empty, one line per cause, naming what exists instead. */
function explainEmptySelection(
  scan: { count: number; files: string[] },
  filtered: number,
  coverage: FilterCoverage | undefined,
  shard: string | undefined,
): string[] {
  if (scan.count === 0) return [`The dataset files hold no rows: ${scan.files.join(', ')}.`];
  if (coverage && filtered === 0) return coverage.explain();
  if (shard)
    return [
      `Shard ${shard} received no case: the ${filtered} selected case(s) all hash to other shards. Use fewer shards.`,
    ];
  return ['No row was selected.'];
}

/**
 * The commit under test, so that merged shards can be checked to come from one run: GITHUB_SHA in
 * Actions, else the working tree's HEAD, else null (not a git checkout).
 */
export function currentCommit(cwd: string): string | null {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA;
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd,
        encoding: 'utf8',
        timeout: 5000,
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || null
    );
  } catch {
    return null;
  }
}

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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw environmentError(error, 'read the baseline', file);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
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
