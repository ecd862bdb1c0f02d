import type { LoadedCase } from '../cases/regression-case.js';
import type { Score } from '../../scorers/types.js';
import type { ResolvedScorer } from './resolve-scorers.js';
import { LazyAbortContext, TaskError, type Task, type TaskResult } from './tasks/task.js';
import type { CaseResult } from './results.js';
import { DeadlineQueue } from './deadline-queue.js';
import { wilsonInterval } from '../judge/noise.js';

const EMPTY_NUMBERS: number[] = [];
/** Shared by every passing case (nothing mutates a result's reasons); frozen to keep it that way. */
const NO_REASONS: string[] = Object.freeze([]) as unknown as string[];

/** How one case is run: trials, the pass rate over trials it needs, and the per-trial timeout. */
export interface RunCaseOptions {
  trials: number;
  trialPassRate: number;
  timeoutMs: number;
  /** Shared timeouts for the run (one timer for all cases); created per call when absent. */
  deadlines?: DeadlineQueue;
}

type TrialOutcome =
  /** `values[i]` is scorer i's clamped score (null: not applicable). */
  | {
      kind: 'passed' | 'failed' | 'skipped';
      values: Array<number | null>;
      reasons: string[];
      result: TaskResult;
    }
  | { kind: 'errored'; error: string };

/** Judge usage reported by judge scorers in `metadata.judge_usage`. */
export interface CaseUsage {
  cost_usd: number;
  input_tokens: number;
  output_tokens: number;
  judge_calls: number;
  judge_cost_usd: number;
}

/**
 * Run one case: call the task once per trial (each under its own timeout), score each result, and fold
 * the trials into one CaseResult. Never throws: a task or scorer failure is an errored trial.
 */
export async function runCase(
  loaded: LoadedCase,
  task: Task,
  scorers: ResolvedScorer[],
  options: RunCaseOptions,
  usage: CaseUsage,
): Promise<CaseResult> {
  const started = performance.now();
  const c = loaded.case;
  // Per scorer position (scorers are the same list every trial). With one trial (the usual case) the
  // trial's own values are the means, and no per-case sums are allocated.
  const single = options.trials === 1;
  const totals = single ? EMPTY_NUMBERS : new Array<number>(scorers.length).fill(0);
  const counts = single ? EMPTY_NUMBERS : new Array<number>(scorers.length).fill(0);
  let singleValues: Array<number | null> | undefined;
  const deadlines = options.deadlines ?? new DeadlineQueue(options.timeoutMs);
  let passedTrials = 0;
  let skippedTrials = 0;
  let erroredTrials = 0;
  let lastError: string | null = null;
  let reasons: string[] = [];
  let lastOutput: unknown;

  for (let trial = 0; trial < options.trials; trial++) {
    const outcome = await runTrial(loaded, task, scorers, options.timeoutMs, deadlines, usage, trial);
    if (outcome.kind === 'errored') {
      erroredTrials++;
      lastError = outcome.error;
      continue;
    }
    lastOutput = outcome.result.output;
    if (single) singleValues = outcome.values;
    else
      for (let i = 0; i < outcome.values.length; i++) {
        const value = outcome.values[i];
        if (typeof value === 'number') {
          totals[i] += value;
          counts[i]++;
        }
      }
    if (outcome.kind === 'passed') passedTrials++;
    else if (outcome.kind === 'skipped') {
      skippedTrials++;
      // Why it was not checked (e.g. no judge key), unless a failing trial already said why it failed.
      if (reasons.length === 0) reasons = outcome.reasons;
    } else reasons = outcome.reasons;
  }

  if (!options.deadlines) deadlines.close();
  const scores: Record<string, number | null> = {};
  for (let i = 0; i < scorers.length; i++) {
    scores[scorers[i].name] = single ? (singleValues?.[i] ?? null) : counts[i] ? totals[i] / counts[i] : null;
  }
  const counted = options.trials - skippedTrials;
  const passRate = counted ? passedTrials / counted : 0;
  const skipped = skippedTrials === options.trials;
  const passed = !skipped && passRate >= options.trialPassRate && passedTrials > 0;
  const failedTrials = counted - passedTrials;
  const status = skipped
    ? 'skipped'
    : passed
      ? 'passed'
      : erroredTrials > 0 && erroredTrials === failedTrials
        ? 'errored'
        : 'failed';
  if (status === 'errored') reasons = [lastError ?? 'errored'];
  else if (!passed && erroredTrials > 0)
    reasons = [...reasons, `${erroredTrials} trial(s) errored: ${lastError}`];
  return {
    id: c.id,
    failure_mode: c.metadata.failure_mode,
    dataset: loaded.dataset,
    line: loaded.line,
    passed,
    status,
    scores,
    trials: options.trials,
    pass_rate: passRate,
    flaky: passedTrials > 0 && passedTrials < counted,
    error: status === 'errored' ? lastError : null,
    reasons: passed ? NO_REASONS : reasons,
    // Filled in by the caller; present from the start so every result has one shape (JSON.stringify's
    // fast path, and no hidden-class changes per case).
    origin_url: null,
    vs_baseline: null,
    hash: loaded.hash,
    kind: c.metadata.kind ?? 'failure',
    duration_ms: Math.round(performance.now() - started),
    output_excerpt: passed ? undefined : excerpt(lastOutput),
    // With trials, how sure the pass rate is: the judge's verdicts are samples, and the baseline comparison
    // (compare.ts) tells a real drop from noise with these.
    pass_rate_interval: single ? undefined : wilsonInterval(passedTrials, counted),
  };
}

