import path from 'node:path';
import type { LoadedCase } from './cases/regression-case.js';
import type { Threshold } from './config/config-schema.js';
import type { ResolvedScorer } from './run/resolve-scorers.js';
import type { Task } from './run/tasks/task.js';
import { runCase, type CaseUsage } from './run/run-case.js';
import { DeadlineQueue } from './run/deadline-queue.js';
import { runPoolBatched } from './run/run-pool.js';
import { ResultsAggregator } from './run/aggregate.js';
import { ResultsWriter } from './run/results-writer.js';
import { checkComparable, classifyCase, type BaselineIndex } from './run/compare.js';
import { decideRun, gatePolicy, type FailOn, type OnSkipped } from './run/gate.js';
import { buildOriginUrl, type OriginLinkSettings } from './run/origin-url.js';
import { silentProgress, type Progress } from './run/progress.js';
import type { Fingerprint, Results } from './run/results.js';
import { renderMarkdownReport } from './report/markdown.js';
import { JunitWriter } from './output/junit-writer.js';
import { writeAtomic } from './output/write-atomic.js';
import { noRedaction, type Redactor } from './util/redact.js';
import { redactCaseResult } from './run/redact-case.js';

/** Everything one run needs once config, datasets, task and scorers are resolved. */
export interface RunEvaluationInput {
  /** The cases, in batches (as read from disk) or as one in-memory array. */
  cases: AsyncIterable<LoadedCase[]> | LoadedCase[];
  task: Task;
  scorersByMode: Map<string, ResolvedScorer[]>;
  fingerprint: Fingerprint;
  baseline?: BaselineIndex;
  out: string;
  trials: number;
  trialPassRate: number;
  timeoutMs: number;
  concurrency: number;
  failOn: FailOn;
  thresholds: Record<string, Threshold | undefined>;
  /** The rest of the gate's rules (fail-closed defaults when absent) and the modes to report empty. */
  gate?: {
    onSkipped?: OnSkipped;
    allowEmpty?: boolean;
    requireCases?: Record<string, boolean>;
    /** Configured modes with no case in the datasets: reported with 0 cases. */
    emptyModes?: string[];
  };
  /** The commit under test (recorded in results.json for merging shards). */
  commit?: string | null;
  origin: OriginLinkSettings;
  shard?: string | null;
  progress?: Progress;
  startedAt?: Date;
  started?: number;
  /** Removes known secrets (judge key, tokens) from every case result and every file written. */
  redact?: Redactor;
}

/** What a run produced. `results.cases` holds only the notable cases; results.json on disk holds all. */
export interface RunEvaluationOutcome {
  results: Results;
  paths: { results: string; report: string; junit: string; out: string };
  /** 0 when the gate passed, 1 when it failed. */
  exitCode: 0 | 1;
  /** The run's redactor, for whoever prints about it. */
  redact: Redactor;
}

/**
 * The run itself: every case through the task and its failure mode's scorers with bounded concurrency,
 * classified against the baseline, folded into per-mode aggregates and streamed to results.json and
 * junit.xml as it goes; then the gate, and report.md. Memory holds aggregates and notable cases only.
 */
export async function runEvaluation(input: RunEvaluationInput): Promise<RunEvaluationOutcome> {
  const startedAt = input.startedAt ?? new Date();
  const started = input.started ?? performance.now();
  const baselineInfo = input.baseline ? checkComparable(input.fingerprint, input.baseline) : null;
  const compareWith = baselineInfo?.comparable ? input.baseline : undefined;
  const redact = input.redact ?? noRedaction;
  const writer = await ResultsWriter.open(input.out, undefined, redact);
  const junit = new JunitWriter(input.out, redact);
  const aggregator = new ResultsAggregator();
  const usage: CaseUsage = {
    cost_usd: 0,
    input_tokens: 0,
    output_tokens: 0,
    judge_calls: 0,
    judge_cost_usd: 0,
  };
  const progress = input.progress ?? silentProgress;
  const deadlines = new DeadlineQueue(input.timeoutMs);
  const runOptions = {
    trials: input.trials,
    trialPassRate: input.trialPassRate,
    timeoutMs: input.timeoutMs,
    deadlines,
  };
  const batches = Array.isArray(input.cases) ? oneBatch(input.cases) : input.cases;

  try {
    await runPoolBatched(batches, input.concurrency, async (loaded) => {
      const scorers = input.scorersByMode.get(loaded.case.metadata.failure_mode);
      if (!scorers)
        throw new Error(`no scorers resolved for failure mode "${loaded.case.metadata.failure_mode}"`);
      // Redacted before anything reads it: a reason cut short by a renderer can no longer hold half a key.
      const result = redactCaseResult(await runCase(loaded, input.task, scorers, runOptions, usage), redact);
      result.origin_url = buildOriginUrl(
        loaded.case.origin,
        loaded.case.metadata.source_span_id,
        input.origin,
      );
      result.vs_baseline = compareWith ? classifyCase(result, compareWith.cases.get(result.id)) : null;
      aggregator.add(result, scorers);
      progress.tick(result.passed || result.status === 'skipped');
      writer.write(result);
      junit.write(result);
    });
  } catch (error) {
    await writer.abort();
    await junit.abort();
    throw error;
  } finally {
    deadlines.close();
    progress.done();
    await input.task.close();
  }

  const policy = gatePolicy({ ...input.gate, failOn: input.failOn });
  const failureModes = aggregator.summarise({
    thresholds: input.thresholds,
    failOn: input.failOn,
    policy,
    requireCases: input.gate?.requireCases,
    emptyModes: input.gate?.emptyModes,
    baseline: {
      given: Boolean(input.baseline),
      comparable: Boolean(baselineInfo?.comparable),
      passRates: input.baseline?.passRates ?? {},
    },
  });
  const run = decideRun(failureModes, policy);
  const passed = run.passed;
  const header: Omit<Results, 'cases'> = {
    version: 1,
    passed,
    started_at: startedAt.toISOString(),
    duration_ms: Math.round(performance.now() - started),
    task: input.task.spec,
    shard: input.shard ?? null,
    commit: input.commit ?? null,
    fingerprint: input.fingerprint,
    baseline: baselineInfo,
    failure_modes: failureModes,
    usage: {
      task: {
        cost_usd: usage.cost_usd,
        input_tokens: usage.input_tokens,
        output_tokens: usage.output_tokens,
      },
      judge: { calls: usage.judge_calls, cost_usd: usage.judge_cost_usd },
    },
    gate: {
      fail_on: policy.failOn,
      on_skipped: policy.onSkipped,
      allow_empty: policy.allowEmpty,
      reasons: run.reasons,
    },
  };
  const resultsPath = await writer.finish(header);
  const junitPath = await junit.finish(header);
  const notable = aggregator.notableCases();
  const results: Results = { ...header, cases: notable.cases, omitted_cases: notable.dropped };
  const reportPath = path.join(input.out, 'report.md');
  await writeAtomic(reportPath, redact(renderMarkdownReport(results)));
  return {
    results,
    paths: { results: resultsPath, report: reportPath, junit: junitPath, out: input.out },
    exitCode: passed ? 0 : 1,
    redact,
  };
}

async function* oneBatch<T>(items: T[]): AsyncGenerator<T[]> {
  yield items;
}
