import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { collect, positiveInt } from '../options.js';
import { UsageError } from '../../errors.js';
import { loadConfig } from '../../config/load-config.js';
import { TRACE_FORMATS } from '../../traces/trace.js';
import { scoreRecordedTraces, type BatchScoreSummary } from '../../online/batch-score.js';
import { startOtlpReceiver } from '../../online/otlp-receiver.js';
import type { OnlineStats } from '../../online/online-scorer.js';
import { braintrustSourceOptions, skipPrinter } from './promote-command.js';
import { plainText } from '../../review/terminal-text.js';
import type { CliState } from './index.js';

/** `15m`, `1h`, `1d`, `500ms`, `30s` → milliseconds. */
export function parseDuration(value: string, flag = '--window'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m || !(n > 0)) throw new UsageError(`${flag} "${value}": expected a duration such as 15m, 1h or 1d`);
  return n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms']!;
}

/** A sampling rate: a fraction 0 < rate ≤ 1. */
export function parseRate(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1))
    throw new UsageError(`--sample "${value}": expected a fraction above 0 and at most 1, e.g. 0.1`);
  return n;
}

function nonNegative(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!(n >= 0 && Number.isFinite(n))) throw new UsageError(`${flag} "${value}": expected a number ≥ 0`);
    return n;
  };
}

