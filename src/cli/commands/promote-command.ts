import { Command, Option } from 'commander';
import { collect, positiveInt } from '../options.js';
import { stableStringify } from '../../util/stable-json.js';
import { UsageError } from '../../errors.js';
import { TRACE_FORMATS } from '../../traces/trace.js';
import { promoteTraces, type PromoteOptions } from '../../promote/promote.js';
import { REPRESENTATIVE_POLICIES } from '../../promote/cluster.js';
import { parseScrubPattern } from '../../promote/scrub.js';
import { loadConfig } from '../../config/load-config.js';
import { verificationResolver } from '../../review/verify-row.js';
import type { CliState } from './index.js';
import { parseScoreFilter, type ScoreFilter } from '../../braintrust/btql.js';

/** The most skipped records listed one by one; the count is always printed. */
const MAX_LISTED = 20;

/** Options `promote` and `cluster` share: where traces come from and which ones count. */
export function addSourceOptions(command: Command): Command {
  return command
    .requiredOption(
      '--from <source>',
      'trace file (Braintrust logs JSON/JSONL, OTLP/JSON, Langfuse export, normalised JSONL), or braintrust:PROJECT (name or id; needs BRAINTRUST_API_KEY)',
    )
    .addOption(
      new Option('--format <format>', 'input format').choices(['auto', ...TRACE_FORMATS]).default('auto'),
    )
    .option(
      '--where <condition>',
      'only traces meeting it (repeatable, all must hold): thumbs-down, low-score[<N], PATH OP VALUE',
      collect,
      [],
    )
    .option(
      '--window <records>',
      'records a trace may stay silent before it counts as complete (default: 5000)',
      positiveInt('--window'),
    )
    .option(
      '--since <iso>',
      'with --from braintrust:PROJECT: only rows created at or after this time (default: all)',
    )
    .option(
      '--until <iso>',
      'with --from braintrust:PROJECT: only rows created before this time (default: all)',
    )
    .option(
      '--score <NAME OP N>',
      'with --from braintrust:PROJECT: only rows whose score meets it, e.g. "Factuality<0.5" (repeatable; in BTQL)',
      collect,
      [],
    )
    .option(
      '--feedback <NAME[OP N]>',
      'with --from braintrust:PROJECT: only rows with this user feedback score, "thumbs" = 0 by default (repeatable; in BTQL)',
      collect,
      [],
    )
    .option(
      '--with-tag <tag>',
      'with --from braintrust:PROJECT: only rows carrying this tag (repeatable; in BTQL)',
      collect,
      [],
    )
    .option(
      '--limit <n>',
      'with --from braintrust:PROJECT: fetch at most N rows (spans) (default: all)',
      positiveInt('--limit'),
    );
}

/** The Braintrust fetch settings from the source options (key and URL come from the environment). */
export function braintrustSourceOptions(opts: {
  since?: string;
  until?: string;
  score?: string[];
  feedback?: string[];
  withTag?: string[];
  limit?: number;
  json?: boolean;
}): {
  since?: string;
  until?: string;
  filters?: { scores?: ScoreFilter[]; feedback?: ScoreFilter[]; tags?: string[] };
  limit?: number;
  onRetry?: (message: string) => void;
} {
  return {
    since: opts.since,
    until: opts.until,
    filters: {
      scores: (opts.score ?? []).map((s) => parseScoreFilter(s, '--score', false)),
      feedback: (opts.feedback ?? []).map((s) => parseScoreFilter(s, '--feedback', true)),
      tags: opts.withTag ?? [],
    },
    limit: opts.limit,
    onRetry: opts.json ? undefined : (m) => process.stderr.write(`braintrust: ${m}\n`),
  };
}

function fraction(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1))
    throw new UsageError(`--golden "${value}": expected a fraction between 0 and 1, e.g. 0.05`);
  return n;
}

