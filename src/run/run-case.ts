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
  /** `values[i]` is scorer i's score (null: not applicable, or a shadow scorer that broke). */
  | {
      kind: 'passed' | 'failed' | 'skipped';
      values: Array<number | null>;
      reasons: string[];
      result: TaskResult;
      shadowErrors?: Record<string, string>;
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
  // Scorers see the row as loaded: frozen once, before the first trial (the task gets a copy).
  const c = deepFreeze(loaded.case);
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
  let skipReasons: string[] = [];
  let shadowErrors: Record<string, string> | undefined;
  let lastOutput: unknown;

  for (let trial = 0; trial < options.trials; trial++) {
    const outcome = await runTrial(loaded, task, scorers, options.timeoutMs, deadlines, usage, trial);
    if (outcome.kind === 'errored') {
      erroredTrials++;
      lastError = outcome.error;
      continue;
    }
    lastOutput = outcome.result.output;
    if (outcome.shadowErrors) shadowErrors = { ...shadowErrors, ...outcome.shadowErrors };
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
      skipReasons = outcome.reasons;
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
  else if (status === 'skipped') reasons = skipReasons;
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
    ...(shadowErrors ? { shadow_errors: shadowErrors } : {}),
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
    // The task gets its own copy of the row: scorers judge the row as loaded, so a task that pushes its
    // reply onto input.messages or edits context.retrieved cannot change what it is judged against.
    const copy = cloneRow(c);
    result = await deadlines.race(task.run(copy.input, copy, context), () => {
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
  const skipReasons: string[] = [];
  let shadowErrors: Record<string, string> | undefined;
  let blockingScored = 0;
  let blockingSkipped = 0;
  let blockingCount = 0;
  let failed = false;
  // Why shadow scorers could not run (e.g. a judge awaiting calibration without a key), and whether a
  // blocking judge's verdict was due but not obtained (budget reached).
  const shadowSkipReasons: string[] = [];
  let unscored = false;
  for (let i = 0; i < scorers.length; i++) {
    const scorer = scorers[i];
    const shadow = scorer.mode !== 'blocking';
    let score: Score;
    try {
      // Await only what is a promise: most code scorers are synchronous, and an await costs a tick.
      const returned = scorer.fn(args);
      score = returned instanceof Promise ? await returned : returned;
    } catch (error) {
      const message = `scorer ${scorer.name} threw: ${error instanceof Error ? error.message : String(error)}`;
      // A shadow scorer is reported, never gating: its crash is a shadow failure, not an errored case.
      if (shadow) {
        values[i] = null;
        (shadowErrors ??= {})[scorer.name] = message;
        continue;
      }
      return { kind: 'errored', error: message };
    }
    const invalid = invalidScore(score);
    if (invalid) {
      const message = `scorer ${scorer.name} ${invalid}`;
      if (shadow) {
        values[i] = null;
        (shadowErrors ??= {})[scorer.name] = message;
        continue;
      }
      return { kind: 'errored', error: message };
    }
    const value = score.score;
    const judgeUsage = score.metadata?.judge_usage as { cost_usd?: number } | undefined;
    if (judgeUsage) {
      usage.judge_calls++;
      usage.judge_cost_usd += judgeUsage.cost_usd ?? 0;
    }
    values[i] = value;
    if (value === null && score.metadata?.skipped) {
      const why = score.metadata.reason;
      if (shadow) shadowSkipReasons.push(typeof why === 'string' && why ? why : `${scorer.name} skipped`);
      // A blocking judge's verdict that was due but not obtained (budget reached) keeps the case from passing.
      else if (score.metadata.unscored) unscored = true;
    }
    if (shadow) continue;
    blockingCount++;
    if (value === null) {
      if (score.metadata?.skipped) {
        blockingSkipped++;
        const why = score.metadata.reason;
        skipReasons.push(typeof why === 'string' && why ? why : `${scorer.name} skipped`);
      }
      continue;
    }
    blockingScored++;
    if (value < scorer.minScore) {
      failed = true;
      reasons.push(`${scorer.name} ${value.toFixed(2)}${explain(score.metadata)}`);
    }
  }
  // An empty answer is a failed case whatever the scorers say (many return "not applicable" on nothing),
  // unless the row's expected answer is itself empty.
  if (isEmptyOutput(result) && !expectsEmptyOutput(c)) {
    return {
      kind: 'failed',
      values,
      reasons: [`empty output: the task returned ${describeEmpty(result.output)}`, ...reasons],
      result,
      shadowErrors,
    };
  }
  if (!failed && unscored)
    return { kind: 'skipped', values, reasons: [...new Set(skipReasons)], result, shadowErrors };
  if (blockingCount === 0) {
    // Only shadow scorers: nothing decided whether this case passed, so it is never counted as passed.
    // A shadow judge that could not even run (no key) says so: that is the more useful reason.
    return {
      kind: 'skipped',
      values,
      reasons: shadowSkipReasons.length
        ? [...new Set(shadowSkipReasons)]
        : ['only shadow scorers: no blocking scorer judges this case'],
      result,
      shadowErrors,
    };
  }
  if (blockingScored === 0) {
    if (blockingSkipped > 0)
      return { kind: 'skipped', values, reasons: [...new Set(skipReasons)], result, shadowErrors };
    failed = true;
    reasons.push('no blocking scorer applied to this case (all returned null)');
  }
  return { kind: failed ? 'failed' : 'passed', values, reasons, result, shadowErrors };
}

/**
 * Why a scorer's return value is not a Score, or undefined when it is one. `score` must be a number in
 * 0..1 or null: anything else (2, Infinity, NaN, 1e308, "0", true, {}) is a broken scorer, never clamped
 * into a pass nor read as "not applicable".
 */
export function invalidScore(score: unknown): string | undefined {
  if (!score || typeof score !== 'object' || !('score' in score))
    return `returned ${describeValue(score)} instead of {name, score}`;
  const value = (score as { score: unknown }).score;
  if (value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return undefined;
  return `returned score ${describeValue(value)}: expected a number in 0..1, or null for not applicable`;
}

function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 80) + '…' : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Nothing was answered: the output is null, undefined or blank text, and no tool call was made. */
export function isEmptyOutput(result: TaskResult): boolean {
  const output = result.output;
  const empty =
    output === undefined || output === null || (typeof output === 'string' && output.trim() === '');
  return empty && !(Array.isArray(result.tool_calls) && result.tool_calls.length > 0);
}

/**
 * The row says an empty answer is right: `expected` is present and is itself `""` or `null`, or an
 * object whose `output` (or `answer`) is `""` or `null`.
 */
export function expectsEmptyOutput(c: LoadedCase['case']): boolean {
  if (!('expected' in c)) return false;
  const isEmpty = (v: unknown) => v === null || (typeof v === 'string' && v.trim() === '');
  const expected = c.expected;
  if (isEmpty(expected)) return true;
  if (expected && typeof expected === 'object' && !Array.isArray(expected)) {
    const e = expected as Record<string, unknown>;
    return ('output' in e && isEmpty(e.output)) || ('answer' in e && isEmpty(e.answer));
  }
  return false;
}

function describeEmpty(output: unknown): string {
  return output === undefined ? 'no output' : output === null ? 'null' : JSON.stringify(output);
}

/**
 * A deep copy of a row for the task. Rows are JSON (read from JSONL), so plain objects and arrays are
 * copied by hand: about 7× faster than structuredClone on a typical row (1.6 µs vs 11 µs measured), which
 * matters at tens of microseconds of runner overhead per case. Anything else (a Date or Map a library
 * caller put in a row) goes through structuredClone.
 */
export function cloneRow<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneRow(value[i]);
    return copy as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = cloneRow((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** Freeze a loaded row and everything in it, so no task or scorer can edit what the others judge. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
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
  const text = typeof output === 'string' ? output : safeStringify(output);
  return text.length > 300 ? text.slice(0, 300) + '…' : text;
}

/**
 * JSON for an excerpt of any value a task can return: a circular reference, a BigInt or nesting deeper
 * than the stack would make JSON.stringify throw and end the run; here they become markers.
 */
function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) => {
        if (typeof v === 'bigint') return `${v}n`;
        if (v && typeof v === 'object') {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
        }
        return v;
      }) ?? String(value)
    );
  } catch (error) {
    return `[unprintable output: ${(error as Error).message}]`;
  }
}
