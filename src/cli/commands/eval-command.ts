import { Command, Option } from 'commander';
import { evaluate } from '../../evaluate.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { createProgress } from '../../run/progress.js';
import { collect, positiveInt } from '../options.js';
import type { CliState } from './index.js';
import { terminalSafe } from '../../braintrust/terminal-safe.js';

/** `tracegate eval`: run the datasets against the task, gate, write results.json, report.md, junit.xml. */
export function registerEvalCommand(program: Command, state: CliState): void {
  program
    .command('eval')
    .description('run the regression datasets against the task and gate on the results')
    .option('--config <file>', 'config file (default: tracegate.config.* found upward)')
    .option('--task <spec>', 'module:./app.js#fn | cmd:<command> | http(s)://url | replay')
    .option('--datasets <glob>', 'dataset glob (default: datasets/**/*.jsonl)')
    .option('--baseline <results.json>', 'results.json from the main branch to compare with')
    .option('--out <dir>', 'output directory (default: .tracegate)')
    .option('--trials <n>', 'runs per case', positiveInt('--trials'))
    .option('--concurrency <n>', 'cases in flight at once', positiveInt('--concurrency'))
    .option('--timeout <ms>', 'per-case timeout in milliseconds', positiveInt('--timeout'))
    .option('--shard <K/N>', 'run shard K of N (stable by case id)')
    .option(
      '--filter <key=value>',
      'only matching cases (failure_mode, id, tag, kind, dataset); repeatable',
      collect,
      [],
    )
    .addOption(
      new Option('--fail-on <what>', 'what fails the gate').choices([
        'regression',
        'threshold',
        'both',
        'never',
      ]),
    )
    .addOption(
      new Option(
        '--on-skipped <what>',
        'what a case no scorer could check (e.g. a judge without a key) does: fail the gate (default) or warn',
      ).choices(['fail', 'warn']),
    )
    .option('--allow-empty', 'let a run that selects no case pass (default: exit 2)')
    .option('--origin-url-template <template>', 'link to origin spans, e.g. https://viewer/{object_id}/{id}')
    .option(
      '--braintrust-experiment [name]',
      "log the run as a Braintrust experiment (needs BRAINTRUST_API_KEY); without --baseline, the baseline is the base branch's latest experiment",
    )
    .option(
      '--base-branch <branch>',
      'with --braintrust-experiment: the branch PRs merge into (default GITHUB_BASE_REF, else main)',
    )
    .option('--json', 'print the results summary as JSON instead of the table')
    .option('--quiet', 'no progress output')
    .action(async (opts) => {
      const outcome = await evaluate({
        config: opts.config,
        task: opts.task,
        datasets: opts.datasets,
        baseline: opts.baseline,
        out: opts.out,
        trials: opts.trials,
        concurrency: opts.concurrency,
        timeoutMs: opts.timeout,
        shard: opts.shard,
        filters: opts.filter,
        failOn: opts.failOn,
        onSkipped: opts.onSkipped,
        allowEmpty: opts.allowEmpty,
        originUrlTemplate: opts.originUrlTemplate,
        braintrustExperiment: opts.braintrustExperiment,
        baseBranch: opts.baseBranch,
        onNote: (m) => process.stderr.write(`braintrust: ${terminalSafe(m)}\n`),
        progress: opts.json || opts.quiet ? undefined : (total) => createProgress(total),
      });
      if (opts.json) {
        process.stdout.write(
          outcome.redact(JSON.stringify({ ...outcome.results, paths: outcome.paths }, null, 2)) + '\n',
        );
      } else {
        process.stdout.write(outcome.redact(renderTerminalSummary(outcome.results)));
        process.stdout.write(
          `results: ${outcome.paths.results}\nreport:  ${outcome.paths.report}\njunit:   ${outcome.paths.junit}\n`,
        );
        const experiment = outcome.results.braintrust_experiment;
        if (experiment) process.stdout.write(terminalSafe(`experiment: ${experiment.url}`) + '\n');
      }
      state.exitCode = outcome.exitCode;
    });
}
