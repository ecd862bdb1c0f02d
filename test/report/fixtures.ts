/**
 * Pure builders of Results objects for renderer and action tests: no runner, no files. Counts, pass rates
 * and regressions of each failure mode are derived from the cases, so a fixture cannot contradict itself;
 * verdicts follow the gate's rule unless a test sets them.
 */
import type {
  BaselineInfo,
  CaseResult,
  FailureModeSummary,
  Results,
  Verdict,
} from '../../src/run/results.js';

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
}

/** Build a Results object from cases and per-mode specs. */
export function makeResults(spec: {
  cases: CaseResult[];
  modes: Record<string, ModeSpec>;
  baseline?: BaselineInfo | null;
  passed?: boolean;
  omitted_cases?: number;
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
    const reasons: string[] = [];
    if (pass_rate !== null && pass_rate < threshold)
      reasons.push(`pass rate ${pass_rate.toFixed(2)} < threshold ${threshold.toFixed(2)}`);
    if (regressions) reasons.push(`${regressions} regression(s) against the baseline`);
    let verdict: Verdict = reasons.length ? 'fail' : baseline && !baseline.comparable ? 'warn' : 'pass';
    if (counted === 0 && skipped > 0) verdict = 'skipped';
    failure_modes[mode] = {
      cases: total,
      passed,
      failed: count('failed'),
      errored: count('errored'),
      skipped,
      pass_rate,
      mean_score: pass_rate,
      threshold,
      verdict: m.verdict ?? verdict,
      reasons:
        m.reasons ??
        (verdict === 'warn'
          ? ['baseline not comparable: regressions not checked']
          : verdict === 'skipped'
            ? ['every case was skipped (no scorer could run, e.g. no judge key)']
            : reasons),
      baseline_pass_rate: comparable ? (m.baseline_pass_rate ?? null) : null,
      regressions,
      improvements: comparable ? cases.filter((c) => c.vs_baseline === 'fixed').length : 0,
      flaky: cases.filter((c) => c.flaky).length,
      scorers: { contains: { mode: 'blocking', mean: pass_rate, failed: count('failed'), scored: counted } },
    };
  }
  return {
    version: 1,
    passed: spec.passed ?? !Object.values(failure_modes).some((m) => m.verdict === 'fail'),
    started_at: '2026-11-20T10:00:00.000Z',
    duration_ms: 4321,
    task: 'module:./examples/support-assistant/build-good.js#answer',
    shard: null,
    fingerprint: {
      datasets: 'sha256:5d53af8b50021f7c4e8e1d7b2f0c9a6e3d1b7f9a0c2e4d6b8a0f1e3c5d7b9a1c',
      scorers: { contains: '1', 'json-schema': '2' },
      judge: { model: null, prompt: null },
    },
    baseline,
    failure_modes,
    cases: spec.cases,
    usage: { task: { cost_usd: 0, input_tokens: 0, output_tokens: 0 }, judge: { calls: 0, cost_usd: 0 } },
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
