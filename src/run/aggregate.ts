import type { CaseResult, FailureModeSummary, ScorerSummary } from './results.js';
import { decideVerdict, normaliseThreshold, type FailOn, type GatePolicy } from './gate.js';
import type { Threshold } from '../config/config-schema.js';

/** How many notable (failing, regressed, fixed, flaky) cases per failure mode are kept in memory for the report. */
export const NOTABLE_CASES_PER_MODE = 500;

interface ModeCounters {
  cases: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  regressions: number;
  improvements: number;
  flaky: number;
  scoreTotal: number;
  scoreCount: number;
  scorers: Map<
    string,
    { mode: 'blocking' | 'shadow'; minScore: number; total: number; scored: number; failed: number }
  >;
  notable: CaseResult[];
  notableDropped: number;
  /** Why cases were skipped, reason → count (at most MAX_SKIP_REASONS distinct reasons). */
  skipReasons: Map<string, number>;
}

/** Distinct skip reasons kept per mode; further ones are counted under "other reasons". */
const MAX_SKIP_REASONS = 10;

/** Scorer facts the aggregate needs: whether it gates, and what counts as its pass. */
export interface ScorerMeta {
  name: string;
  mode: 'blocking' | 'shadow';
  minScore: number;
}

/**
 * Folds case results into per-failure-mode counters one at a time, so memory does not grow with the
 * number of cases (only up to NOTABLE_CASES_PER_MODE notable cases per mode are kept, for the report).
 */
export class ResultsAggregator {
  private readonly modes = new Map<string, ModeCounters>();

  /** Add one case result with the scorers of its failure mode. */
  add(result: CaseResult, scorers: ScorerMeta[]): void {
    const m = this.counters(result.failure_mode, scorers);
    m.cases++;
    if (result.status === 'passed') m.passed++;
    else if (result.status === 'failed') m.failed++;
    else if (result.status === 'errored') m.errored++;
    else {
      m.skipped++;
      const reason = result.reasons[0] ?? result.error ?? 'skipped (no reason given)';
      const key =
        m.skipReasons.has(reason) || m.skipReasons.size < MAX_SKIP_REASONS ? reason : 'other reasons';
      m.skipReasons.set(key, (m.skipReasons.get(key) ?? 0) + 1);
    }
    if (result.vs_baseline === 'regressed') m.regressions++;
    if (result.vs_baseline === 'fixed') m.improvements++;
    if (result.flaky) m.flaky++;
    if (result.shadow_errors)
      for (const name in result.shadow_errors) {
        const s = m.scorers.get(name);
        if (s) s.failed++;
      }
    let blockingTotal = 0;
    let blockingN = 0;
    for (const name in result.scores) {
      const value = result.scores[name];
      const s = m.scorers.get(name);
      if (!s || value === null) continue;
      s.total += value;
      s.scored++;
      if (value < s.minScore) s.failed++;
      if (s.mode === 'blocking') {
        blockingTotal += value;
        blockingN++;
      }
    }
    // Every case that was not skipped counts in the mean: an errored case (or one no blocking scorer
    // scored) counts as 0, so a threshold on the mean cannot be met by cases that never produced a score.
    if (result.status !== 'skipped') {
      m.scoreTotal += blockingN && result.status !== 'errored' ? blockingTotal / blockingN : 0;
      m.scoreCount++;
    }
    const notable =
      !result.passed || result.flaky || result.vs_baseline === 'fixed' || result.vs_baseline === 'regressed';
    if (notable && result.status !== 'skipped') {
      if (m.notable.length < NOTABLE_CASES_PER_MODE || result.vs_baseline === 'regressed')
        m.notable.push(result);
      else m.notableDropped++;
    }
  }

  private counters(mode: string, scorers: ScorerMeta[]): ModeCounters {
    let m = this.modes.get(mode);
    if (!m) {
      m = {
        cases: 0,
        passed: 0,
        failed: 0,
        errored: 0,
        skipped: 0,
        regressions: 0,
        improvements: 0,
        flaky: 0,
        scoreTotal: 0,
        scoreCount: 0,
        scorers: new Map(
          scorers.map((s) => [
            s.name,
            { mode: s.mode, minScore: s.minScore, total: 0, scored: 0, failed: 0 },
          ]),
        ),
        notable: [],
        notableDropped: 0,
        skipReasons: new Map(),
      };
      this.modes.set(mode, m);
    }
    return m;
  }

