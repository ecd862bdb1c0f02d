import type { Threshold } from '../config/config-schema.js';
import type { FailureModeSummary, Verdict } from './results.js';

/** What fails the gate. */
export type FailOn = 'regression' | 'threshold' | 'both' | 'never';

/** What a case that could not be checked (a skipped case) does to the gate. */
export type OnSkipped = 'fail' | 'warn';

/**
 * The rules a run is gated by. The defaults fail closed: a skipped case fails its mode, and a run that
 * tested nothing fails. Relaxing either is an explicit choice (`on_skipped: "warn"`, `allow_empty: true`).
 */
export interface GatePolicy {
  failOn: FailOn;
  onSkipped: OnSkipped;
  allowEmpty: boolean;
}

/** The fail-closed defaults. */
export const DEFAULT_GATE_POLICY: GatePolicy = { failOn: 'both', onSkipped: 'fail', allowEmpty: false };

/** A policy from a bare `failOn` (the older signature) or a partial policy, with fail-closed defaults. */
export function gatePolicy(policy: FailOn | Partial<GatePolicy> | undefined): GatePolicy {
  if (typeof policy === 'string') return { ...DEFAULT_GATE_POLICY, failOn: policy };
  return {
    failOn: policy?.failOn ?? DEFAULT_GATE_POLICY.failOn,
    onSkipped: policy?.onSkipped ?? DEFAULT_GATE_POLICY.onSkipped,
    allowEmpty: policy?.allowEmpty ?? DEFAULT_GATE_POLICY.allowEmpty,
  };
}

/** The figures a verdict is decided on. */
export type ModeFigures = Pick<
  FailureModeSummary,
  'cases' | 'skipped' | 'pass_rate' | 'mean_score' | 'regressions'
> & {
  /** The mode has at least one blocking scorer. */
  hasBlocking: boolean;
  /** Any shadow scorer failed (or threw) on some case. */
  shadowFailures: number;
  /** Why cases were skipped: reason → number of cases. */
  skipReasons?: Record<string, number>;
  /** A mode with no case fails instead of warning. */
  requireCases?: boolean;
};

/**
 * Normalise a configured threshold to explicit minimums. An unset pass-rate floor is 1 (every case must
 * pass): `{"mean_score": 0.9}` alone must not let errored or failed cases through on a high mean.
 */
export function normaliseThreshold(threshold: Threshold | undefined): {
  pass_rate: number;
  mean_score?: number;
} {
  if (threshold === undefined) return { pass_rate: 1 };
  if (typeof threshold === 'number') return { pass_rate: threshold };
  return {
    pass_rate: typeof threshold.pass_rate === 'number' ? threshold.pass_rate : 1,
    ...(typeof threshold.mean_score === 'number' ? { mean_score: threshold.mean_score } : {}),
  };
}

/** "judge skipped: no judge API key (3)" for each reason, most frequent first. */
export function describeSkipReasons(reasons: Record<string, number> | undefined): string {
  const entries = Object.entries(reasons ?? {}).sort(([, a], [, b]) => b - a);
  if (entries.length === 0) return 'no reason given';
  return entries.map(([reason, n]) => `${reason} (${n})`).join('; ');
}

/**
 * A failure mode's verdict. One rule, applied in this order, so no path reads green by accident:
 * - no case at all: `warn` ("no cases"), or `fail` when the mode requires cases;
 * - no blocking scorer (every scorer shadow): `warn`, never `pass`;
 * - skipped (not checked) cases: `fail` by default with the reason; with `on_skipped: "warn"` a `warn`
 *   (or `skipped` when no case was checked at all), and the checked cases are still gated;
 * - a threshold miss or a regression: `fail` (as `failOn` says; ignored ones `warn`);
 * - a baseline given but not comparable: `warn`;
 * - else `pass`.
 * Errored cases need no rule of their own: they count as failed in the pass rate and as 0 in the mean.
 */
