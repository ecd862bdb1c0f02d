import { recordSource } from '../promote/promote.js';
import type { TracegateConfig } from '../config/config-schema.js';
import { UsageError } from '../errors.js';
import { importTraces, type ImportOptions, type ImportStats } from '../traces/import.js';
import type { BraintrustFetchStats, BraintrustLogsOptions } from '../traces/braintrust-api.js';
import { createOnlineScorer, type OnlineStats } from './online-scorer.js';
import type { CaseDefaults, ModeVerdict } from './score-case.js';

/** `tracegate score --from …`: replay recorded traces through the scorers. */
export interface BatchScoreOptions {
  from: string;
  format?: ImportOptions['format'];
  braintrust?: Omit<BraintrustLogsOptions, 'project'>;
  config: TracegateConfig;
  /** Where `from` is read relative to. */
  cwd: string;
  /** Where user scorers resolve (the config file's directory); default `cwd`. */
  configDir?: string;
  failureModes?: string[];
  sample?: number;
  /** Queue failing traces here (default: no queue). */
  reviewDir?: string;
  /** Width of the time windows rates are given over, in ms (default one hour). */
  windowMs?: number;
  defaults?: CaseDefaults;
  onSkip?: (position: string, reason: string) => void;
}

/** Counts of one failure mode in one time window. */
export interface WindowCounts {
  scored: number;
  failed: number;
  errored: number;
}

/** What a batch replay found. */
export interface BatchScoreSummary {
  import: ImportStats;
  fetched?: BraintrustFetchStats;
  stats: OnlineStats;
  /** Per failure mode: counts and the failure rate over the traces it judged (passed + failed). */
  modes: Record<
    string,
    { judged: number; failed: number; errored: number; not_applicable: number; fail_rate: number | null }
  >;
  /** Window start (ISO) → mode → counts; traces without a time go under `unknown`. */
  windows: Record<string, Record<string, WindowCounts>>;
  window_ms: number;
  review?: { dir: string; proposed: number };
}

/** Fail rate over judged traces: failed / (passed + failed); null when none was judged. */
function failRate(failed: number, judged: number): number | null {
  return judged ? failed / judged : null;
}

/**
 * Replay recorded traces (a file or a Braintrust project's logs) through the failure modes' scorers, with
 * the same sampling and review queue as online scoring, and sum them up per mode and per time window.
 */
export async function scoreRecordedTraces(options: BatchScoreOptions): Promise<BatchScoreSummary> {
  const windowMs = options.windowMs ?? 3_600_000;
  if (!(windowMs > 0)) throw new UsageError(`--window: expected a positive duration, e.g. 1h or 15m`);
  const { source, format, fetched } = await recordSource(
    { from: options.from, format: options.format, braintrust: options.braintrust },
    options.cwd,
  );
  const scorer = createOnlineScorer({
    config: options.config,
    cwd: options.configDir ?? options.cwd,
    failureModes: options.failureModes,
    sampleRate: options.sample ?? 1,
    defaults: options.defaults,
    review: options.reviewDir ? { dir: options.reviewDir, source: `batch:${options.from}` } : undefined,
  });
  const stats: ImportStats = { records: 0, imported: 0, skipped: 0 };
  const windows: BatchScoreSummary['windows'] = {};
  const add = (start: string | undefined, verdict: ModeVerdict) => {
    const t = start ? Date.parse(start) : NaN;
    const key = Number.isNaN(t) ? 'unknown' : new Date(Math.floor(t / windowMs) * windowMs).toISOString();
    const perMode = (windows[key] ??= {});
    const c = (perMode[verdict.failure_mode] ??= { scored: 0, failed: 0, errored: 0 });
    if (verdict.status === 'passed' || verdict.status === 'failed') c.scored++;
    if (verdict.status === 'failed') c.failed++;
    if (verdict.status === 'errored') c.errored++;
  };
  try {
    for await (const item of importTraces(source, { format }, stats)) {
      if ('skipped' in item) {
        options.onSkip?.(item.skipped.position, item.skipped.reason);
        continue;
      }
      const result = await scorer.scoreNow(item.trace);
      for (const v of result?.verdicts ?? []) add(item.trace.start_time, v);
    }
  } finally {
    await scorer.close();
  }
  const s = scorer.stats();
  const modes: BatchScoreSummary['modes'] = {};
  for (const [mode, m] of Object.entries(s.modes)) {
    const judged = m.passed + m.failed;
    modes[mode] = {
      judged,
      failed: m.failed,
      errored: m.errored,
      not_applicable: m.not_applicable + m.skipped,
      fail_rate: failRate(m.failed, judged),
    };
  }
  const sorted = Object.fromEntries(Object.entries(windows).sort(([a], [b]) => a.localeCompare(b)));
  return {
    import: stats,
    fetched,
    stats: s,
    modes,
    windows: sorted,
    window_ms: windowMs,
    ...(options.reviewDir ? { review: { dir: options.reviewDir, proposed: s.review_proposed } } : {}),
  };
}
