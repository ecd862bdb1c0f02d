import { mergeJudgeUsage } from '../judge/judge-usage.js';
import type { BaselineInfo, CaseResult, FailureModeSummary, Results, ScorerSummary } from './results.js';
import { decideOverall, decideVerdict, type FailOn } from './gate.js';

/**
 * Merge the results of shards (`--shard K/N` runs) into one Results: cases concatenated (a case id seen
 * twice keeps its first result), per-mode counters summed, rates and verdicts recomputed. Pure.
 */
export function mergeResults(shards: Results[], failOn: FailOn = 'both'): Results {
  if (shards.length === 0) throw new Error('mergeResults needs at least one results file');
  const seen = new Set<string>();
  const cases: CaseResult[] = [];
  for (const shard of shards) {
    for (const c of shard.cases) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      cases.push(c);
    }
  }
  const modes: Record<string, FailureModeSummary> = {};
  const scoreWeights: Record<string, { total: number; n: number }> = {};
  for (const shard of shards) {
    for (const [mode, m] of Object.entries(shard.failure_modes)) {
      const into = (modes[mode] ??= {
        ...m,
        cases: 0,
        passed: 0,
        failed: 0,
        errored: 0,
        skipped: 0,
        regressions: 0,
        improvements: 0,
        flaky: 0,
        scorers: {},
        reasons: [],
      });
      for (const k of [
        'cases',
        'passed',
        'failed',
        'errored',
        'skipped',
        'regressions',
        'improvements',
        'flaky',
      ] as const) {
        into[k] += m[k];
      }
      const w = (scoreWeights[mode] ??= { total: 0, n: 0 });
      if (m.mean_score !== null) {
        w.total += m.mean_score * (m.cases - m.skipped);
        w.n += m.cases - m.skipped;
      }
      for (const [name, s] of Object.entries(m.scorers)) mergeScorer(into.scorers, name, s);
    }
  }
  const baselines = shards.map((s) => s.baseline).filter((b): b is BaselineInfo => b !== null);
  const baseline: BaselineInfo | null = baselines.length
    ? {
        path: baselines[0].path,
        comparable: baselines.every((b) => b.comparable),
        notes: [...new Set(baselines.flatMap((b) => b.notes))],
      }
    : null;
  for (const [mode, m] of Object.entries(modes)) {
    const counted = m.cases - m.skipped;
    m.pass_rate = counted ? m.passed / counted : null;
    m.mean_score = scoreWeights[mode].n ? scoreWeights[mode].total / scoreWeights[mode].n : null;
    const scorerList = Object.values(m.scorers);
    const decided = decideVerdict(
      {
        cases: m.cases,
        skipped: m.skipped,
        pass_rate: m.pass_rate,
        mean_score: m.mean_score,
        regressions: m.regressions,
        hasBlocking: scorerList.some((s) => s.mode === 'blocking'),
        shadowFailures: scorerList.filter((s) => s.mode === 'shadow').reduce((n, s) => n + s.failed, 0),
      },
      { pass_rate: m.threshold, mean_score: m.mean_score_threshold },
      failOn,
      { given: baseline !== null, comparable: Boolean(baseline?.comparable) },
    );
    m.verdict = decided.verdict;
    m.reasons = decided.reasons;
  }
  const sorted = Object.fromEntries(Object.entries(modes).sort(([a], [b]) => a.localeCompare(b)));
  return {
    version: 1,
    passed: decideOverall(Object.values(sorted).map((m) => m.verdict)),
    started_at: shards.map((s) => s.started_at).sort()[0],
    duration_ms: Math.max(...shards.map((s) => s.duration_ms)),
    task: shards[0].task,
    shard: null,
    fingerprint: {
      ...shards[0].fingerprint,
      scorers: Object.assign({}, ...shards.map((s) => s.fingerprint.scorers)),
    },
    baseline,
    failure_modes: sorted,
    cases,
    usage: {
      task: {
        cost_usd: sum(shards.map((s) => s.usage.task.cost_usd)),
        input_tokens: sum(shards.map((s) => s.usage.task.input_tokens ?? 0)),
        output_tokens: sum(shards.map((s) => s.usage.task.output_tokens ?? 0)),
      },
      judge: mergeJudgeUsage(shards.map((s) => s.usage.judge)),
    },
    ...(shards[0].judges ? { judges: shards[0].judges } : {}),
  };
}

function mergeScorer(into: Record<string, ScorerSummary>, name: string, s: ScorerSummary) {
  const prev = into[name];
  if (!prev) {
    into[name] = { ...s };
    return;
  }
  const scored = prev.scored + s.scored;
  const mean = scored ? ((prev.mean ?? 0) * prev.scored + (s.mean ?? 0) * s.scored) / scored : null;
  into[name] = { mode: prev.mode, mean, failed: prev.failed + s.failed, scored };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