export function decideVerdict(
  figures: ModeFigures,
  threshold: { pass_rate: number; mean_score?: number },
  policy: FailOn | Partial<GatePolicy>,
  baseline: { given: boolean; comparable: boolean },
): { verdict: Verdict; reasons: string[] } {
  const { failOn, onSkipped } = gatePolicy(policy);
  if (figures.cases === 0) {
    const reason = 'no cases: configured, but no dataset row has this failure mode';
    return figures.requireCases
      ? { verdict: 'fail', reasons: [`${reason} (require_cases: true)`] }
      : { verdict: 'warn', reasons: [reason] };
  }
  if (!figures.hasBlocking) {
    const reasons = ['only shadow scorers: no blocking scorer gates this mode, so no case counts as passed'];
    if (figures.shadowFailures > 0)
      reasons.push(`${figures.shadowFailures} shadow scorer failure(s); shadow scorers never fail the gate`);
    return { verdict: 'warn', reasons };
  }
  const failing: string[] = [];
  const warnings: string[] = [];
  const allSkipped = figures.skipped === figures.cases;
  if (figures.skipped > 0) {
    const what = allSkipped
      ? 'no case could be scored'
      : `${figures.skipped} of ${figures.cases} cases skipped`;
    const reason = `not checked: ${what} — ${describeSkipReasons(figures.skipReasons)}`;
    // `fail_on: never` means nothing fails this run (a shard whose merge job decides): it only warns.
    const relaxed = onSkipped === 'warn' ? 'on_skipped: warn' : failOn === 'never' ? 'fail_on: never' : null;
    if (!relaxed) failing.push(reason);
    else if (allSkipped) return { verdict: 'skipped', reasons: [`${reason} (${relaxed})`] };
    else warnings.push(`${reason} (${relaxed})`);
  }
  const thresholdMiss: string[] = [];
  if (figures.pass_rate !== null && figures.pass_rate < threshold.pass_rate) {
    thresholdMiss.push(`pass rate ${fmt(figures.pass_rate)} < threshold ${fmt(threshold.pass_rate)}`);
  }
  if (
    typeof threshold.mean_score === 'number' &&
    figures.mean_score !== null &&
    figures.mean_score < threshold.mean_score
  ) {
    thresholdMiss.push(`mean score ${fmt(figures.mean_score)} < threshold ${fmt(threshold.mean_score)}`);
  }
  const regressionMiss =
    baseline.comparable && figures.regressions > 0
      ? [`${figures.regressions} regression(s) against the baseline`]
      : [];
  failing.push(
    ...(failOn === 'threshold' || failOn === 'both' ? thresholdMiss : []),
    ...(failOn === 'regression' || failOn === 'both' ? regressionMiss : []),
  );
  if (failing.length) return { verdict: 'fail', reasons: failing };
  const ignored = [...thresholdMiss, ...regressionMiss].map((r) => `${r} (fail_on: ${failOn})`);
  warnings.push(...ignored);
  if (baseline.given && !baseline.comparable)
    warnings.push('baseline not comparable: regressions not checked');
  if (warnings.length) return { verdict: 'warn', reasons: warnings };
  return { verdict: 'pass', reasons: [] };
}

/** The run passes when no failure mode failed. */
export function decideOverall(verdicts: Verdict[]): boolean {
  return !verdicts.includes('fail');
}

/**
 * The whole run's verdict: it passes only when no failure mode failed and something was tested. A run
 * with no case at all fails unless the policy allows an empty run (the CLI refuses such a run earlier,
 * with exit 2; this is the rule for library callers and for merged shards).
 */
export function decideRun(
  modes: Record<string, Pick<FailureModeSummary, 'cases' | 'verdict'>>,
  policy: Partial<GatePolicy> = {},
): { passed: boolean; reasons: string[] } {
  const { allowEmpty } = gatePolicy(policy);
  const list = Object.entries(modes);
  const reasons: string[] = [];
  const cases = list.reduce((n, [, m]) => n + m.cases, 0);
  if (cases === 0 && !allowEmpty) reasons.push('nothing was tested: no case ran (allow_empty is not set)');
  const failing = list.filter(([, m]) => m.verdict === 'fail').map(([mode]) => mode);
  if (failing.length) reasons.push(`failing failure modes: ${failing.join(', ')}`);
  return { passed: reasons.length === 0, reasons };
}

/** Two decimals, trailing zeros kept: 0.80, 1.00. */
export function fmt(n: number): string {
  return n.toFixed(2);
}
