import { Command, Option } from 'commander';
import { evaluate } from '../../evaluate.js';
import { renderTerminalSummary } from '../../report/terminal.js';
import { createProgress } from '../../run/progress.js';
import { collect, positiveInt } from '../options.js';
import { renderEstimate } from '../../judge/judge-summary.js';
import { UsageError } from '../../errors.js';
import type { CliState } from './index.js';
import { terminalSafe } from '../../braintrust/terminal-safe.js';

/** `tracegate eval`: run the datasets against the task, gate, write results.json, report.md, junit.xml. */
export function registerEvalCommand(program: Command, state: CliState): void {
  program
    .command('eval')
    .description('run the regression datasets against the task and gate on the results')
    .option(
      '--config <file>',
      'config file (default: tracegate.config.* found upward, else built-in defaults)',
    )
    .option(
      '--task <spec>',
      "module:./app.js#fn | cmd:<command> | http(s)://url | replay; a path is relative to the working directory (default: the config's task, else replay)",
    )
    .option('--datasets <glob>', "dataset glob (default: the config's datasets, else datasets/**/*.jsonl)")
    .option(
      '--baseline <results.json>',
      'results.json from the main branch to compare with (default: none, thresholds only)',
    )
    .option('--out <dir>', "output directory (default: the config's out, else .tracegate)")
    .option('--trials <n>', "runs per case (default: the config's trials, else 1)", positiveInt('--trials'))
    .option(
      '--concurrency <n>',
      "cases in flight at once (default: the config's concurrency, else 8)",
      positiveInt('--concurrency'),
    )
    .option(
      '--timeout <ms>',
      "per-case timeout in milliseconds (default: the config's timeout_ms, else 60000)",
      positiveInt('--timeout'),
    )
    .option('--shard <K/N>', 'run shard K of N (stable by case id) (default: all cases)')
    .addOption(
      new Option(
        '--filter <key=value>',
        'only matching cases; keys failure_mode, id, tag, kind, review_status (a row without one counts as approved), dataset; a,b = either, * wildcard; repeatable',
      )
        .argParser(collect)
        .default([], 'all cases'),
    )
    .addOption(
      new Option(
        '--fail-on <what>',
        "what fails the gate (default: the config's fail_on, else both)",
      ).choices(['regression', 'threshold', 'both', 'never']),
    )
    .addOption(
      new Option(
        '--on-skipped <what>',
        "what a case no scorer could check (e.g. a judge without a key) does: fail the gate or warn (default: the config's on_skipped, else fail)",
      ).choices(['fail', 'warn']),
    )
    .option('--allow-empty', 'let a run that selects no case pass (default: exit 2)')
    .option(
      '--origin-url-template <template>',
      "link to origin spans, e.g. https://viewer/{object_id}/{id} (default: the config's origin_url_template)",
    )
    .option(
      '--no-cache',
      'bypass the judge cache (.tracegate/cache): ask the judge afresh, store nothing (default: cache on)',
    )
    .option(
      '--budget-usd <dollars>',
      "stop scheduling judge calls once this much is spent (default: the config's judge.budget_usd, else none)",
      nonNegativeNumber,
    )
    .option(
      '--estimate',
      'print the judge calls and cost this run would make, given the cache; call nothing (default: off)',
    )
    .option(
      '--baseline-trials <n>',
      "trials per case the baseline (main) should have run; fewer is reported (default: the config's baseline_trials, else not checked)",
      positiveInt('--baseline-trials'),
    )
    .option(
      '--braintrust-experiment [name]',
      "log the run as a Braintrust experiment (needs BRAINTRUST_API_KEY); without --baseline, the baseline is the base branch's latest experiment (default: off)",
    )
    .option(
      '--base-branch <branch>',
      'with --braintrust-experiment: the branch PRs merge into (default: GITHUB_BASE_REF, else main)',
    )
    .option('--json', 'print the results summary as JSON instead of the table (default: off)')
    .option('--quiet', 'no progress output (default: off)')
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
        cache: opts.cache,
        budgetUsd: opts.budgetUsd,
        estimate: opts.estimate,
        baselineTrials: opts.baselineTrials,
        braintrustExperiment: opts.braintrustExperiment,
        baseBranch: opts.baseBranch,
        onNote: (m) => process.stderr.write(`braintrust: ${terminalSafe(m)}\n`),
        progress: opts.json || opts.quiet || opts.estimate ? undefined : (total) => createProgress(total),
      });
      if (outcome.estimate) {
        process.stdout.write(
          opts.json
            ? JSON.stringify({ estimate: outcome.estimate }, null, 2) + '\n'
            : renderEstimate(outcome.estimate, opts.budgetUsd ?? outcome.config.judge?.budget_usd),
        );
        state.exitCode = 0;
        return;
      }
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

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new UsageError(`--budget-usd "${value}": expected a number of US dollars ≥ 0, e.g. 2.50`);
  return n;
}
