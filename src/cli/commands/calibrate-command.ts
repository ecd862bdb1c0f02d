import { Command } from 'commander';
import { calibrateJudge, type CalibrateOutcome } from '../../judge/calibrate.js';
import type { RateWithInterval } from '../../judge/calibration.js';
import { UsageError } from '../../errors.js';
import type { CliState } from './index.js';

/**
 * `tracegate calibrate --scorer ID --labels FILE`: measure a judge scorer against human labels and write a
 * calibration record. Exit 0: the record lets the scorer block; 1: judged, but too weak (or the judge
 * failed on some examples); 2: bad usage, config or labels file.
 */
export function registerCalibrateCommand(program: Command, state: CliState): void {
  program
    .command('calibrate')
    .description('measure a judge scorer against human labels; write a calibration record to calibrations/')
    .requiredOption('--scorer <id>', 'the judge scorer: its name in the config, or a built-in id')
    .requiredOption(
      '--labels <file>',
      'JSONL: a dataset row with its recorded output, plus label "pass"|"fail"',
    )
    .option('--config <file>', 'config file (default: tracegate.config.* found upward)')
    .option('--min-score <x>', "score at or above which the judge's verdict counts as pass", parseUnit)
    .option('--no-cache', 'ask the judge afresh instead of reading .tracegate/cache')
    .option('--dry-run', 'report the figures without writing a record')
    .option('--json', 'print the outcome as JSON')
    .action(async (opts) => {
      const outcome = await calibrateJudge({
        scorer: opts.scorer,
        labels: opts.labels,
        config: opts.config,
        minScore: opts.minScore,
        cache: opts.cache,
        dryRun: opts.dryRun,
      });
      process.stdout.write(opts.json ? JSON.stringify(outcome, null, 2) + '\n' : renderCalibration(outcome));
      state.exitCode = outcome.exitCode;
    });
}

function parseUnit(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1))
    throw new UsageError(`--min-score "${value}": use a number between 0 and 1`);
  return n;
}

function rate(r: RateWithInterval): string {
  return `${r.value.toFixed(2)} [${r.lower.toFixed(2)}, ${r.upper.toFixed(2)}] (${r.of})`;
}

/** The calibration report for the terminal. */
export function renderCalibration(o: CalibrateOutcome): string {
  const r = o.record!;
  const f = r.figures;
  const c = f.confusion;
  const na = o.examples.filter((e) => e.judge === 'not-applicable').length;
  const lines = [
    `Calibration of ${r.scorer} (version ${r.scorer_version}, judge ${r.judge_model}${o.offlineModel ? ', local offline server' : ''})`,
    `  ${r.labels.examples} labelled examples (${r.labels.pass} pass, ${r.labels.fail} fail) from ${r.labels.file}${na ? `; ${na} not applicable, left out` : ''}`,
    `  agreement  ${rate(f.agreement)}    Cohen's kappa ${f.kappa.toFixed(2)}`,
    `  TPR        ${rate(f.tpr)}    P(judge pass | person pass)`,
    `  TNR        ${rate(f.tnr)}    P(judge fail | person fail)`,
    '  confusion             person pass  person fail',
    `    judge pass          ${String(c.tp).padStart(11)}  ${String(c.fp).padStart(11)}`,
    `    judge fail          ${String(c.fn).padStart(11)}  ${String(c.tn).padStart(11)}`,
    `  suggested threshold   ${f.suggested_threshold.toFixed(2)} (below the agreement's lower bound)`,
  ];
  if (o.wrong.length) {
    lines.push(`  judged differently from people (${o.wrong.length}):`);
    for (const w of o.wrong.slice(0, 20))
      lines.push(
        `    line ${w.line} ${w.id}: person ${w.label}, judge ${w.judge}${w.reason ? ` — ${w.reason.slice(0, 140)}` : ''}`,
      );
    if (o.wrong.length > 20) lines.push(`    … and ${o.wrong.length - 20} more (--json lists all)`);
  }
  if (o.errors.length) {
    lines.push(`  the judge failed on ${o.errors.length} example(s); no record was written:`);
    for (const e of o.errors.slice(0, 10))
      lines.push(`    line ${e.line} ${e.id}: ${e.reason.slice(0, 200)}`);
  }
  lines.push(
    o.shortfalls.length
      ? `→ stays shadow: ${o.shortfalls.join('; ')} (minimums: TPR and TNR lower bounds ≥ ${o.minimums.min_tpr_lower}/${o.minimums.min_tnr_lower}; add labelled examples or improve the prompt)`
      : `→ may block: TPR and TNR lower bounds clear ${o.minimums.min_tpr_lower}/${o.minimums.min_tnr_lower}; set mode "blocking" (the default) for ${r.scorer}`,
  );
  lines.push(o.file ? `record: ${o.file}` : 'no record written');
  return lines.join('\n') + '\n';
}
