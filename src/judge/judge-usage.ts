import type { TokenUsage } from './judge-client.js';

/** Judge usage for one scorer or for the whole run, as results.json's `usage.judge` holds it. */
export interface JudgeUsage {
  /** Requests made to the judge (answers served from the cache are not calls). */
  calls: number;
  /** Answers served from the cache (no request, no cost). */
  cached: number;
  /** Tokens billed for the calls. */
  tokens: number;
  input_tokens: number;
  output_tokens: number;
  /** US dollars spent on the calls; null when a model's price is unknown (shown as `unknown`, never $0). */
  cost_usd: number | null;
  /** Verdicts that were not obtained (budget reached, or estimate-only), never counted as passed. */
  not_scored: number;
}

/** results.json `usage.judge`: run totals plus the same figures per judge scorer. */
export interface JudgeUsageReport extends JudgeUsage {
  scorers: Record<string, JudgeUsage>;
  /** With `--budget-usd`: the budget and whether it stopped any call. */
  budget_usd?: number;
  budget_reached?: boolean;
}

/** An empty tally. */
export function emptyJudgeUsage(): JudgeUsage {
  return { calls: 0, cached: 0, tokens: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, not_scored: 0 };
}

/** Adds `cost` to a total that becomes (and stays) null once any part is unknown. */
export function addCost(total: number | null, cost: number | null): number | null {
  return total === null || cost === null ? null : total + cost;
}

/** Counts judge calls, cache hits, tokens and cost per scorer; the totals are their sums. */
export class JudgeLedger {
  private readonly byScorer = new Map<string, JudgeUsage>();

  private entry(scorer: string): JudgeUsage {
    let u = this.byScorer.get(scorer);
    if (!u) this.byScorer.set(scorer, (u = emptyJudgeUsage()));
    return u;
  }

  /** Make a scorer appear in the report even before (or without) any call. */
  register(scorer: string): void {
    this.entry(scorer);
  }

  recordCall(scorer: string, usage: TokenUsage, cost: number | null): void {
    const u = this.entry(scorer);
    u.calls++;
    u.input_tokens += usage.input_tokens;
    u.output_tokens += usage.output_tokens;
    u.tokens += usage.input_tokens + usage.output_tokens;
    u.cost_usd = addCost(u.cost_usd, cost);
  }

  recordCached(scorer: string): void {
    this.entry(scorer).cached++;
  }

  recordNotScored(scorer: string): void {
    this.entry(scorer).not_scored++;
  }

  /** Dollars spent so far, or null when a price is unknown. */
  spent(): number | null {
    return this.totals().cost_usd;
  }

  /** Run totals. */
  totals(): JudgeUsage {
    const total = emptyJudgeUsage();
    for (const u of this.byScorer.values()) {
      total.calls += u.calls;
      total.cached += u.cached;
      total.tokens += u.tokens;
      total.input_tokens += u.input_tokens;
      total.output_tokens += u.output_tokens;
      total.not_scored += u.not_scored;
      total.cost_usd = addCost(total.cost_usd, u.calls ? u.cost_usd : 0);
    }
    return total;
  }

  /** The report for results.json. */
  report(): JudgeUsageReport {
    const scorers: Record<string, JudgeUsage> = {};
    for (const name of [...this.byScorer.keys()].sort()) scorers[name] = { ...this.byScorer.get(name)! };
    return { ...this.totals(), scorers };
  }
}

/** Sum judge usage over shards: counts add up; a cost unknown in any shard is unknown in the total. */
export function mergeJudgeUsage(
  parts: Array<Partial<JudgeUsageReport> & { calls: number; cost_usd: number | null }>,
): JudgeUsageReport {
  const total: JudgeUsageReport = { ...emptyJudgeUsage(), scorers: {} };
  const add = (into: JudgeUsage, u: Partial<JudgeUsage> & { calls: number; cost_usd: number | null }) => {
    into.calls += u.calls;
    into.cached += u.cached ?? 0;
    into.tokens += u.tokens ?? 0;
    into.input_tokens += u.input_tokens ?? 0;
    into.output_tokens += u.output_tokens ?? 0;
    into.not_scored += u.not_scored ?? 0;
    into.cost_usd = addCost(into.cost_usd, u.cost_usd);
  };
  for (const part of parts) {
    add(total, part);
    for (const [name, u] of Object.entries(part.scorers ?? {}))
      add((total.scorers[name] ??= emptyJudgeUsage()), u);
    if (part.budget_usd !== undefined) total.budget_usd = part.budget_usd;
    if (part.budget_reached) total.budget_reached = true;
    else if (part.budget_usd !== undefined) total.budget_reached ??= false;
  }
  return total;
}

/** A judge scorer's standing in a run: what results.json's `judges` holds, per scorer name. */
export interface JudgeScorerStatus {
  id: string;
  version: string;
  model: string | null;
  prompt_hash: string | null;
  /** What the config declared, and how it actually ran. */
  declared_mode: 'blocking' | 'shadow';
  mode: 'blocking' | 'shadow';
  /** Why it runs as shadow although declared blocking (with how to calibrate). */
  shadow_reason?: string;
  /** Why it was skipped on every case (e.g. no key). */
  skip_reason?: string;
  /** The calibration record that lets it block. */
  calibration?: string;
  failure_modes: string[];
}
