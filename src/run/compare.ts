import type { BaselineInfo, CaseResult, Fingerprint, VsBaseline } from './results.js';
import { disagrees, isSignificantDrop, type TrialRecord } from '../judge/noise.js';

/** What the comparison needs of one baseline case. */
export interface BaselineCase {
  passed: boolean;
  status: string;
  hash?: string;
  /** Trials and their pass rate (noise-aware comparison when either side ran trials). */
  trials?: number;
  pass_rate?: number;
}

/** A baseline results.json reduced to what comparing needs. */
export interface BaselineIndex {
  path: string;
  fingerprint: Fingerprint | undefined;
  cases: Map<string, BaselineCase>;
  passRates: Record<string, number | null>;
  /** Notes about the baseline found before comparing (e.g. it ran fewer trials than `baseline_trials`). */
  notes?: string[];
  /** Trials per case the baseline ran (the most any case ran). */
  trials?: number;
  /**
   * How the baseline's case ids meet this run's datasets (all rows, whatever the filter or shard): how
   * many matched, and the ids that are in no dataset any more. Set by `evaluate` while it scans.
   */
  coverage?: { matched: number; missing: string[] };
}

/** How many vanished baseline ids results.json lists (the count is always exact). */
export const MAX_MISSING_IDS = 20;

/** Build the index from a parsed results.json (any version-1 file, full or sharded). */
export function indexBaseline(
  path: string,
  results: {
    fingerprint?: Fingerprint;
    cases?: unknown[];
    failure_modes?: Record<string, { pass_rate?: number | null }>;
  },
): BaselineIndex {
  const cases = new Map<string, BaselineCase>();
  for (const raw of results.cases ?? []) {
    const c = raw as Partial<CaseResult>;
    if (typeof c.id === 'string')
      cases.set(c.id, {
        passed: Boolean(c.passed),
        status: String(c.status ?? ''),
        hash: c.hash,
        ...(typeof c.trials === 'number' && typeof c.pass_rate === 'number'
          ? { trials: c.trials, pass_rate: c.pass_rate }
          : {}),
      });
  }
  let trials = 0;
  for (const c of cases.values()) trials = Math.max(trials, c.trials ?? 1);
  const passRates: Record<string, number | null> = {};
  for (const [mode, summary] of Object.entries(results.failure_modes ?? {}))
    passRates[mode] = summary.pass_rate ?? null;
  return { path, fingerprint: results.fingerprint, cases, passRates, ...(cases.size ? { trials } : {}) };
}

/**
 * Is the baseline comparable with this run? Scores from a different scorer version or judge model/prompt
 * mean something else, so those make it not comparable. Changed datasets do not: each case carries its
 * row hash, and an edited or added row simply counts as `new`.
 */
export function checkComparable(current: Fingerprint, baseline: BaselineIndex): BaselineInfo {
  const notes: string[] = [...(baseline.notes ?? [])];
  let comparable = true;
  const base = baseline.fingerprint;
  if (!base) {
    return {
      path: baseline.path,
      comparable: false,
      notes: ['the baseline has no fingerprint (not a tracegate results.json?)'],
    };
  }
  for (const [id, version] of Object.entries(current.scorers)) {
    const before = base.scorers?.[id];
    if (before !== undefined && before !== version) {
      comparable = false;
      notes.push(`scorer ${id} changed version ${before} → ${version}`);
    }
  }
  // The judge settings matter only when this run scores with a judge (evaluate records a judge model or
  // prompt only then): a `judge.model` in a config whose modes use no judge changes no score.
  const judgeInUse = current.judge.model !== null || current.judge.prompt !== null;
  if (judgeInUse && (base.judge?.model ?? null) !== current.judge.model) {
    comparable = false;
    notes.push(`judge model changed ${base.judge?.model ?? 'none'} → ${current.judge.model ?? 'none'}`);
  }
  if (judgeInUse && (base.judge?.prompt ?? null) !== current.judge.prompt) {
    comparable = false;
    notes.push(`judge prompt changed ${short(base.judge?.prompt)} → ${short(current.judge.prompt)}`);
  }
  if (base.datasets !== current.datasets)
    notes.push('datasets changed since the baseline: added or edited rows count as new');
  const info: BaselineInfo = { path: baseline.path, comparable, notes };
  const coverage = baseline.coverage;
  if (coverage && baseline.cases.size > 0) {
    if (coverage.matched === 0) {
      info.comparable = false;
      // First: it explains every other difference.
      notes.unshift(
        `no case id matched the baseline (${baseline.cases.size} baseline cases): a baseline from another project or dataset?`,
      );
    } else if (coverage.missing.length > 0) {
      const shown = coverage.missing.slice(0, MAX_MISSING_IDS);
      notes.push(
        `${coverage.missing.length} baseline case(s) are in no dataset any more: ${shown.join(', ')}${coverage.missing.length > shown.length ? ', …' : ''}`,
      );
    }
    if (coverage.missing.length > 0) {
      info.missing_cases = coverage.missing.length;
      info.missing_ids = coverage.missing.slice(0, MAX_MISSING_IDS);
    }
  }
  return info;
}

function short(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 19) : 'none';
}

/**
 * Classify one case against the baseline. Skipped cases have no comparison. When either side ran trials
 * whose verdicts disagree, a pass → fail change is `regressed` only if the drop in trial pass rate is
 * larger than noise explains (two-proportion test with trials on both sides, else the Wilson intervals
 * must not overlap); a drop inside the noise is `flaky`.
 */
export function classifyCase(
  current: Pick<CaseResult, 'passed' | 'status' | 'flaky' | 'hash'> &
    Partial<Pick<CaseResult, 'trials' | 'pass_rate'>>,
  base: BaselineCase | undefined,
): VsBaseline | null {
  if (current.status === 'skipped') return null;
  if (!base || (base.hash && base.hash !== current.hash) || base.status === 'skipped') return 'new';
  if (base.passed && !current.passed) {
    const now = trialRecord(current.trials, current.pass_rate);
    const before = trialRecord(base.trials, base.pass_rate);
    if (now && before && (disagrees(now) || disagrees(before)))
      return isSignificantDrop(before, now) ? 'regressed' : 'flaky';
    return current.flaky ? 'flaky' : 'regressed';
  }
  if (current.flaky) return 'flaky';
  if (base.passed) return current.passed ? 'passing' : 'regressed';
  return current.passed ? 'fixed' : 'still-failing';
}

function trialRecord(trials: number | undefined, passRate: number | undefined): TrialRecord | undefined {
  if (typeof trials !== 'number' || typeof passRate !== 'number' || trials < 1) return undefined;
  return { trials, passes: Math.round(passRate * trials) };
}
