import { Command, Option } from 'commander';
import { positiveInt } from '../options.js';
import { loadConfig } from '../../config/load-config.js';
import { TRACE_FORMATS } from '../../traces/trace.js';
import { DISTINCT_KEYS } from '../../review/queue.js';
import { harvest } from '../../review/harvest.js';
import { renderHarvest } from '../../review/harvest-text.js';
import { plainText } from '../../review/terminal-text.js';
import { braintrustSourceOptions, skipPrinter } from './promote-command.js';
import { parseRate } from './score-command.js';
import type { CliState } from './index.js';

/** `tracegate harvest`: production failures → verified regression rows → one pull request. */
export function registerHarvestCommand(program: Command, state: CliState): void {
  program
    .command('harvest')
    .description(
      'score recorded traces, queue failures, and open or update one pull request (branch tracegate/harvest) with the verified new rows',
    )
    .requiredOption('--from <source>', 'trace file or braintrust:PROJECT')
    .addOption(
      new Option('--format <format>', 'input format').choices(['auto', ...TRACE_FORMATS]).default('auto'),
    )
    .option('--since <iso>', 'with --from braintrust:PROJECT: only rows created at or after this time')
    .option('--limit <n>', 'with --from braintrust:PROJECT: at most N rows', positiveInt('--limit'))
    .option('--sample <rate>', 'score this fraction of traces', parseRate)
    .option('--config <file>', 'tracegate config (default: found upward)')
    .option('--review-dir <dir>', 'review queue directory', '.tracegate/review')
    .option('--to <dir>', 'dataset directory in the repository', 'datasets')
    .option(
      '--min-occurrences <n>',
      'promote a failure only once seen this often',
      positiveInt('--min-occurrences'),
    )
    .addOption(
      new Option('--distinct-by <key>', 'count occurrences by distinct user, session or input').choices([
        ...DISTINCT_KEYS,
      ]),
    )
    .option('--repo <owner/name>', 'repository (default GITHUB_REPOSITORY)')
    .option('--base <branch>', "base branch (default: the repository's default branch)")
    .option('--branch <name>', 'harvest branch', 'tracegate/harvest')
    .option('--token-env <name>', 'environment variable holding the GitHub token', 'GITHUB_TOKEN')
    .option('--dry-run', 'score, queue and compare, but write nothing to GitHub')
    .option('--json', 'print the outcome as JSON')
    .action(async (opts) => {
      const cwd = process.cwd();
      const { config, dir } = await loadConfig(cwd, opts.config);
      const skips = skipPrinter();
      const outcome = await harvest({
        from: opts.from,
        format: opts.format,
        braintrust: braintrustSourceOptions(opts),
        sample: opts.sample,
        config,
        cwd,
        configDir: dir,
        reviewDir: opts.reviewDir,
        to: opts.to,
        policy: { minOccurrences: opts.minOccurrences, distinctBy: opts.distinctBy },
        github: {
          // The token comes from the environment: never from a command line (process lists, shell history).
          token: process.env[opts.tokenEnv] ?? '',
          repository: opts.repo ?? process.env.GITHUB_REPOSITORY ?? '',
          apiUrl: process.env.GITHUB_API_URL,
          base: opts.base,
          branch: opts.branch,
        },
        dryRun: !!opts.dryRun,
        onSkip: opts.json ? undefined : skips.onSkip,
      });
      if (opts.json)
        process.stdout.write(JSON.stringify({ ...outcome, scored: outcome.scored.modes }, null, 2) + '\n');
      else process.stdout.write(renderHarvest(outcome).join('\n') + '\n');
      // Nothing scored is not "nothing to harvest": exit 2 so a broken schedule is noticed.
      state.exitCode = outcome.scored.stats.scored === 0 ? 2 : 0;
      if (state.exitCode === 2)
        process.stderr.write(
          `tracegate: no trace was scored from ${plainText(opts.from, 120)}: nothing was checked.\n`,
        );
    });
}
