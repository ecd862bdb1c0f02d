import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { resolveProject } from '../../braintrust/settings.js';
import { terminalSafe } from '../../braintrust/terminal-safe.js';
import type { CliState } from './index.js';

/** `tracegate pull dataset`: a Braintrust dataset down to JSONL rows. */
export function registerPullCommand(program: Command, state: CliState): void {
  const pull = program
    .command('pull')
    .description('bring data down from Braintrust (needs BRAINTRUST_API_KEY)');
  pull
    .command('dataset')
    .description('write a Braintrust dataset to datasets/<name>.jsonl, merged by row id and validated')
    .option(
      '--project <name>',
      'Braintrust project (default: config braintrust.project or BRAINTRUST_PROJECT)',
    )
    .requiredOption('--dataset <name>', 'the Braintrust dataset')
    .option('--to <path>', 'dataset directory (rows go to <dir>/<name>.jsonl) or a .jsonl file', 'datasets')
    .option('--config <file>', 'config file (default: tracegate.config.* found upward)')
    .option('--dry-run', 'show what would be added and changed; write nothing')
    .option('--json', 'print the outcome as JSON')
    .action(async (opts) => {
      const cwd = process.cwd();
      const project = resolveProject(opts.project, await configuredProject(cwd, opts.config));
      // The Braintrust SDK loads only when a Braintrust command runs.
      const { pullDataset } = await import('../../braintrust/datasets.js');
      const outcome = await pullDataset({
        cwd,
        project,
        dataset: opts.dataset,
        to: opts.to,
        dryRun: !!opts.dryRun,
        onRetry: opts.json ? undefined : (m) => process.stderr.write(`braintrust: ${terminalSafe(m)}\n`),
      });
      if (opts.json) process.stdout.write(JSON.stringify(outcome, null, 2) + '\n');
      else {
        const d = outcome.diff;
        const verb = opts.dryRun ? 'would write' : d.added.length || d.changed.length ? 'wrote' : 'unchanged';
        process.stdout.write(
          terminalSafe(
            `${verb} ${outcome.file}: ${outcome.rows} row(s) from Braintrust dataset "${outcome.dataset}" in project "${project}" — ${d.added.length} added, ${d.changed.length} changed, ${d.unchanged.length} unchanged, ${d.untouched.length} local-only kept`,
          ) + '\n',
        );
        for (const id of d.added) process.stdout.write(terminalSafe(`  + ${id}`) + '\n');
        for (const id of d.changed) process.stdout.write(terminalSafe(`  ~ ${id}`) + '\n');
        if (opts.dryRun) process.stdout.write('(dry run: nothing written)\n');
      }
      state.exitCode = 0;
    });
}

/** The config's `braintrust.project` (no config file means defaults; a bad one fails as elsewhere). */
export async function configuredProject(cwd: string, config?: string): Promise<string | undefined> {
  return (await loadConfig(cwd, config)).config.braintrust?.project;
}