  /** Notable cases kept for the report, regressions first, and how many were not kept. */
  notableCases(): { cases: CaseResult[]; dropped: number } {
    const order = (c: CaseResult) =>
      c.vs_baseline === 'regressed' ? 0 : c.status === 'errored' ? 1 : !c.passed ? 2 : c.flaky ? 3 : 4;
    const cases: CaseResult[] = [];
    let dropped = 0;
    for (const m of this.modes.values()) {
      cases.push(...m.notable);
      dropped += m.notableDropped;
    }
    cases.sort(
      (a, b) =>
        order(a) - order(b) || a.failure_mode.localeCompare(b.failure_mode) || a.id.localeCompare(b.id),
    );
    return { cases, dropped };
  }

  /** Per-mode summaries with verdicts, in a stable (alphabetical) order. */
  summarise(options: {
    thresholds: Record<string, Threshold | undefined>;
    failOn: FailOn;
    baseline: { given: boolean; comparable: boolean; passRates: Record<string, number | null> };
    /** The rest of the gate's policy (on_skipped); fail-closed defaults when absent. */
    policy?: Partial<GatePolicy>;
    /** Modes the config requires cases of (`require_cases: true`). */
    requireCases?: Record<string, boolean>;
    /** Configured modes with no case at all: reported with 0 cases (a dataset that disappeared). */
    emptyModes?: string[];
  }): Record<string, FailureModeSummary> {
    const out: Record<string, FailureModeSummary> = {};
    for (const mode of options.emptyModes ?? []) this.counters(mode, []);
    for (const mode of [...this.modes.keys()].sort()) {
      const m = this.modes.get(mode)!;
      const requireCases = options.requireCases?.[mode] === true;
      const threshold = normaliseThreshold(options.thresholds[mode]);
      const counted = m.cases - m.skipped;
      const passRate = counted ? m.passed / counted : null;
      const meanScore = m.scoreCount ? m.scoreTotal / m.scoreCount : null;
      const scorers: Record<string, ScorerSummary> = {};
      let shadowFailures = 0;
      let hasBlocking = false;
      for (const [name, s] of m.scorers) {
        scorers[name] = {
          mode: s.mode,
          mean: s.scored ? s.total / s.scored : null,
          failed: s.failed,
          scored: s.scored,
        };
        if (s.mode === 'shadow') shadowFailures += s.failed;
        else hasBlocking = true;
      }
      const skipReasons = Object.fromEntries(m.skipReasons);
      const { verdict, reasons } = decideVerdict(
        {
          cases: m.cases,
          skipped: m.skipped,
          pass_rate: passRate,
          mean_score: meanScore,
          regressions: m.regressions,
          hasBlocking,
          shadowFailures,
          skipReasons,
          requireCases,
        },
        threshold,
        { ...options.policy, failOn: options.failOn },
        options.baseline,
      );
      out[mode] = {
        cases: m.cases,
        passed: m.passed,
        failed: m.failed,
        errored: m.errored,
        skipped: m.skipped,
        pass_rate: passRate,
        mean_score: meanScore,
        threshold: threshold.pass_rate,
        ...(threshold.mean_score !== undefined ? { mean_score_threshold: threshold.mean_score } : {}),
        verdict,
        reasons,
        baseline_pass_rate: options.baseline.comparable ? (options.baseline.passRates[mode] ?? null) : null,
        regressions: options.baseline.comparable ? m.regressions : 0,
        improvements: options.baseline.comparable ? m.improvements : 0,
        flaky: m.flaky,
        scorers,
        ...(m.skipped ? { skip_reasons: skipReasons } : {}),
        ...(requireCases ? { require_cases: true } : {}),
      };
    }
    return out;
  }
}
