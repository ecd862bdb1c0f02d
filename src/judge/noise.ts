/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** A proportion's 95% Wilson score interval: [lower, upper]. With n = 0 it is [0, 1] (nothing is known). */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] {
  if (n <= 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, (centre - margin) / denominator), Math.min(1, (centre + margin) / denominator)];
}

/**
 * One-sided two-proportion z-test (pooled) that rate A (the baseline) is higher than rate B (this run):
 * the p-value. 1 when there is nothing to test (no trials on a side, or both rates all-or-nothing equal).
 */
export function twoProportionPValue(successesA: number, nA: number, successesB: number, nB: number): number {
  if (nA <= 0 || nB <= 0) return 1;
  const pA = successesA / nA;
  const pB = successesB / nB;
  const pooled = (successesA + successesB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  if (se === 0) return pA > pB ? 0 : 1;
  return 1 - normalCdf((pA - pB) / se);
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 erf, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** A case's trial record: passing trials out of trials counted. */
export interface TrialRecord {
  passes: number;
  trials: number;
}

/**
 * Is a drop from the baseline's trial pass rate to this run's larger than trial noise explains? With trials
 * on both sides: a one-sided two-proportion test at 5%. With trials on one side only: the 95% Wilson
 * intervals do not overlap (this run's upper bound below the baseline's lower bound).
 */
export function isSignificantDrop(baseline: TrialRecord, current: TrialRecord): boolean {
  if (baseline.trials > 1 && current.trials > 1)
    return twoProportionPValue(baseline.passes, baseline.trials, current.passes, current.trials) < 0.05;
  const [baseLower] = wilsonInterval(baseline.passes, baseline.trials);
  const [, currentUpper] = wilsonInterval(current.passes, current.trials);
  return currentUpper < baseLower;
}

/** Whether a record's trials disagree (some passed, some failed). */
export function disagrees(r: TrialRecord): boolean {
  return r.trials > 1 && r.passes > 0 && r.passes < r.trials;
}

/** Cohen's kappa for two raters on binary labels, from the confusion matrix. NaN-free: 0 when undefined. */
export function cohensKappa(m: { tp: number; fp: number; fn: number; tn: number }): number {
  const n = m.tp + m.fp + m.fn + m.tn;
  if (n === 0) return 0;
  const observed = (m.tp + m.tn) / n;
  const expected = ((m.tp + m.fp) * (m.tp + m.fn) + (m.fn + m.tn) * (m.fp + m.tn)) / (n * n);
  if (expected === 1) return observed === 1 ? 1 : 0;
  return (observed - expected) / (1 - expected);
}

/**
 * Trials a run needs for a case whose true pass rate is `p` to show as passing at the configured trial pass
 * rate, and for a drop to `q` to be told apart from noise (one-sided 5% test, 80% power): the usual
 * sample-size formula for two proportions, per side. Used by docs and `--baseline-trials` advice.
 */
export function trialsForPower(p: number, q: number): number {
  const zAlpha = 1.6448536269514722; // one-sided 5%
  const zBeta = 0.8416212335729143; // 80% power
  const pBar = (p + q) / 2;
  const numerator = zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zBeta * Math.sqrt(p * (1 - p) + q * (1 - q));
  const d = p - q;
  if (d <= 0) return Infinity;
  return Math.ceil((numerator * numerator) / (d * d));
}
