import type { RegressionCase } from '../cases/regression-case.js';
import type { ResolvedScorer } from '../run/resolve-scorers.js';
import type { Trace } from '../traces/trace.js';
import { explain } from '../run/run-case.js';
import { caseExpected } from '../promote/label.js';

/** What one scorer said about one recorded output. */
export interface ScorerOutcome {
  name: string;
  id: string;
  kind: 'code' | 'judge';
  mode: 'blocking' | 'shadow';
  min_score: number;
  /** 0..1, or null when the scorer did not apply (or was skipped). */
  score: number | null;
  /** One line: the scorer's reason, rationale or first error. */
  reason?: string;
  /** True when the scorer did not run: a judge without a key, or over its rate or cost budget. */
  skipped?: boolean;
  /** Judge cost of this call, when the judge reported one. */
  cost_usd?: number;
}

/**
 * The verdict of one failure mode's scorers on one recorded output. Unlike a dataset row in CI, a live
 * trace is not labelled: when no blocking scorer applies, the mode says nothing about it
 * (`not_applicable`), which is neither a pass nor a failure.
 */
export interface ModeVerdict {
  failure_mode: string;
  status: 'passed' | 'failed' | 'errored' | 'not_applicable' | 'skipped';
  scores: Record<string, number | null>;
  scorers: ScorerOutcome[];
  /** Why it failed or errored, one line per scorer (`tool-call 0.00: lookup_order argument …`). */
  reasons: string[];
}

/** Decides whether a judge scorer may run now; returns the reason when it may not. */
export interface JudgeGate {
  acquire(scorer: ResolvedScorer): string | undefined;
  /** Called after a judge ran, with its reported cost (0 when unknown). */
  spent(costUsd: number): void;
}

/** Defaults for what instrumentation does not record (e.g. instrumentation-openai omits tool definitions). */
export interface CaseDefaults {
  tools?: unknown[];
  schema?: unknown;
  system_prompt?: string;
}

/**
 * The row a live trace would be if it were promoted, for one failure mode, unscrubbed (scorers see what
 * the app saw): input, output, expected, and the context the replay task gives scorers.
 */
export function traceToCase(trace: Trace, mode: string, defaults: CaseDefaults = {}): RegressionCase {
  const context: Record<string, unknown> = {
    retrieved: trace.retrieved,
    tools: trace.tools.length ? trace.tools : (defaults.tools ?? []),
    tool_calls: trace.tool_calls,
  };
  const systemPrompt = trace.system_prompt ?? defaults.system_prompt;
  if (systemPrompt !== undefined) context.system_prompt = systemPrompt;
  const schema = trace.response_schema ?? defaults.schema;
  if (schema !== undefined) context.schema = schema;
  const row: RegressionCase = {
    id: trace.trace_id,
    input: trace.input ?? null,
    context: context as RegressionCase['context'],
    metadata: { failure_mode: mode, source_span_id: trace.root_span_id },
  };
  if (trace.output !== undefined) row.output = trace.output;
  // The row's `expected` as promote writes it (document ids the answer needed also under `doc_ids`).
  const expected = caseExpected(trace, undefined);
  if (expected !== undefined) row.expected = expected;
  return row;
}

function costOf(metadata: Record<string, unknown> | undefined): number {
  const usage = (metadata?.judge_usage ?? metadata?.usage) as { cost_usd?: unknown } | undefined;
  const cost = usage?.cost_usd ?? metadata?.cost_usd;
  return typeof cost === 'number' && Number.isFinite(cost) && cost > 0 ? cost : 0;
}

