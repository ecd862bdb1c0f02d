import { BUILTIN_FAILURE_MODES } from '../cases/regression-case.js';
import { validateConfig } from '../config/load-config.js';
import type { TracegateConfig, TracegateConfigInput } from '../config/config-schema.js';
import { ScorerResolver } from '../run/resolve-scorers.js';
import type { ScorerContext } from '../../scorers/types.js';
import type { Trace } from '../traces/trace.js';
import { ReviewQueue, type Proposal } from '../review/queue.js';
import { JudgeBudgetGate, type JudgeBudget, type JudgeBudgetStats } from './judge-budget.js';
import { isTrace, requestToTrace, type OnlineRequest } from './request-trace.js';
import { scoreCase, traceToCase, type CaseDefaults, type ModeVerdict } from './score-case.js';

/** Everything `createOnlineScorer` takes. */
export interface OnlineScorerOptions {
  /** The same config the CI gate uses (a loaded `tracegate.config` or an object); defaults when absent. */
  config?: TracegateConfig | TracegateConfigInput;
  /** Directory user scorers (`scorers/<id>.ts`, `file:` ids) resolve against; default the working directory. */
  cwd?: string;
  /** Failure modes to score; default the config's, else the five built-in ones. */
  failureModes?: string[];
  /** Fraction of requests scored (0..1), for every mode or per mode (`{"hallucination": 0.05}`); default 1. */
  sampleRate?: number | Record<string, number>;
  /** Rate and cost caps for scorers of kind `judge`. */
  budget?: { judge?: JudgeBudget };
  /** Requests waiting to be scored at most; beyond it new ones are dropped and counted. Default 1000. */
  maxBacklog?: number;
  /** Requests scored at once. Default 2. */
  concurrency?: number;
  /** A scorer that takes longer errors the verdict (default the config's timeout_ms). */
  timeoutMs?: number;
  /** Judge settings (default from the config, with the key from its `api_key_env`). */
  judge?: ScorerContext['judge'];
  /** Context the instrumentation does not record (tool definitions, response schema), for every request. */
  defaults?: CaseDefaults;
  /** Queue failing traces for review under this directory (`.tracegate/review`). */
  review?: { dir: string; source?: string; flushIntervalMs?: number; maxPending?: number };
  /** Called with every scored request (failing or not); errors it throws are counted, never rethrown. */
  onResult?: (result: OnlineResult) => void | Promise<void>;
  /** Called when something in the background fails (a review write); default: ignored but counted. */
  onError?: (error: Error) => void;
}

/** The outcome of scoring one request. */
export interface OnlineResult {
  trace: Trace;
  /** One verdict per sampled failure mode. */
  verdicts: ModeVerdict[];
  /** Failure modes whose blocking scorers failed. */
  failed_modes: string[];
  failed: boolean;
}

/** Per failure mode counters. */
export interface ModeStats {
  sampled: number;
  passed: number;
  failed: number;
  errored: number;
  not_applicable: number;
  skipped: number;
}

/** What the scorer has done so far. */
export interface OnlineStats extends JudgeBudgetStats {
  received: number;
  not_sampled: number;
  /** Requests dropped because the backlog was full (or the scorer closed). */
  dropped: number;
  scored: number;
  failed: number;
  backlog: number;
  in_flight: number;
  callback_errors: number;
  background_errors: number;
  /** Lazy traces whose spans made no trace. */
  unbuildable: number;
  review_proposed: number;
  review_dropped: number;
  modes: Record<string, ModeStats>;
}

/**
 * A trace built only if it is sampled (the span processor and the receiver hand these over, so traces
 * that are not sampled cost no mapping work).
 */
export interface LazyTrace {
  trace_id: string;
  build(): Trace | undefined;
}

/** What `submit` takes: a finished request, a normalised trace, or a trace built on demand. */
export type OnlineItem = OnlineRequest | Trace | LazyTrace;

function isLazy(item: OnlineItem): item is LazyTrace {
  return typeof (item as LazyTrace).build === 'function';
}

/** The in-process online scorer. */
export interface OnlineScorer {
  /**
   * Hand over a finished request (or a normalised trace). Returns at once, never awaits scoring: it only
   * samples and enqueues. `dropped` when the backlog is full.
   */
  submit(request: OnlineItem): 'queued' | 'not-sampled' | 'dropped';
  /** Score now (sampling applies, the backlog does not): for batch replays. Undefined when not sampled. */
  scoreNow(request: OnlineItem): Promise<OnlineResult | undefined>;
  /** Wait until everything submitted so far is scored and its review items are written. */
  flush(): Promise<void>;
  /** Stop accepting requests, flush, and release timers. */
  close(): Promise<void>;
  stats(): OnlineStats;
  readonly failureModes: readonly string[];
}

