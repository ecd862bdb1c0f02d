import { mergeJudgeUsage } from '../judge/judge-usage.js';
import type { BaselineInfo, CaseResult, FailureModeSummary, Results, ScorerSummary } from './results.js';
import { decideRun, decideVerdict, gatePolicy, type FailOn, type GatePolicy } from './gate.js';
import { UsageError } from '../errors.js';

/**
 * Check that `shards` are exactly one sharded run: one results file per shard 1..N (none missing, none
 * twice), all of the same commit and datasets, with no scorer or judge version differing between them.
 * A single unsharded results file is accepted as is (the fork recipe re-renders one run). Throws a
 * UsageError naming the missing or duplicated shard, or the files that disagree. `names` label the files.
 */
export function checkShardSet(shards: Results[], names: string[] = shards.map((_, i) => `#${i + 1}`)): void {
  const problems: string[] = [];
  const unsharded = shards.flatMap((s, i) => (s.shard === null ? [names[i]] : []));
  if (unsharded.length && shards.length === 1) return;
  if (unsharded.length)
    throw new UsageError(
      `Cannot merge: ${unsharded.join(', ')} ${unsharded.length > 1 ? 'are' : 'is'} not a shard's results.`,
      ['Merge takes the results of one sharded run (each made with --shard K/N); a full run needs no merge.'],
    );
  const parsed = shards.map((s, i) => {
    const m = /^(\d+)\/(\d+)$/.exec(s.shard ?? '');
    if (!m) problems.push(`${names[i]}: shard "${s.shard}" is not K/N`);
    return m ? { index: Number(m[1]), total: Number(m[2]) } : { index: 0, total: 0 };
  });
  const totals = [...new Set(parsed.map((p) => p.total))];
  if (totals.length > 1)
    problems.push(
      `the files come from runs with different shard counts: ${parsed.map((p, i) => `${names[i]} (${shards[i].shard})`).join(', ')}`,
    );
  const total = Math.max(...totals);
  const byIndex = new Map<number, string[]>();
  parsed.forEach((p, i) => byIndex.set(p.index, [...(byIndex.get(p.index) ?? []), names[i]]));
  for (const [index, files] of [...byIndex].sort(([a], [b]) => a - b))
    if (files.length > 1)
      problems.push(`shard ${index}/${total} appears ${files.length} times: ${files.join(', ')}`);
  for (let k = 1; k <= total; k++)
    if (!byIndex.has(k))
      problems.push(`shard ${k}/${total} is missing: its job failed or uploaded no results.json`);
  const commits = [...new Set(shards.map((s) => s.commit ?? null))];
  if (commits.length > 1)
    problems.push(
      `the shards tested different commits: ${shards.map((s, i) => `${names[i]} (${s.commit ?? 'unknown'})`).join(', ')}`,
    );
  const datasets = [...new Set(shards.map((s) => s.fingerprint.datasets))];
  if (datasets.length > 1)
    problems.push(`the shards read different datasets (fingerprint.datasets differs): ${names.join(', ')}`);
  // Each shard lists the scorers of the modes it ran, so lists differ; a version must not.
  const versions = new Map<string, string>();
  for (const s of shards)
    for (const [id, version] of Object.entries(s.fingerprint.scorers)) {
      const before = versions.get(id);
      if (before !== undefined && before !== version)
        problems.push(`scorer ${id} has version ${before} in one shard and ${version} in another`);
      versions.set(id, version);
    }
  for (const key of ['model', 'prompt'] as const) {
    const values = [...new Set(shards.map((s) => s.fingerprint.judge[key]).filter((v) => v !== null))];
    if (values.length > 1) problems.push(`the shards used different judge ${key}s: ${values.join(', ')}`);
  }
  if (problems.length)
    throw new UsageError(
      `Cannot merge ${shards.length} results file(s): they are not one complete sharded run.`,
      [...problems],
    );
}

