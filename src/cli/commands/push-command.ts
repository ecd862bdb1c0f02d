import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { resolveProject } from '../../braintrust/settings.js';
import { terminalSafe } from '../../braintrust/terminal-safe.js';
import type { CliState } from './index.js';

function retryPrinter(json: boolean | undefined) {
  return json ? undefined : (m: string) => process.stderr.write(`braintrust: ${terminalSafe(m)}\n`);
}

/** `tracegate push datasets|scorers`: local datasets and scorers up to Braintrust. */
export function registerPushCommand(program: Command, state: CliState): void {
  const push = program
    .command('push')
    .description('send datasets or scorers to Braintrust (needs BRAINTRUST_API_KEY)');
  push
    .command('datasets')
    .description('upsert every dataset row into the Braintrust dataset named after its file (by row id)')
    .option(
      '--project <name>',
      'Braintrust project (default: config braintrust.project or BRAINTRUST_PROJECT)',
    )
    .option('--dataset <name>', 'only the local dataset of this name (datasets/<name>.jsonl)')
    .option('--datasets <glob>', "dataset glob (default: the config's, datasets/**/*.jsonl)")
    .option('--config <file>', 'config file (default: tracegate.config.* found upward)')
    .option('--dry-run', 'show what would be added, changed and left alone; send nothing')
    .option('--json', 'print the outcome as JSON')
    .action(async (opts) => {
      const cwd = process.cwd();
      const { config } = await loadConfig(cwd, opts.config);
      const project = resolveProject(opts.project, config.braintrust?.project);
      // The Braintrust SDK loads only when a Braintrust command runs.
      const { pushDatasets } = await import('../../braintrust/datasets.js');
      const outcomes = await pushDatasets({
        cwd,
        project,
        datasets: opts.datasets ?? config.datasets,
        dataset: opts.dataset,
        dryRun: !!opts.dryRun,
        onRetry: retryPrinter(opts.json),
      });
      if (opts.json) process.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
      else {
        const lines: string[] = [];
        for (const o of outcomes) {
          const d = o.diff;
          const verb = opts.dryRun ? 'would push' : 'pushed';
          lines.push(
            `${verb} ${o.file} → dataset "${o.dataset}"${o.existed ? '' : ' (new)'}: ${d.added.length} added, ${d.changed.length} changed, ${d.unchanged.length} unchanged, ${d.untouched.length} only in Braintrust (left alone)`,
          );
          for (const id of d.added) lines.push(`  + ${id}`);
          for (const id of d.changed) lines.push(`  ~ ${id}`);
          lines.push(`  ${o.url}`);
        }
        if (opts.dryRun) lines.push('(dry run: nothing sent)');
        process.stdout.write(terminalSafe(lines.join('\n')) + '\n');
      }
      state.exitCode = 0;
    });
  push
    .command('scorers')
    .description(
      "register the config's code scorers and judge prompts as Braintrust functions, and create or update the online scoring rule",
    )
    .option(
      '--project <name>',
      'Braintrust project (default: config braintrust.project or BRAINTRUST_PROJECT)',
    )
    .option('--config <file>', 'config file (default: tracegate.config.* found upward)')
    .option('--rule <name>', 'name of the online scoring rule', 'tracegate')
    .option('--sampling-rate <fraction>', 'fraction of live spans scored, 0..1', '0.1')
    .option('--filter <btql>', 'BTQL filter choosing the spans the rule scores')
    .option('--dry-run', 'print the diff against what Braintrust holds; change nothing')
    .option('--json', 'print the plan as JSON')
    .action(async (opts) => {
      const cwd = process.cwd();
      const loaded = await loadConfig(cwd, opts.config);
      const project = resolveProject(opts.project, loaded.config.braintrust?.project);
      const { pushScorers, renderScorerPlan } = await import('../../braintrust/scorers.js');
      const plan = await pushScorers({
        config: loaded.config,
        configDir: loaded.dir,
        project,
        rule: opts.rule,
        samplingRate: opts.samplingRate,
        filter: opts.filter,
        dryRun: !!opts.dryRun,
        onRetry: retryPrinter(opts.json),
      });
      if (opts.json) process.stdout.write(JSON.stringify(plan, null, 2) + '\n');
      else process.stdout.write(terminalSafe(renderScorerPlan(plan, !!opts.dryRun)) + '\n');
      state.exitCode = 0;
    });
}