/** Race a scorer against its timeout; the timer never keeps the process alive. */
function withTimeout<T>(value: T | Promise<T>, ms: number, what: string): Promise<T> {
  if (!(value instanceof Promise)) return Promise.resolve(value);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([value, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Score one row's recorded output with a failure mode's scorers, as the `replay` task does in CI: the
 * scorers get the row's input, output, expected, context, recorded tool calls and retrieval. Never
 * throws: a scorer that throws, times out or returns something other than a 0..1 number or null makes
 * the verdict `errored`, naming the scorer.
 */
export async function scoreCase(
  row: RegressionCase,
  scorers: ResolvedScorer[],
  options: { timeoutMs?: number; judgeGate?: JudgeGate } = {},
): Promise<ModeVerdict> {
  const mode = row.metadata.failure_mode;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const args = {
    input: row.input,
    output: row.output,
    expected: row.expected,
    metadata: row.metadata,
    context: row.context,
    toolCalls: row.context?.tool_calls,
    retrieved: row.context?.retrieved,
  } as Parameters<ResolvedScorer['fn']>[0];
  const verdict: ModeVerdict = { failure_mode: mode, status: 'passed', scores: {}, scorers: [], reasons: [] };
  let blocking = 0;
  let judged = 0;
  let skipped = 0;
  // Live traffic feeds a review queue, where people decide: a judge declared blocking but still awaiting
  // calibration (so shadow in the CI gate) counts as evidence here; its items are marked as needing a person.
  const counts = (scorer: ResolvedScorer) => (scorer.declaredMode ?? scorer.mode) === 'blocking';
  for (const scorer of scorers) {
    const outcome: ScorerOutcome = {
      name: scorer.name,
      id: scorer.id,
      kind: scorer.kind,
      mode: counts(scorer) ? 'blocking' : 'shadow',
      min_score: scorer.minScore,
      score: null,
    };
    verdict.scorers.push(outcome);
    if (counts(scorer)) blocking++;
    const refused = scorer.kind === 'judge' ? options.judgeGate?.acquire(scorer) : undefined;
    if (refused) {
      outcome.skipped = true;
      outcome.reason = refused;
      verdict.scores[scorer.name] = null;
      if (counts(scorer)) skipped++;
      continue;
    }
    let value: unknown;
    let metadata: Record<string, unknown> | undefined;
    try {
      const score = await withTimeout(scorer.fn(args), timeoutMs, `scorer ${scorer.name}`);
      if (!score || typeof score !== 'object' || !('score' in score))
        throw new Error(`returned ${JSON.stringify(score)} instead of {name, score}`);
      value = score.score;
      metadata = score.metadata;
    } catch (error) {
      verdict.status = 'errored';
      verdict.reasons.push(`scorer ${scorer.name} failed: ${(error as Error).message}`);
      verdict.scores[scorer.name] = null;
      continue;
    } finally {
      if (scorer.kind === 'judge' && !refused) options.judgeGate?.spent(costOf(metadata));
    }
    if (value !== null && (typeof value !== 'number' || !(value >= 0 && value <= 1))) {
      verdict.status = 'errored';
      verdict.reasons.push(`scorer ${scorer.name} returned ${String(value)}, not a number in 0..1 or null`);
      verdict.scores[scorer.name] = null;
      continue;
    }
    outcome.score = value as number | null;
    const reason = explain(metadata).replace(/^: /, '');
    if (reason) outcome.reason = reason;
    if (metadata?.skipped) outcome.skipped = true;
    const cost = costOf(metadata);
    if (cost) outcome.cost_usd = cost;
    verdict.scores[scorer.name] = outcome.score;
    if (!counts(scorer)) continue;
    if (outcome.score === null) {
      if (outcome.skipped) skipped++;
      continue;
    }
    judged++;
    if (outcome.score < scorer.minScore) {
      if (verdict.status !== 'errored') verdict.status = 'failed';
      verdict.reasons.push(`${scorer.name} ${outcome.score.toFixed(2)}${reason ? `: ${reason}` : ''}`);
    }
  }
  if (verdict.status === 'passed' && judged === 0)
    verdict.status = blocking > 0 && skipped > 0 ? 'skipped' : 'not_applicable';
  return verdict;
}
