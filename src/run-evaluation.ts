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
import type { CaseResult, Fingerprint, Results } from './run/results.js';
import { renderMarkdownReport } from './report/markdown.js';
import { escapeMarkdown } from './report/escape.js';
import { JunitWriter } from './output/junit-writer.js';
import { writeAtomicSync } from './output/write-atomic.js';
import { noRedaction, type Redactor } from './util/redact.js';
import { redactCaseResult } from './run/redact-case.js';
import { clearStaleOutputs } from './output/stale-outputs.js';
import { onProcessEnd } from './output/process-end.js';
import { UsageError } from './errors.js';
import type { JudgeScorerStatus, JudgeUsageReport } from './judge/judge-usage.js';

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
  /** The run's judge: usage (read at the end) and each judge scorer's standing, for results.json. */
  judge?: { usage(): JudgeUsageReport; statuses: Record<string, JudgeScorerStatus> };
}

/** What a run produced. `results.cases` holds only the notable cases; results.json on disk holds all. */
export interface RunEvaluationOutcome {
  results: Results;
  paths: { results: string; report: string; junit: string; out: string };
  /** 0 when the gate passed, 1 when it failed. */
  exitCode: 0 | 1;
  /** The run's redactor, for whoever prints about it. */
  redact?: Redactor;
}

/**
 * The run itself: every case through the task and its failure mode's scorers with bounded concurrency,
 * classified against the baseline, folded into per-mode aggregates and streamed to results.json and
 * junit.xml as it goes; then the gate, and report.md. Memory holds aggregates and notable cases only.
 *
 * A run that does not finish still writes what it has, marked `interrupted: true` with `passed: false`:
 * when it throws (a full disk, a task that cannot start), and when the process ends under it (a signal,
 * a task or scorer calling process.exit), from a synchronous `exit` handler. The previous run's outputs
 * are removed first, so none of them can pass for this run's.
 */