/** `--tools FILE`: a JSON array of tool definitions. */
async function readTools(file: string): Promise<unknown[]> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--tools ${file}: ${(error as Error).message}`);
  }
  const list = Array.isArray(value) ? value : (value as { tools?: unknown })?.tools;
  if (!Array.isArray(list))
    throw new UsageError(
      `--tools ${file}: expected a JSON array of tool definitions (OpenAI "tools" entries)`,
    );
  return list;
}

const pct = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** The per-mode summary and the windows, as terminal lines. */
export function renderBatchSummary(summary: BatchScoreSummary, from: string): string[] {
  const out: string[] = [];
  const s = summary.import;
  out.push(
    `scored ${summary.stats.scored} of ${s.imported} trace(s) from ${plainText(from, 120)} (${s.format ?? 'no recognised format'}); ` +
      `${summary.stats.not_sampled} not sampled, ${s.skipped} record(s) skipped`,
  );
  out.push('');
  out.push('failure mode                  judged   failed  fail rate  errored  n/a');
  for (const [mode, m] of Object.entries(summary.modes)) {
    out.push(
      `${mode.padEnd(28)} ${String(m.judged).padStart(7)} ${String(m.failed).padStart(8)} ${pct(m.fail_rate).padStart(10)} ${String(m.errored).padStart(8)} ${String(m.not_applicable).padStart(4)}`,
    );
  }
  const windows = Object.entries(summary.windows);
  if (windows.length) {
    out.push('');
    out.push(`fail rate per ${Math.round(summary.window_ms / 60000)} min window:`);
    for (const [start, modes] of windows) {
      const parts = Object.entries(modes)
        .filter(([, c]) => c.scored || c.errored)
        .map(
          ([mode, c]) =>
            `${mode} ${c.failed}/${c.scored} (${pct(c.scored ? c.failed / c.scored : null)})${c.errored ? ` +${c.errored} errored` : ''}`,
        );
      out.push(`  ${start}  ${parts.join(' · ') || 'nothing judged'}`);
    }
  }
  if (summary.review)
    out.push(
      '',
      `${summary.review.proposed} failing verdict(s) queued for review in ${summary.review.dir} (tracegate review list)`,
    );
  return out;
}

function renderStats(stats: OnlineStats): string {
  return (
    `received ${stats.received}, scored ${stats.scored}, failed ${stats.failed}, not sampled ${stats.not_sampled}, ` +
    `dropped ${stats.dropped}, judge calls ${stats.judge_calls} ($${stats.judge_cost_usd.toFixed(4)}), ` +
    `judge skipped by budget ${stats.judge_skipped_rate + stats.judge_skipped_cost}, queued for review ${stats.review_proposed}`
  );
}

/** `tracegate score`: the scorers on recorded traces (batch) or on live OTLP exports (receiver). */
export function registerScoreCommand(program: Command, state: CliState): void {
  program
    .command('score')
    .description(
      "score production traces with the gate's scorers: recorded ones (--from) or live OTLP/HTTP JSON exports (--otlp-listen)",
    )
    .option(
      '--from <source>',
      'trace file (Braintrust, OTLP/JSON, Langfuse, normalised JSONL) or braintrust:PROJECT',
    )
    .option('--otlp-listen <host:port>', 'receive OTLP/HTTP JSON at POST /v1/traces, e.g. 127.0.0.1:4318')
    .addOption(
      new Option('--format <format>', 'input format').choices(['auto', ...TRACE_FORMATS]).default('auto'),
    )
    .option('--config <file>', 'tracegate config (default: found upward from the working directory)')
    .option('--failure-mode <mode>', 'score only this failure mode (repeatable)', collect, [])
    .option('--sample <rate>', 'score this fraction of traces (0 < rate ≤ 1)', parseRate)
    .option('--since <iso>', 'with --from braintrust:PROJECT: only rows created at or after this time')
    .option('--limit <n>', 'with --from braintrust:PROJECT: at most N rows', positiveInt('--limit'))
    .option('--review-dir <dir>', 'review queue directory', '.tracegate/review')
    .option('--no-review', 'do not queue failing traces for review')
    .option('--window <duration>', 'time window for rates (batch), e.g. 15m, 1h, 1d', '1h')
    .option(
      '--max-backlog <n>',
      'receiver: traces waiting to be scored at most',
      positiveInt('--max-backlog'),
    )
    .option(
      '--judge-calls-per-minute <n>',
      'judge scorers: calls per minute at most',
      nonNegative('--judge-calls-per-minute'),
    )
    .option('--judge-max-cost <usd>', 'judge scorers: USD per hour at most', nonNegative('--judge-max-cost'))
    .option(
      '--tools <file>',
      'JSON file of the tool definitions (OpenAI tools) your app offers, for traces whose instrumentation does not record them',
    )
    .option('--json', 'print the summary as JSON')
    .action(async (opts) => {
      if (!opts.from === !opts.otlpListen)
        throw new UsageError(
          'Say what to score: --from FILE|braintrust:PROJECT (recorded traces) or --otlp-listen HOST:PORT (live exports), one of them.',
        );
      const cwd = process.cwd();
      const { config, dir } = await loadConfig(cwd, opts.config);
      const reviewDir = opts.review === false ? undefined : (opts.reviewDir as string);
      const budget = {
        judge: { callsPerMinute: opts.judgeCallsPerMinute, maxCostUsd: opts.judgeMaxCost },
      };
      const failureModes = (opts.failureMode as string[]).length ? opts.failureMode : undefined;
      const defaults = opts.tools ? { tools: await readTools(opts.tools) } : undefined;
      if (opts.otlpListen) {
        state.exitCode = await receive(opts, { config, dir, reviewDir, budget, failureModes, defaults });
        return;
      }
      const skips = skipPrinter();
      const summary = await scoreRecordedTraces({
        from: opts.from,
        format: opts.format,
        braintrust: braintrustSourceOptions(opts),
        config,
        cwd: process.cwd(),
        configDir: dir,
        failureModes,
        sample: opts.sample,
        reviewDir,
        windowMs: parseDuration(opts.window),
        defaults,
        onSkip: opts.json ? undefined : skips.onSkip,
      });
      if (opts.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      else process.stdout.write(renderBatchSummary(summary, opts.from).join('\n') + '\n');
      // Scoring nothing is not a clean bill of health: say so and exit 2.
      if (summary.stats.scored === 0) {
        process.stderr.write(
          `tracegate: no trace was scored (${summary.import.imported} imported, ${summary.stats.not_sampled} not sampled): nothing was checked.\n`,
        );
        state.exitCode = 2;
        return;
      }
      state.exitCode = 0;
    });
}

/** The receiver: listen until SIGINT/SIGTERM, then score what is queued and print the counts. */
async function receive(
  opts: Record<string, any>,
  settings: {
    config: Awaited<ReturnType<typeof loadConfig>>['config'];
    dir: string;
    reviewDir?: string;
    budget: { judge: { callsPerMinute?: number; maxCostUsd?: number } };
    failureModes?: string[];
    defaults?: { tools: unknown[] };
  },
): Promise<number> {
  const receiver = await startOtlpReceiver({
    listen: opts.otlpListen,
    config: settings.config,
    cwd: settings.dir,
    failureModes: settings.failureModes,
    sampleRate: opts.sample ?? 1,
    maxBacklog: opts.maxBacklog,
    defaults: settings.defaults,
    budget: settings.budget,
    review: settings.reviewDir ? { dir: settings.reviewDir, source: 'otlp' } : undefined,
    onError: (error) => process.stderr.write(`tracegate: ${plainText(error.message, 300)}\n`),
  });
  process.stdout.write(`tracegate: receiving OTLP/HTTP JSON at ${receiver.url}/v1/traces\n`);
  // A receiver stops on a signal by finishing its work: take the signals over from the CLI entry (which
  // exits at once) while listening, and give them back afterwards.
  const saved = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stderr.write(`tracegate: ${signal}: scoring what is queued, then stopping\n`);
  await receiver.close();
  for (const [name, listeners] of Object.entries(saved))
    for (const l of listeners) process.once(name as NodeJS.Signals, l as () => void);
  const stats = receiver.scorer.stats();
  const c = receiver.counters;
  if (opts.json) process.stdout.write(JSON.stringify({ receiver: c, stats }, null, 2) + '\n');
  else
    process.stdout.write(
      `tracegate: ${c.requests} export request(s) (${c.rejected} rejected), ${c.spans} span(s), ${c.traces} trace(s); ${renderStats(stats)}\n`,
    );
  return 0;
}
