import type { LoadedCase } from '../cases/regression-case.js';
import type { Score } from '../../scorers/types.js';
import type { ResolvedScorer } from './resolve-scorers.js';
import { LazyAbortContext, TaskError, type Task, type TaskResult } from './tasks/task.js';
import type { CaseResult } from './results.js';

/** How one case is run: trials, the pass rate over trials it needs, and the per-trial timeout. */
export interface RunCaseOptions {
  trials: number;
  trialPassRate: number;
  timeoutMs: number;
}

type TrialOutcome =
  | { kind: 'passed' | 'failed' | 'skipped'; scores: Score[]; reasons: string[]; result: TaskResult }
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
): Promise<Omit<CaseResult, 'origin_url' | 'vs_baseline'>> {
  const started = performance.now();
  const c = loaded.case;
  const sums: Record<string, { total: number; n: number }> = {};
  for (const s of scorers) sums[s.name] = { total: 0, n: 0 };
  let passedTrials = 0;
  let skippedTrials = 0;
  let erroredTrials = 0;
  let lastError: string | null = null;
  let reasons: string[] = [];
  let lastOutput: unknown;

  for (let trial = 0; trial < options.trials; trial++) {
    const outcome = await runTrial(loaded, task, scorers, options.timeoutMs, usage);
    if (outcome.kind === 'errored') {
      erroredTrials++;
      lastError = outcome.error;
      continue;
    }
    lastOutput = outcome.result.output;
    for (const score of outcome.scores) {
      if (typeof score.score === 'number') {
        sums[score.name].total += score.score;
        sums[score.name].n++;
      }
    }
    if (outcome.kind === 'passed') passedTrials++;
    else if (outcome.kind === 'skipped') skippedTrials++;
    else reasons = outcome.reasons;
  }

  const scores: Record<string, number | null> = {};
  for (const [name, { total, n }] of Object.entries(sums)) scores[name] = n ? total / n : null;
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
    reasons: passed ? [] : reasons,
    hash: loaded.hash,
    kind: c.metadata.kind ?? 'failure',
    duration_ms: Math.round(performance.now() - started),
    ...(passed ? {} : { output_excerpt: excerpt(lastOutput) }),
  };
}

async function runTrial(
  loaded: LoadedCase,
  task: Task,
  scorers: ResolvedScorer[],
  timeoutMs: number,
  usage: CaseUsage,
): Promise<TrialOutcome> {
  const c = loaded.case;
  let result: TaskResult;
  try {
    result = await callWithTimeout(task, c.input, loaded, timeoutMs);
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
  } as Parameters<ResolvedScorer['fn']>[0];

  const scores: Score[] = [];
  const reasons: string[] = [];
  let blockingScored = 0;
  let blockingSkipped = 0;
  let blockingCount = 0;
  let failed = false;
  for (const scorer of scorers) {
    let score: Score;
    try {
      score = await scorer.fn(args);
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
    scores.push({ name: scorer.name, score: value, metadata: score.metadata });
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
  if (blockingCount > 0 && blockingScored === 0) {
    if (blockingSkipped > 0) return { kind: 'skipped', scores, reasons, result };
    failed = true;
    reasons.push('no blocking scorer applied to this case (all returned null)');
  }
  return { kind: failed ? 'failed' : 'passed', scores, reasons, result };
}

function callWithTimeout(
  task: Task,
  input: unknown,
  loaded: LoadedCase,
  timeoutMs: number,
): Promise<TaskResult> {
  const context = new LazyAbortContext();
  return new Promise<TaskResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new TaskError(`timed out after ${timeoutMs} ms`);
      context.abort(error);
      reject(error);
    }, timeoutMs);
    task.run(input, loaded.case, context).then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
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