/** FNV-1a: a cheap, well-spread hash for sampling by id (the same trace is sampled the same way everywhere). */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 0x100000000;
}

function checkRate(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw new TypeError(`${where} must be a fraction between 0 and 1, got ${String(value)}`);
  return value;
}

function newModeStats(): ModeStats {
  return { sampled: 0, passed: 0, failed: 0, errored: 0, not_applicable: 0, skipped: 0 };
}

/**
 * Score live traffic with the registry and config the CI gate uses, off the request's critical path:
 * `submit` samples (per failure mode) and enqueues into a bounded backlog; workers score in the
 * background; judge scorers run within a rate and cost budget; failing requests go to the review queue.
 */
export function createOnlineScorer(options: OnlineScorerOptions = {}): OnlineScorer {
  const config = validateConfig(options.config ?? {}, 'createOnlineScorer({config})');
  const cwd = options.cwd ?? process.cwd();
  const configured = !!options.failureModes?.length || Object.keys(config.failure_modes).length > 0;
  const modes = options.failureModes?.length
    ? [...options.failureModes]
    : Object.keys(config.failure_modes).length
      ? Object.keys(config.failure_modes)
      : [...BUILTIN_FAILURE_MODES];
  const rates = new Map<string, number>();
  const rate = options.sampleRate ?? 1;
  for (const mode of modes) {
    rates.set(
      mode,
      typeof rate === 'number'
        ? checkRate(rate, 'sampleRate')
        : checkRate(rate[mode] ?? 1, `sampleRate["${mode}"]`),
    );
  }
  const maxBacklog = options.maxBacklog ?? 1000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const timeoutMs = options.timeoutMs ?? config.timeout_ms;
  const judgeKey = options.judge?.apiKey ?? process.env[config.judge?.api_key_env ?? 'OPENAI_API_KEY'];
  const resolver = new ScorerResolver(config, {
    cwd,
    judge: {
      baseUrl: options.judge?.baseUrl ?? config.judge?.base_url,
      model: options.judge?.model ?? config.judge?.model,
      apiKey: judgeKey,
      promptVersion: options.judge?.promptVersion ?? config.judge?.prompt_version,
    },
  });
  const gate = new JudgeBudgetGate(options.budget?.judge);
  const review = options.review ? new ReviewQueue(options.review.dir) : undefined;
  const reviewSource = options.review?.source ?? 'online';
  const maxPending = options.review?.maxPending ?? 1000;

  const counters = {
    received: 0,
    not_sampled: 0,
    dropped: 0,
    scored: 0,
    failed: 0,
    callback_errors: 0,
    background_errors: 0,
    unbuildable: 0,
    review_proposed: 0,
    review_dropped: 0,
  };
  const modeStats: Record<string, ModeStats> = Object.fromEntries(modes.map((m) => [m, newModeStats()]));

  // The backlog: a bounded FIFO (array plus head index, compacted now and then: no O(n) shift per item).
  let queue: Array<{ item: OnlineItem; modes: string[] }> = [];
  let head = 0;
  let inFlight = 0;
  let closed = false;
  let idleWaiters: Array<() => void> = [];
  let pendingProposals: Proposal[] = [];
  let reviewWrite: Promise<void> = Promise.resolve();
  let reviewTimer: NodeJS.Timeout | undefined;

  const report = (error: unknown) => {
    counters.background_errors++;
    try {
      options.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // an error handler that throws has nowhere further to go
    }
  };

  function sampledModes(item: OnlineItem): string[] {
    const id = isTrace(item) || isLazy(item) ? item.trace_id : item.id;
    const chosen: string[] = [];
    for (const mode of modes) {
      const r = rates.get(mode)!;
      if (r >= 1 || (r > 0 && (id === undefined ? Math.random() : unitHash(`${id}\u0000${mode}`)) < r))
        chosen.push(mode);
    }
    return chosen;
  }

  async function score(item: OnlineItem, chosen: string[]): Promise<OnlineResult | undefined> {
    const trace = isTrace(item) ? item : isLazy(item) ? item.build() : requestToTrace(item);
    if (!trace) {
      counters.unbuildable++;
      return undefined;
    }
    // What the instrumentation did not record, the app's defaults supply: for the scorers and for the
    // review item's evidence and signature alike.
    const d = options.defaults;
    if (d?.tools?.length && trace.tools.length === 0) trace.tools = d.tools;
    if (d?.schema !== undefined && trace.response_schema === undefined) trace.response_schema = d.schema;
    if (d?.system_prompt !== undefined && trace.system_prompt === undefined)
      trace.system_prompt = d.system_prompt;
    const verdicts: ModeVerdict[] = [];
    for (const mode of chosen) {
      // With the default modes (none configured), a mode is scored only where it can apply: format checks on
      // traces that asked for structured output (a plain-text answer is not a format violation), grounding
      // checks on traces that retrieved something (with no sources, every claim reads as unsupported).
      if (!configured && mode === 'hallucination' && trace.retrieved.length === 0) continue;
      if (
        !configured &&
        mode === 'format-violation' &&
        trace.response_schema === undefined &&
        options.defaults?.schema === undefined
      )
        continue;
      let verdict: ModeVerdict;
      try {
        const scorers = await resolver.forMode(mode);
        verdict = await scoreCase(traceToCase(trace, mode, options.defaults), scorers, {
          timeoutMs,
          judgeGate: gate,
        });
      } catch (error) {
        verdict = {
          failure_mode: mode,
          status: 'errored',
          scores: {},
          scorers: [],
          reasons: [`scorers could not be set up: ${(error as Error).message}`],
        };
      }
      const s = (modeStats[mode] ??= newModeStats());
      s.sampled++;
      s[verdict.status]++;
      verdicts.push(verdict);
    }
    const failedModes = verdicts.filter((v) => v.status === 'failed').map((v) => v.failure_mode);
    const result: OnlineResult = {
      trace,
      verdicts,
      failed_modes: failedModes,
      failed: failedModes.length > 0,
    };
    counters.scored++;
    if (result.failed) {
      counters.failed++;
      if (review) queueForReview(result);
    }
    if (options.onResult) {
      try {
        await options.onResult(result);
      } catch {
        counters.callback_errors++;
      }
    }
    return result;
  }

  function queueForReview(result: OnlineResult): void {
    for (const verdict of result.verdicts) {
      if (verdict.status !== 'failed') continue;
      if (pendingProposals.length >= maxPending) {
        counters.review_dropped++;
        continue;
      }
      pendingProposals.push({
        trace: result.trace,
        verdict,
        others: result.verdicts.filter((v) => v !== verdict && v.status === 'failed'),
        source: reviewSource,
      });
      counters.review_proposed++;
    }
    if (!reviewTimer && !closed) {
      reviewTimer = setTimeout(writeProposals, options.review?.flushIntervalMs ?? 1000);
      reviewTimer.unref();
    }
  }

  function writeProposals(): Promise<void> {
    clearTimeout(reviewTimer);
    reviewTimer = undefined;
    const batch = pendingProposals;
    pendingProposals = [];
    if (!review || batch.length === 0) return reviewWrite;
    // One write at a time, in order: each is a locked read-modify-write of the queue files.
    reviewWrite = reviewWrite.then(() => review.record(batch).then(() => undefined, report));
    return reviewWrite;
  }

  function pump(): void {
    while (inFlight < concurrency && head < queue.length) {
      const next = queue[head];
      queue[head++] = undefined as never;
      if (head > 1024 && head * 2 > queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      inFlight++;
      score(next.item, next.modes)
        .catch(report)
        .finally(() => {
          inFlight--;
          if (head < queue.length) setImmediate(pump);
          else if (inFlight === 0) {
            const waiters = idleWaiters;
            idleWaiters = [];
            for (const w of waiters) w();
          }
        });
    }
  }

  const scorer: OnlineScorer = {
    failureModes: modes,
    submit(item) {
      counters.received++;
      if (closed) {
        counters.dropped++;
        return 'dropped';
      }
      const chosen = sampledModes(item);
      if (chosen.length === 0) {
        counters.not_sampled++;
        return 'not-sampled';
      }
      if (queue.length - head >= maxBacklog) {
        counters.dropped++;
        return 'dropped';
      }
      queue.push({ item, modes: chosen });
      // Scoring starts on a later turn of the event loop: the caller's request finishes first.
      if (queue.length - head === 1 && inFlight < concurrency) setImmediate(pump);
      return 'queued';
    },
    async scoreNow(item) {
      counters.received++;
      const chosen = sampledModes(item);
      if (chosen.length === 0) {
        counters.not_sampled++;
        return undefined;
      }
      return score(item, chosen);
    },
    async flush() {
      if (head < queue.length || inFlight > 0) {
        await new Promise<void>((resolve) => {
          idleWaiters.push(resolve);
          pump();
        });
      }
      await writeProposals();
    },
    async close() {
      closed = true;
      await scorer.flush();
      clearTimeout(reviewTimer);
    },
    stats() {
      return {
        ...counters,
        ...gate.stats,
        backlog: queue.length - head,
        in_flight: inFlight,
        modes: structuredClone(modeStats),
      };
    },
  };
  return scorer;
}
