import type { Threshold } from '../config/config-schema.js';
import type { FailureModeSummary, Verdict } from './results.js';

/** What fails the gate. */
export type FailOn = 'regression' | 'threshold' | 'both' | 'never';

/** The figures a verdict is decided on. */
export type ModeFigures = Pick<
  FailureModeSummary,
  'cases' | 'skipped' | 'pass_rate' | 'mean_score' | 'regressions'
> & {
  /** The mode has at least one blocking scorer. */
  hasBlocking: boolean;
  /** Any shadow scorer failed on some case. */
  shadowFailures: number;
};

/** Normalise a configured threshold to explicit minimums. */
export function normaliseThreshold(threshold: Threshold | undefined): {
  pass_rate: number;
  mean_score?: number;
} {
  if (threshold === undefined) return { pass_rate: 1 };
  if (typeof threshold === 'number') return { pass_rate: threshold };
  return {
    pass_rate: typeof threshold.pass_rate === 'number' ? threshold.pass_rate : 0,
    mean_score: threshold.mean_score,
  };
}

/**
 * A failure mode's verdict: `fail` on a threshold miss or a regression (as `failOn` says), `warn` when
 * it would fail but only shadow scorers failed, `failOn` is `never`, or the baseline is not comparable,
 * `skipped` when no case could be scored (e.g. judge scorers without a key), else `pass`.
 */
export function decideVerdict(
  figures: ModeFigures,
  threshold: { pass_rate: number; mean_score?: number },
  failOn: FailOn,
  baseline: { given: boolean; comparable: boolean },
): { verdict: Verdict; reasons: string[] } {
  const reasons: string[] = [];
  if (figures.cases > 0 && figures.cases === figures.skipped) {
    return {
      verdict: 'skipped',
      reasons: ['every case was skipped (no scorer could run, e.g. no judge key)'],
    };
  }
  if (!figures.hasBlocking) {
    return figures.shadowFailures > 0
      ? {
          verdict: 'warn',
          reasons: [`${figures.shadowFailures} shadow scorer failure(s); shadow scorers never fail the gate`],
        }
      : { verdict: 'pass', reasons };
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
  const failing = [
    ...(failOn === 'threshold' || failOn === 'both' ? thresholdMiss : []),
    ...(failOn === 'regression' || failOn === 'both' ? regressionMiss : []),
  ];
  if (failing.length) return { verdict: 'fail', reasons: failing };
  const ignored = [...thresholdMiss, ...regressionMiss];
  if (ignored.length) return { verdict: 'warn', reasons: ignored.map((r) => `${r} (fail_on: ${failOn})`) };
  if (baseline.given && !baseline.comparable)
    return { verdict: 'warn', reasons: ['baseline not comparable: regressions not checked'] };
  return { verdict: 'pass', reasons };
}

/** The run passes when no failure mode failed. */
export function decideOverall(verdicts: Verdict[]): boolean {
  return !verdicts.includes('fail');
}

/** Two decimals, trailing zeros kept: 0.80, 1.00. */
export function fmt(n: number): string {
  return n.toFixed(2);
}
