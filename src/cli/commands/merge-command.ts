import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { mergeResults } from '../../run/merge.js';
import type { Results } from '../../run/results.js';
import { renderMarkdownReport } from '../../report/markdown.js';
import { renderJunit } from '../../report/junit.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { writeAtomic } from '../../evaluate.js';
import { UsageError } from '../../errors.js';
import type { CliState } from './index.js';

/** `tracegate merge`: combine shard results into one results.json, report.md and junit.xml. */
export function registerMergeCommand(program: Command, state: CliState): void {
  program
    .command('merge')
    .description('merge the results.json files of shards into one results.json, report.md and junit.xml')
    .argument('<results...>', 'results.json files of the shards')
    .option('--out <dir>', 'output directory', '.tracegate')
    .addOption(
      new Option('--fail-on <what>', 'what fails the gate')
        .choices(['regression', 'threshold', 'both', 'never'])
        .default('both'),
    )
    .action(async (files: string[], opts) => {
      const shards: Results[] = [];
      for (const file of files) {
        let parsed: Results;
        try {
          parsed = JSON.parse(await readFile(file, 'utf8')) as Results;
        } catch (error) {
          throw new UsageError(`Cannot read results file ${file}: ${(error as Error).message}`);
        }
        if (parsed?.version !== 1)
          throw new UsageError(`${file} is not a tracegate results.json (version 1)`);
        shards.push(parsed);
      }
      const merged = mergeResults(shards, opts.failOn);
      await mkdir(opts.out, { recursive: true });
      const resultsPath = path.join(opts.out, 'results.json');
      await writeAtomic(resultsPath, JSON.stringify(merged));
      await writeAtomic(path.join(opts.out, 'report.md'), renderMarkdownReport(merged));
      await writeAtomic(path.join(opts.out, 'junit.xml'), renderJunit(merged));
      process.stdout.write(renderTerminalSummary(merged));
      process.stdout.write(
        `merged ${files.length} shard(s), ${merged.cases.length} cases → ${resultsPath}\n`,
      );
      state.exitCode = merged.passed ? 0 : 1;
    });
}
