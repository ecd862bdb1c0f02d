import type { Command } from 'commander';
import { renderInitOutcome, runInit } from '../../init/run-init.js';
import type { CliState } from './index.js';

/** `tracegate init`: scaffold the config, example datasets, the PR workflow and .gitignore entries. */
export function registerInitCommand(program: Command, state: CliState): void {
  program
    .command('init')
    .description(
      'set tracegate up in this repository: tracegate.config.json, datasets/, the PR workflow, .gitignore',
    )
    .option('-y, --yes', 'take every default without asking (default: ask on a terminal)')
    .option('--force', 'overwrite files that exist (default: keep them)')
    .option('--task <spec>', 'the task to configure instead of the detected adapter (default: detected)')
    .option('--no-workflow', 'do not write .github/workflows/tracegate.yml (default: write it)')
    .action(async (opts: { yes?: boolean; force?: boolean; task?: string; workflow: boolean }) => {
      const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true && !opts.yes;
      if (!interactive && !opts.yes && opts.task === undefined)
        process.stderr.write('tracegate init: not a terminal, taking the defaults (as --yes)\n');
      const outcome = await runInit({
        cwd: process.cwd(),
        yes: opts.yes,
        force: opts.force,
        task: opts.task,
        workflow: opts.workflow,
        prompt: interactive ? { input: process.stdin, output: process.stdout } : undefined,
      });
      process.stdout.write(renderInitOutcome(outcome));
      state.exitCode = 0;
    });
}