export async function runEvaluation(input: RunEvaluationInput): Promise<RunEvaluationOutcome> {
  const startedAt = input.startedAt ?? new Date();
  const started = input.started ?? performance.now();
  const baselineInfo = input.baseline ? checkComparable(input.fingerprint, input.baseline) : null;
  const compareWith = baselineInfo?.comparable ? input.baseline : undefined;
  clearStaleOutputs(input.out);
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
  const paths = {
    results: path.join(input.out, 'results.json'),
    report: path.join(input.out, 'report.md'),
    junit: path.join(input.out, 'junit.xml'),
    out: input.out,
  };

  /** Aggregates, gate, and every output file, synchronously (it also runs from an `exit` handler). */
  const finish = (interruptedReason?: string): Results => {
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
    const header: Omit<Results, 'cases'> = {
      version: 1,
      // An unfinished run never passes, whatever its finished cases say.
      passed: !interruptedReason && run.passed,
      ...(interruptedReason ? { interrupted: true, interrupted_reason: interruptedReason } : {}),
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
        judge: judgeUsage(input.judge?.usage(), usage),
      },
      ...(input.judge && Object.keys(input.judge.statuses).length ? { judges: input.judge.statuses } : {}),
      gate: {
        fail_on: policy.failOn,
        on_skipped: policy.onSkipped,
        allow_empty: policy.allowEmpty,
        reasons: interruptedReason ? [`interrupted: ${interruptedReason}`, ...run.reasons] : run.reasons,
      },
    };
    const notable = aggregator.notableCases();
    const results: Results = { ...header, cases: notable.cases, omitted_cases: notable.dropped };
    // Each file on its own: when one cannot be written (a full disk), the others still are, and the first
    // error is thrown after.
    const errors: unknown[] = [];
    const attempt = (write: () => void) => {
      try {
        write();
      } catch (error) {
        errors.push(error);
      }
    };
    attempt(() => writer.finishSync(header));
    attempt(() => junit.finishSync(header));
    attempt(() =>
      writeAtomicSync(paths.report, redact(interruptedNote(results) + renderMarkdownReport(results))),
    );
    if (errors.length) throw errors[0];
    return results;
  };

  let state: 'running' | 'finished' = 'running';
  const releaseProcessEnd = onProcessEnd((end) => {
    if (state !== 'running') return;
    state = 'finished';
    const reason =
      end.kind === 'signal'
        ? `${end.signal} received during the run`
        : `process.exit(${end.code}) called during the run (by a task or scorer module?)`;
    // An unfinished run never ends the process with 0, whoever asked for the exit.
    if (end.kind === 'exit' && !process.exitCode) process.exitCode = 2;
    try {
      finish(reason);
      process.stderr.write(
        `tracegate: run interrupted (${reason}) after ${writer.written} case(s); partial results marked "interrupted" in ${paths.results}\n`,
      );
    } catch (error) {
      process.stderr.write(
        `tracegate: run interrupted (${reason}); the partial results could not be written: ${(error as Error).message}\n`,
      );
    }
  });

  let outcome: Results;
  try {
    await runPoolBatched(batches, input.concurrency, async (loaded) => {
      const scorers = input.scorersByMode.get(loaded.case.metadata.failure_mode);
      if (!scorers)
        throw new Error(`no scorers resolved for failure mode "${loaded.case.metadata.failure_mode}"`);
      let result: CaseResult;
      try {
        // Redacted before anything reads it: a reason cut short by a renderer can no longer hold half a key.
        result = redactCaseResult(await runCase(loaded, input.task, scorers, runOptions, usage), redact);
      } catch (error) {
        // Bad input and a broken environment end the run; anything else a case runs into (an output that
        // is circular, a BigInt, nested 100,000 deep) is that case's error, not the end of the run.
        if (error instanceof UsageError) throw error;
        result = erroredCase(loaded, error);
      }
      // A task that can never work (a command that cannot start) stops the run: exit 2, not N errors.
      if (input.task.fatal) throw input.task.fatal;
      result.origin_url = buildOriginUrl(
        loaded.case.origin,
        loaded.case.metadata.source_span_id,
        input.origin,
      );
      result.vs_baseline = compareWith ? classifyCase(result, compareWith.cases.get(result.id)) : null;
      if (state !== 'running') return; // the process is ending: the files are already written
      aggregator.add(result, scorers);
      progress.tick(result.passed || result.status === 'skipped');
      writer.write(result);
      junit.write(result);
    });
  } catch (error) {
    if (state === 'running') {
      state = 'finished';
      try {
        finish(`the run stopped: ${describeError(error).split('\n')[0]}`);
      } catch {
        writer.abort();
        junit.abort();
      }
    }
    throw error;
  } finally {
    releaseProcessEnd();
    deadlines.close();
    progress.done();
    await input.task.close();
  }
  if (state !== 'running') throw new Error('the run was interrupted');
  state = 'finished';
  try {
    outcome = finish();
  } catch (error) {
    writer.abort();
    junit.abort();
    throw error;
  }
  return { results: outcome, paths, exitCode: outcome.passed ? 0 : 1, redact };
}

/** The line report.md opens with when the run did not finish. */
function interruptedNote(results: Results): string {
  if (!results.interrupted) return '';
  return `> [!CAUTION]\n> **Interrupted: these results are partial and the gate fails.** ${escapeMarkdown(results.interrupted_reason ?? '')}\n\n`;
}

/** A CaseResult for a case whose run threw where nothing should (never a pass). */
function erroredCase(loaded: LoadedCase, error: unknown): CaseResult {
  const message = `internal error while running this case: ${describeError(error)}`;
  return {
    id: loaded.case.id,
    failure_mode: loaded.case.metadata.failure_mode,
    dataset: loaded.dataset,
    line: loaded.line,
    passed: false,
    status: 'errored',
    scores: {},
    trials: 0,
    pass_rate: 0,
    flaky: false,
    error: message,
    reasons: [message],
    origin_url: null,
    vs_baseline: null,
    hash: loaded.hash,
    kind: loaded.case.metadata.kind ?? 'failure',
    duration_ms: 0,
    output_excerpt: undefined,
  };
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'an unprintable error';
  }
}

async function* oneBatch<T>(items: T[]): AsyncGenerator<T[]> {
  yield items;
}

/** The judge's ledger, plus calls that user scorers reported themselves in `metadata.judge_usage`. */
function judgeUsage(report: JudgeUsageReport | undefined, usage: CaseUsage): Results['usage']['judge'] {
  if (!report) return { calls: usage.judge_calls, cost_usd: usage.judge_cost_usd };
  return {
    ...report,
    calls: report.calls + usage.judge_calls,
    cost_usd: report.cost_usd === null ? null : report.cost_usd + usage.judge_cost_usd,
  };
}
