/**
 * Pure builders of Results objects for renderer and action tests: no runner, no files. Counts, pass rates
 * and regressions of each failure mode are derived from the cases, so a fixture cannot contradict itself;
 * verdicts come from the real gate (src/run/gate.ts) unless a test sets them.
 */
import type {
  BaselineInfo,
  CaseResult,
  FailureModeSummary,
  Results,
  Verdict,
} from '../../src/run/results.js';
import {
  decideRun,
  decideVerdict,
  gatePolicy,
  normaliseThreshold,
  type GatePolicy,
} from '../../src/run/gate.js';

/** A case result; everything not given describes a passing case. */
export function makeCase(overrides: Partial<CaseResult> & { id: string; failure_mode: string }): CaseResult {
  const passed = overrides.passed ?? (overrides.status === undefined || overrides.status === 'passed');
  const status = overrides.status ?? (passed ? 'passed' : 'failed');
  return {
    dataset: `datasets/${overrides.failure_mode}.jsonl`,
    line: 1,
    passed,
    status,
    scores: { contains: passed ? 1 : 0 },
    trials: 1,
    pass_rate: passed ? 1 : 0,
    flaky: false,
    error: null,
    reasons: passed ? [] : ['contains 0.00: missing "30 days"'],
    origin_url: `https://www.braintrust.dev/app/acme/object?object_type=project_logs&object_id=proj-1&id=row-${overrides.id}`,
    vs_baseline: null,
    hash: `sha256:${overrides.id}`,
    kind: 'failure',
    duration_ms: 12,
    ...overrides,
  };
}

/** Per failure mode: its threshold, and optionally the baseline's pass rate and a forced verdict. */
export interface ModeSpec {
  threshold?: number;
  baseline_pass_rate?: number | null;
  verdict?: Verdict;
  reasons?: string[];
  /** Cases of this mode not in `cases` (a report view keeps only notable ones): counted as passed. */
  extra_passed?: number;
  /** The mode's scorers are all shadow (default: one blocking scorer, `contains`). */
  shadow_only?: boolean;
}

/**
 * Build a Results object from cases and per-mode specs. Verdicts and the run's `passed` come from the
 * real gate (decideVerdict, decideRun) unless a test forces them, so a gate change shows in every
 * renderer test that uses these fixtures.
 */
export function makeResults(spec: {
  cases: CaseResult[];
  modes: Record<string, ModeSpec>;
  baseline?: BaselineInfo | null;
  passed?: boolean;
  omitted_cases?: number;
  /** `K/N` for a shard's results (default: a full run). */
  shard?: string | null;
  commit?: string | null;
  policy?: Partial<GatePolicy>;
}): Results {
  const baseline = spec.baseline === undefined ? null : spec.baseline;
  const failure_modes: Record<string, FailureModeSummary> = {};
  for (const [mode, m] of Object.entries(spec.modes).sort(([a], [b]) => a.localeCompare(b))) {
    const cases = spec.cases.filter((c) => c.failure_mode === mode);
    const count = (status: CaseResult['status']) => cases.filter((c) => c.status === status).length;
    const skipped = count('skipped');
    const passed = count('passed') + (m.extra_passed ?? 0);
    const total = cases.length + (m.extra_passed ?? 0);
    const counted = total - skipped;
    const pass_rate = counted ? passed / counted : null;
    const comparable = Boolean(baseline?.comparable);
    const regressions = comparable ? cases.filter((c) => c.vs_baseline === 'regressed').length : 0;
    const threshold = m.threshold ?? 1;
    const skip_reasons: Record<string, number> = {};
    for (const c of cases)
      if (c.status === 'skipped') {
        const reason = c.reasons[0] ?? 'skipped (no reason given)';
        skip_reasons[reason] = (skip_reasons[reason] ?? 0) + 1;
      }
    const scorerMode = m.shadow_only ? 'shadow' : 'blocking';
    const decided = decideVerdict(
      {
        cases: total,
        skipped,
        pass_rate,
        mean_score: pass_rate,
        regressions,
        hasBlocking: !m.shadow_only,
        shadowFailures: m.shadow_only ? count('failed') : 0,
        skipReasons: skip_reasons,
      },
      normaliseThreshold(threshold),
      { ...spec.policy },
      { given: baseline !== null, comparable },
    );
    failure_modes[mode] = {
      cases: total,
      passed,
      failed: count('failed'),
      errored: count('errored'),
      skipped,
      pass_rate,
      mean_score: pass_rate,
      threshold,
      verdict: m.verdict ?? decided.verdict,
      reasons: m.reasons ?? decided.reasons,
      baseline_pass_rate: comparable ? (m.baseline_pass_rate ?? null) : null,
      regressions,
      improvements: comparable ? cases.filter((c) => c.vs_baseline === 'fixed').length : 0,
      flaky: cases.filter((c) => c.flaky).length,
      scorers: { contains: { mode: scorerMode, mean: pass_rate, failed: count('failed'), scored: counted } },
      ...(skipped ? { skip_reasons } : {}),
    };
  }
  const run = decideRun(failure_modes, spec.policy);
  const policy = gatePolicy(spec.policy);
  return {
    version: 1,
    passed: spec.passed ?? run.passed,
    started_at: '2026-11-20T10:00:00.000Z',
    duration_ms: 4321,
    task: 'module:./examples/support-assistant/build-good.js#answer',
    shard: spec.shard ?? null,
    commit: spec.commit === undefined ? 'c0ffee0000000000000000000000000000000000' : spec.commit,
    fingerprint: {
      datasets: 'sha256:5d53af8b50021f7c4e8e1d7b2f0c9a6e3d1b7f9a0c2e4d6b8a0f1e3c5d7b9a1c',
      scorers: { contains: '1', 'json-schema': '2' },
      judge: { model: null, prompt: null },
    },
    baseline,
    failure_modes,
    cases: spec.cases,
    usage: { task: { cost_usd: 0, input_tokens: 0, output_tokens: 0 }, judge: { calls: 0, cost_usd: 0 } },
    gate: {
      fail_on: policy.failOn,
      on_skipped: policy.onSkipped,
      allow_empty: policy.allowEmpty,
      reasons: run.reasons,
    },
    ...(spec.omitted_cases ? { omitted_cases: spec.omitted_cases } : {}),
  };
}

/** A comparable baseline from main. */
export const COMPARABLE_BASELINE: BaselineInfo = {
  path: 'baseline/results.json',
  comparable: true,
  notes: [],
};

/** Text a model might produce to break a comment: HTML, mentions, code, a closing </details>, links, math. */
export const HOSTILE_OUTPUT =
  '</details></table><img src=x onerror=alert(1)> @here @acme/security-team ``` `rm -rf /` ' +
  '| col | [click me](javascript:alert(1)) ![px](https://evil.example/p.png) $\\huge{BIG}$ #123 ' +
  '<!-- hidden --> **bold** _it_ ~~s~~ \u202Eevil\u202C\nsecond line\r\n# heading';