/** Print skipped records as they come, the first MAX_LISTED of them. */
export function skipPrinter(): { onSkip: (position: string, reason: string) => void; count: () => number } {
  let n = 0;
  return {
    onSkip(position, reason) {
      n++;
      if (n <= MAX_LISTED) process.stderr.write(`skipped ${position}: ${reason}\n`);
      else if (n === MAX_LISTED + 1)
        process.stderr.write('(further skipped records are counted below, not listed)\n');
    },
    count: () => n,
  };
}

/** `tracegate promote`: production traces → regression dataset rows. */
export function registerPromoteCommand(program: Command, state: CliState): void {
  addSourceOptions(
    program
      .command('promote')
      .description(
        'turn production traces into regression cases: import, label, cluster, scrub, append to datasets/<mode>.jsonl',
      ),
  )
    .option(
      '--label <mode>',
      'the reviewed failure mode of the selected traces (review_status approved) (default: none; this or --auto-label)',
    )
    .option(
      '--auto-label',
      'propose a failure mode per trace from the deterministic checks (review_status pending) (default: off)',
    )
    .addOption(
      new Option(
        '--review <status>',
        'review_status to write (default: approved with --label, pending with --auto-label)',
      ).choices(['pending', 'approved']),
    )
    .option('--to <path>', 'dataset directory (rows go to <dir>/<mode>.jsonl) or a .jsonl file', 'datasets')
    .option('--dry-run', 'print the rows instead of writing them (default: write)')
    .option(
      '--no-scrub',
      'do NOT replace personal data and secrets (only for data known to be clean) (default: scrub)',
    )
    .option(
      '--scrub-pattern <name=regex>',
      'also scrub this pattern (repeatable), e.g. customer_id=CUST-\\d{6}',
      collect,
      [],
    )
    .addOption(
      new Option('--representative <policy>', 'which trace of a cluster becomes the row')
        .choices([...REPRESENTATIVE_POLICIES])
        .default('most-recent'),
    )
    .option('--max-related <n>', 'most related span ids recorded per row', positiveInt('--max-related'), 1000)
    .option(
      '--golden <fraction>',
      'golden mode: sample this fraction of traces where nothing failed as kind golden rows of --label (default: off)',
      fraction,
    )
    .option(
      '--expected <json>',
      "an expected value (JSON) for every row, e.g. the reviewed correct answer (default: the trace's)",
    )
    .option('--tag <tag>', 'tag every row (repeatable)', collect, [])
    .option(
      '--origin-url-template <template>',
      'origin.url, e.g. https://viewer/{object_id}/{id} (default: none)',
    )
    .option(
      '--config <file>',
      'tracegate config whose scorers verify each row (default: tracegate.config.* found upward)',
    )
    .option(
      '--allow-unverified',
      "write rows even when their mode's blocking scorers pass the recorded output (metadata.verified: false) (default: off)",
    )
    .option('--json', 'print the outcome as JSON (default: a table)')
    .action(async (opts) => {
      const { config, dir } = await loadConfig(process.cwd(), opts.config);
      let expected: unknown;
      if (opts.expected !== undefined) {
        try {
          expected = JSON.parse(opts.expected);
        } catch {
          expected = opts.expected; // a bare string answer
        }
      }
      const skips = skipPrinter();
      const options: PromoteOptions = {
        from: opts.from,
        format: opts.format,
        // The API key and URL come from BRAINTRUST_API_KEY / BRAINTRUST_API_URL: keys stay off command lines.
        braintrust: braintrustSourceOptions(opts),
        label: opts.label,
        autoLabel: !!opts.autoLabel,
        review: opts.review,
        where: opts.where,
        to: opts.to,
        dryRun: !!opts.dryRun,
        scrub: opts.scrub !== false,
        scrubRules: (opts.scrubPattern as string[]).map(parseScrubPattern),
        representative: opts.representative,
        maxRelated: opts.maxRelated,
        golden: opts.golden,
        expected,
        tags: opts.tag,
        originUrlTemplate: opts.originUrlTemplate,
        assembler: opts.window ? { idleRecords: opts.window } : undefined,
        onSkip: opts.json ? undefined : skips.onSkip,
        verifyWith: verificationResolver(config, dir),
        allowUnverified: !!opts.allowUnverified,
      };
      const outcome = await promoteTraces(options);
      if (outcome.stats.imported === 0) {
        // Nothing to promote is not success: a wrong file, a wrong --format or an empty export.
        throw new UsageError(
          `No usable trace in ${opts.from}: ${outcome.stats.records} record(s) read, ${outcome.stats.skipped} skipped${outcome.stats.format ? ` (format ${outcome.stats.format})` : ' (no recognised format)'}.`,
          [
            'Check that the file is a trace export (Braintrust logs, OTLP/JSON, Langfuse, normalised JSONL) and pass --format if auto-detection guessed wrong.',
          ],
        );
      }
      // A refused row is a check that failed: exit 1, after writing the rows that proved themselves.
      const refused = outcome.unverified.length ? 1 : 0;
      if (opts.json) {
        process.stdout.write(JSON.stringify(summary(outcome), null, 2) + '\n');
        state.exitCode = refused;
        return;
      }
      const s = outcome.stats;
      const out: string[] = [];
      const f = outcome.fetched;
      if (f)
        out.push(
          `fetched ${f.rows} row(s) in ${f.pages} page(s) of BTQL from project ${f.project_name ? `${f.project_name} (${f.project_id})` : f.project_id} at ${f.api_url}${f.retries ? ` (${f.retries} retried request(s))` : ''}`,
        );
      out.push(
        `imported ${s.imported} trace(s) from ${opts.from} (${s.format ?? 'no recognised format'}), skipped ${s.skipped} record(s)`,
      );
      if (outcome.filtered) out.push(`${outcome.filtered} trace(s) not selected by --where`);
      if (outcome.unlabelled)
        out.push(
          `${outcome.unlabelled} trace(s) with no failure found${options.golden !== undefined ? ' or not sampled' : ''} (not promoted)`,
        );
      const rows = outcome.written.reduce((n, w) => n + w.rows.length, 0);
      out.push(
        `${outcome.clusters.length} cluster(s) → ${rows} new row(s)${outcome.duplicates.length ? `, ${outcome.duplicates.length} already promoted` : ''}`,
      );
      for (const w of outcome.written) {
        out.push(
          `  ${opts.dryRun ? 'would append' : 'appended'} ${w.rows.length} row(s) to ${w.file}: ${w.rows.map((r) => r.id).join(', ')}`,
        );
      }
      for (const d of outcome.duplicates.slice(0, MAX_LISTED)) out.push(`  unchanged: ${d.reason}`);
      for (const u of outcome.unverified.slice(0, MAX_LISTED))
        out.push(`  refused (${u.basis}): ${u.reason}`);
      if (outcome.unverified.length)
        process.stderr.write(
          `tracegate: ${outcome.unverified.length} row(s) refused: their scorers pass the recorded failing output (see above).\n`,
        );
      if (opts.dryRun) {
        for (const w of outcome.written)
          for (const r of w.rows) process.stdout.write(stableStringify(r) + '\n');
        process.stderr.write(out.join('\n') + '\n(dry run: nothing written)\n');
      } else process.stdout.write(out.join('\n') + '\n');
      state.exitCode = refused;
    });
}

function summary(outcome: Awaited<ReturnType<typeof promoteTraces>>) {
  return {
    ...outcome.stats,
    ...(outcome.fetched ? { fetched: outcome.fetched } : {}),
    filtered: outcome.filtered,
    unlabelled: outcome.unlabelled,
    clusters: outcome.clusters.length,
    written: outcome.written.map((w) => ({ file: w.file, ids: w.rows.map((r) => r.id) })),
    rows: outcome.written.flatMap((w) => w.rows),
    duplicates: outcome.duplicates,
    unverified: outcome.unverified,
  };
}