async function runTrial(
  loaded: LoadedCase,
  task: Task,
  scorers: ResolvedScorer[],
  timeoutMs: number,
  deadlines: DeadlineQueue,
  usage: CaseUsage,
  trial = 0,
): Promise<TrialOutcome> {
  const c = loaded.case;
  let result: TaskResult;
  try {
    const context = new LazyAbortContext();
    result = await deadlines.race(task.run(c.input, c, context), () => {
      const error = new TaskError(`timed out after ${timeoutMs} ms`);
      context.abort(error);
      return error;
    });
  } catch (error) {
    return { kind: 'errored', error: error instanceof Error ? error.message : String(error) };
  }
  if (result.usage) {
    usage.cost_usd += result.usage.cost_usd ?? 0;
    usage.input_tokens += result.usage.input_tokens ?? 0;
    usage.output_tokens += result.usage.output_tokens ?? 0;
  }
  const args = {
    input: c.input,
    output: result.output,
    expected: c.expected,
    metadata: c.metadata,
    context: c.context,
    toolCalls: result.tool_calls ?? (task.spec === 'replay' ? c.context?.tool_calls : undefined),
    retrieved: result.retrieved ?? c.context?.retrieved,
    // The trial index: judge scorers key their cache on it, so each trial asks for a fresh verdict.
    trial,
  } as Parameters<ResolvedScorer['fn']>[0];

  const values: Array<number | null> = new Array(scorers.length);
  const reasons: string[] = [];
  let blockingScored = 0;
  let blockingSkipped = 0;
  let blockingCount = 0;
  let failed = false;
  // Why scorers could not run (no judge key, budget reached): the case's reasons when nothing else decided.
  const skipReasons: string[] = [];
  let unscored = false;
  for (let i = 0; i < scorers.length; i++) {
    const scorer = scorers[i];
    let score: Score;
    try {
      // Await only what is a promise: most code scorers are synchronous, and an await costs a tick.
      const returned = scorer.fn(args);
      score = returned instanceof Promise ? await returned : returned;
    } catch (error) {
      return { kind: 'errored', error: `scorer ${scorer.name} threw: ${(error as Error).message}` };
    }
    if (!score || typeof score !== 'object' || !('score' in score)) {
      return {
        kind: 'errored',
        error: `scorer ${scorer.name} returned ${JSON.stringify(score)} instead of {name, score}`,
      };
    }
    const value =
      typeof score.score === 'number'
        ? Math.min(1, Math.max(0, Number.isNaN(score.score) ? 0 : score.score))
        : null;
    const judgeUsage = score.metadata?.judge_usage as { cost_usd?: number } | undefined;
    if (judgeUsage) {
      usage.judge_calls++;
      usage.judge_cost_usd += judgeUsage.cost_usd ?? 0;
    }
    values[i] = value;
    if (value === null && score.metadata?.skipped) {
      skipReasons.push(`${scorer.name}: ${String(score.metadata.reason ?? 'skipped')}`);
      // A judge verdict that was due but not obtained (budget reached) keeps the case from passing.
      if (scorer.mode === 'blocking' && score.metadata.unscored) unscored = true;
    }
    if (scorer.mode !== 'blocking') continue;
    blockingCount++;
    if (value === null) {
      if (score.metadata?.skipped) blockingSkipped++;
      continue;
    }
    blockingScored++;
    if (value < scorer.minScore) {
      failed = true;
      reasons.push(`${scorer.name} ${value.toFixed(2)}${explain(score.metadata)}`);
    }
  }
  if (!failed && unscored) return { kind: 'skipped', values, reasons: skipReasons, result };
  // Nothing blocking was scored, and a scorer was skipped (a judge without a key, even one still in shadow
  // awaiting calibration): not checked, which is never passed.
  if (blockingScored === 0 && (blockingSkipped > 0 || (blockingCount === 0 && skipReasons.length > 0)))
    return { kind: 'skipped', values, reasons: skipReasons, result };
  if (blockingCount > 0 && blockingScored === 0) {
    failed = true;
    reasons.push('no blocking scorer applied to this case (all returned null)');
  }
  return { kind: failed ? 'failed' : 'passed', values, reasons, result };
}

/** One line from a scorer's metadata: its reason, rationale, or first listed error. */
export function explain(metadata: Record<string, unknown> | undefined): string {
  if (!metadata) return '';
  for (const key of ['reason', 'rationale', 'explanation']) {
    if (typeof metadata[key] === 'string' && metadata[key]) return `: ${firstLine(metadata[key] as string)}`;
  }
  const errors = metadata.errors;
  if (Array.isArray(errors) && errors.length) {
    const e = errors[0] as { pointer?: string; message?: string } | string;
    const text = typeof e === 'string' ? e : `${e.pointer ? e.pointer + ' ' : ''}${e.message ?? ''}`;
    return `: ${firstLine(text)}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}`;
  }
  return '';
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 200 ? line.slice(0, 200) + '…' : line;
}

function excerpt(output: unknown): string | undefined {
  if (output === undefined) return undefined;
  const text = typeof output === 'string' ? output : JSON.stringify(output);
  return text.length > 300 ? text.slice(0, 300) + '…' : text;
}
