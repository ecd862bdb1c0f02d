import { Command, Option } from 'commander';
import { mergeResultFiles } from '../../output/merge-files.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import type { CliState } from './index.js';

/** `tracegate merge`: combine shard results into one results.json, report.md and junit.xml. */
export function registerMergeCommand(program: Command, state: CliState): void {
  program
    .command('merge')
    .description('merge the results.json files of shards into one results.json, report.md and junit.xml')
    .argument('<results...>', 'results.json files (or globs) of the shards')
    .option('--out <dir>', 'output directory', '.tracegate')
    .option('--config <file>', 'config file for fail_on, on_skipped, allow_empty (default: found upward)')
    .addOption(
      new Option(
        '--fail-on <what>',
        "what fails the gate (default: the config's fail_on, else both)",
      ).choices(['regression', 'threshold', 'both', 'never']),
    )
    .addOption(
      new Option(
        '--on-skipped <what>',
        "what a case no scorer could check does (default: the config's on_skipped, else fail)",
      ).choices(['fail', 'warn']),
    )
    .option(
      '--allow-empty',
      "let a merged run with no case pass (default: the config's allow_empty, else exit 2)",
    )
    .action(async (files: string[], opts) => {
      const { results, paths } = await mergeResultFiles(files, {
        cwd: process.cwd(),
        out: opts.out,
        config: opts.config,
        failOn: opts.failOn,
        onSkipped: opts.onSkipped,
        allowEmpty: opts.allowEmpty,
      });
      process.stdout.write(renderTerminalSummary(results));
      process.stdout.write(
        `merged ${files.length} shard(s), ${results.cases.length} cases → ${paths.results}\n`,
      );
      state.exitCode = results.passed ? 0 : 1;
    });
}