/**
 * Merge the results of shards (`--shard K/N` runs) into one Results: the set is checked first
 * (checkShardSet), then cases concatenated, per-mode counters summed, rates and verdicts recomputed by the
 * gate under `policy` (fail-closed defaults for what it leaves unset). Pure.
 */
export function mergeResults(
  shards: Results[],
  policy?: FailOn | Partial<GatePolicy>,
  names?: string[],
): Results {
  if (shards.length === 0) throw new UsageError('Nothing to merge: no results file was given.');
  checkShardSet(shards, names);
  // The merge job's own rules decide (flag, else config, else the fail-closed defaults), never the shards':
  // shards commonly run with `fail_on: never` so that the merge job decides.
  const rules = gatePolicy(policy);
  const cases: CaseResult[] = [];
  for (const shard of shards) for (const c of shard.cases) cases.push(c);
  const modes: Record<string, FailureModeSummary> = {};
  const scoreWeights: Record<string, { total: number; n: number }> = {};
  const skipReasons: Record<string, Record<string, number>> = {};
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
      if (m.require_cases) into.require_cases = true;
      const w = (scoreWeights[mode] ??= { total: 0, n: 0 });
      if (m.mean_score !== null) {
        w.total += m.mean_score * (m.cases - m.skipped);
        w.n += m.cases - m.skipped;
      }
      for (const [reason, n] of Object.entries(m.skip_reasons ?? {})) {
        const into = (skipReasons[mode] ??= {});
        into[reason] = (into[reason] ?? 0) + n;
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
        // Every shard sees the whole datasets, so each reports the same vanished baseline cases.
        ...(baselines[0].missing_cases !== undefined
          ? { missing_cases: baselines[0].missing_cases, missing_ids: baselines[0].missing_ids }
          : {}),
      }
    : null;
  for (const [mode, m] of Object.entries(modes)) {
    const counted = m.cases - m.skipped;
    m.pass_rate = counted ? m.passed / counted : null;
    m.mean_score = scoreWeights[mode].n ? scoreWeights[mode].total / scoreWeights[mode].n : null;
    if (m.skipped) m.skip_reasons = skipReasons[mode] ?? {};
    else delete m.skip_reasons;
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
        skipReasons: m.skip_reasons,
        requireCases: m.require_cases,
      },
      { pass_rate: m.threshold, mean_score: m.mean_score_threshold },
      rules,
      { given: baseline !== null, comparable: Boolean(baseline?.comparable) },
    );
    m.verdict = decided.verdict;
    m.reasons = decided.reasons;
  }
  const sorted = Object.fromEntries(Object.entries(modes).sort(([a], [b]) => a.localeCompare(b)));
  const run = decideRun(sorted, rules);
  const interrupted = shards.filter((s) => s.interrupted);
  return {
    version: 1,
    // A shard that did not finish (interrupted) holds partial results: the merge can never pass.
    passed: !interrupted.length && run.passed,
    ...(interrupted.length
      ? {
          interrupted: true,
          interrupted_reason: `shard(s) ${interrupted.map((s) => s.shard ?? '?').join(', ')} did not finish: ${interrupted[0].interrupted_reason ?? 'interrupted'}`,
        }
      : {}),
    started_at: shards.map((s) => s.started_at).sort()[0],
    duration_ms: Math.max(...shards.map((s) => s.duration_ms)),
    task: shards[0].task,
    shard: null,
    commit: shards[0].commit ?? null,
    fingerprint: {
      ...shards[0].fingerprint,
      scorers: Object.fromEntries(
        Object.entries(
          Object.assign({}, ...shards.map((s) => s.fingerprint.scorers)) as Record<string, string>,
        ).sort(([a], [b]) => a.localeCompare(b)),
      ),
      judge: {
        model: shards.map((s) => s.fingerprint.judge.model).find((v) => v !== null) ?? null,
        prompt: shards.map((s) => s.fingerprint.judge.prompt).find((v) => v !== null) ?? null,
      },
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
    gate: {
      fail_on: rules.failOn,
      on_skipped: rules.onSkipped,
      allow_empty: rules.allowEmpty,
      reasons: run.reasons,
    },
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
