import type { JudgeScorerStatus, JudgeUsageReport } from '../judge/judge-usage.js';

/**
 * The Results model: exactly what results.json (version 1) holds. The runner streams CaseResults into a
 * ResultsWriter; renderers in report/ read a Results object and never import the runner.
 */

export type CaseStatus = 'passed' | 'failed' | 'errored' | 'skipped';
export type VsBaseline = 'regressed' | 'fixed' | 'still-failing' | 'passing' | 'new' | 'flaky';
export type Verdict = 'pass' | 'fail' | 'warn' | 'skipped';

/** One case's outcome over all its trials. */
export interface CaseResult {
  id: string;
  failure_mode: string;
  dataset: string;
  line: number;
  /** Passed the blocking scorers (over trials: pass rate ≥ the configured trial pass rate). */
  passed: boolean;
  status: CaseStatus;
  /** Mean score per scorer name over trials; null = not applicable. */
  scores: Record<string, number | null>;
  trials: number;
  /** Fraction of trials that passed. */
  pass_rate: number;
  flaky: boolean;
  /** With trials > 1: the 95% Wilson interval of the trial pass rate. */
  pass_rate_interval?: [number, number];
  /** Why the case errored (task threw, timed out, died, returned garbage), else null. */
  error: string | null;
  /** Why the case failed, one short line per failing blocking scorer. */
  reasons: string[];
  origin_url: string | null;
  vs_baseline: VsBaseline | null;
  /** sha256 of the dataset row: a baseline result counts only for the same row. */
  hash: string;
  kind: 'failure' | 'golden';
  duration_ms: number;
  /** A short excerpt of the output of the last trial, for the report. */
  output_excerpt?: string;
  /** Shadow scorers that threw or returned an invalid score on this case, name → error (each counted as a
   * failure of that shadow scorer; a shadow scorer never fails the gate). */
  shadow_errors?: Record<string, string>;
}

/** Per-scorer figures within a failure mode. */
export interface ScorerSummary {
  mode: 'blocking' | 'shadow';
  mean: number | null;
  failed: number;
  scored: number;
}

/** One failure mode's aggregate and verdict. */
export interface FailureModeSummary {
  cases: number;
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
  pass_rate: number | null;
  mean_score: number | null;
  threshold: number;
  mean_score_threshold?: number;
  verdict: Verdict;
  /** Why the verdict is what it is, e.g. "pass rate 0.80 < 1.00". */
  reasons: string[];
  baseline_pass_rate: number | null;
  regressions: number;
  improvements: number;
  flaky: number;
  scorers: Record<string, ScorerSummary>;
  /** Why cases were skipped (not checked): reason → number of cases. Present when `skipped` > 0. */
  skip_reasons?: Record<string, number>;
  /** The config says this mode must have cases: with none it fails instead of warning. */
  require_cases?: boolean;
}

/** The rules the verdicts were decided by (so a merge of shards decides by the same rules). */
export interface GateSettings {
  fail_on: 'regression' | 'threshold' | 'both' | 'never';
  on_skipped: 'fail' | 'warn';
  allow_empty: boolean;
  /** Why the run as a whole failed, e.g. "nothing was tested", "failing failure modes: …". */
  reasons: string[];
}

export interface Fingerprint {
  datasets: string;
  scorers: Record<string, string>;
  judge: { model: string | null; prompt: string | null };
}

export interface BaselineInfo {
  path: string;
  comparable: boolean;
  /** Why the baseline is not comparable (or what changed while still comparable). */
  notes: string[];
  /** Baseline cases whose id is in no dataset of this run any more (their count, and the first ids). */
  missing_cases?: number;
  missing_ids?: string[];
}

/** results.json, version 1. */
export interface Results {
  version: 1;
  passed: boolean;
  started_at: string;
  duration_ms: number;
  task: string;
  shard: string | null;
  /** The commit the run tested (GITHUB_SHA, else `git rev-parse HEAD`), null when unknown. */
  commit?: string | null;
  fingerprint: Fingerprint;
  baseline: BaselineInfo | null;
  failure_modes: Record<string, FailureModeSummary>;
  cases: CaseResult[];
  usage: {
    task: { cost_usd: number; input_tokens: number; output_tokens: number };
    /** Judge usage: calls, cache hits, tokens and cost, per run and per judge scorer (`scorers`). */
    judge: { calls: number; cost_usd: number | null } & Partial<JudgeUsageReport>;
  };
  /** Judge scorers by name: version, model, prompt hash, and whether they block, run as shadow, or were skipped. */
  judges?: Record<string, JudgeScorerStatus>;
  /**
   * Set when the run did not finish (a signal, a process.exit, an error in the environment): the results
   * hold the cases that completed before, and `passed` is false whatever they say.
   */
  interrupted?: boolean;
  /** Why the run did not finish, e.g. "SIGTERM" or "process.exit(0) called during the run". */
  interrupted_reason?: string;
  /** The gate's rules and the run-level reasons. Absent in files written before issue 8. */
  gate?: GateSettings;
  /** Counts of cases that `cases` does not hold (report-only views keep just the notable cases). */
  omitted_cases?: number;
  /** The Braintrust experiment this run was logged to (`eval --braintrust-experiment`). */
  braintrust_experiment?: { project: string; name: string; id: string; url: string };
}
