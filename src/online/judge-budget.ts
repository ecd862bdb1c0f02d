import type { ResolvedScorer } from '../run/resolve-scorers.js';
import type { JudgeGate } from './score-case.js';

/** Limits on judge scorers in production: how often they may run, and how much they may spend. */
export interface JudgeBudget {
  /** Judge calls allowed per minute (a token bucket refilled continuously; bursts up to this many). */
  callsPerMinute?: number;
  /** Judge spend allowed per window, in USD, from the cost the judges report. */
  maxCostUsd?: number;
  /** The spend window in ms (default one hour); the spend resets when a new window starts. */
  costWindowMs?: number;
}

/** Counters of the budget, for stats. */
export interface JudgeBudgetStats {
  judge_calls: number;
  judge_cost_usd: number;
  judge_skipped_rate: number;
  judge_skipped_cost: number;
}

/**
 * The judge budget as a gate: a judge scorer runs only while both the rate and the cost cap allow; when
 * either is spent the judge is skipped (its score is null with the reason), never queued, so a slow or
 * expensive judge cannot make the backlog grow. Code scorers are never limited.
 */
export class JudgeBudgetGate implements JudgeGate {
  readonly stats: JudgeBudgetStats = {
    judge_calls: 0,
    judge_cost_usd: 0,
    judge_skipped_rate: 0,
    judge_skipped_cost: 0,
  };
  private tokens: number;
  private refilledAt: number;
  private windowStart: number;
  private windowCost = 0;

  constructor(
    private readonly budget: JudgeBudget = {},
    private readonly now: () => number = Date.now,
  ) {
    for (const key of ['callsPerMinute', 'maxCostUsd', 'costWindowMs'] as const) {
      const v = budget[key];
      if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v)))
        throw new TypeError(`budget.judge.${key} must be a number ≥ 0, got ${String(v)}`);
    }
    this.tokens = budget.callsPerMinute ?? Infinity;
    this.refilledAt = this.windowStart = now();
  }

  acquire(scorer: ResolvedScorer): string | undefined {
    const t = this.now();
    const { callsPerMinute, maxCostUsd } = this.budget;
    const windowMs = this.budget.costWindowMs ?? 3_600_000;
    if (t - this.windowStart >= windowMs) {
      this.windowStart = t;
      this.windowCost = 0;
    }
    if (maxCostUsd !== undefined && this.windowCost >= maxCostUsd) {
      this.stats.judge_skipped_cost++;
      return `judge ${scorer.name} skipped: cost cap of $${maxCostUsd} per ${Math.round(windowMs / 60000)} min reached`;
    }
    if (callsPerMinute !== undefined) {
      this.tokens = Math.min(callsPerMinute, this.tokens + ((t - this.refilledAt) * callsPerMinute) / 60_000);
      this.refilledAt = t;
      if (this.tokens < 1) {
        this.stats.judge_skipped_rate++;
        return `judge ${scorer.name} skipped: rate cap of ${callsPerMinute} calls/min reached`;
      }
      this.tokens -= 1;
    }
    this.stats.judge_calls++;
    return undefined;
  }

  spent(costUsd: number): void {
    this.windowCost += costUsd;
    this.stats.judge_cost_usd += costUsd;
  }
}
