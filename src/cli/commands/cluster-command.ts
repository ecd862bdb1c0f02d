import { Command } from 'commander';
import { collectClusters } from '../../promote/promote.js';
import { clusterExample } from '../../promote/cluster.js';
import { parseScrubPattern, Scrubber } from '../../promote/scrub.js';
import { addSourceOptions, braintrustSourceOptions, skipPrinter } from './promote-command.js';
import { collect, positiveInt } from '../options.js';
import type { CliState } from './index.js';

/** `tracegate cluster`: failure clusters of a trace file with their size, time range and an example. */
export function registerClusterCommand(program: Command, state: CliState): void {
  addSourceOptions(
    program
      .command('cluster')
      .description('group failing traces by failure signature: size, first/last seen, an example'),
  )
    .option(
      '--label <mode>',
      'treat every selected trace as this failure mode (default: propose one per trace)',
    )
    .option(
      '--scrub-pattern <name=regex>',
      'extra pattern masked before signatures are computed (repeatable)',
      collect,
      [],
    )
    .option('--top <n>', 'show the N largest clusters (default: all)', positiveInt('--top'))
    .option('--json', 'print clusters as JSON (default: a table)')
    .action(async (opts) => {
      const skips = skipPrinter();
      const result = await collectClusters({
        from: opts.from,
        format: opts.format,
        braintrust: braintrustSourceOptions(opts),
        label: opts.label,
        autoLabel: !opts.label,
        where: opts.where,
        scrubRules: (opts.scrubPattern as string[]).map(parseScrubPattern),
        assembler: opts.window ? { idleRecords: opts.window } : undefined,
        onSkip: opts.json ? undefined : skips.onSkip,
      });
      const clusters = opts.top ? result.clusters.slice(0, opts.top) : result.clusters;
      const rules = (opts.scrubPattern as string[]).map(parseScrubPattern);
      // Examples are scrubbed too: a terminal (or a CI log) is no place for personal data either.
      const example = (c: (typeof clusters)[number], width?: number) =>
        new Scrubber(rules).scrubText(clusterExample(c, width));
      if (opts.json) {
        const list = clusters.map((c) => ({
          signature: c.signature,
          basis: c.basis,
          failure_mode: c.failure_mode,
          size: c.size,
          first_seen: c.first_seen,
          last_seen: c.last_seen,
          example: {
            span_id: c.representative.trace.root_span_id,
            question: example(c, 200),
            evidence: c.representative.label.evidence?.reason,
          },
        }));
        process.stdout.write(
          JSON.stringify(
            { ...result.stats, filtered: result.filtered, unlabelled: result.unlabelled, clusters: list },
            null,
            2,
          ) + '\n',
        );
        state.exitCode = 0;
        return;
      }
      const s = result.stats;
      const lines = [
        `imported ${s.imported} trace(s) (${s.format ?? 'no recognised format'}), skipped ${s.skipped}; ${result.clusters.length} cluster(s), ${result.unlabelled} trace(s) with no failure found`,
      ];
      for (const [i, c] of clusters.entries()) {
        const range = c.first_seen ? `${c.first_seen} … ${c.last_seen}` : 'no timestamps';
        lines.push(
          '',
          `#${i + 1}  ${c.size} trace(s)  ${c.failure_mode}  ${range}`,
          `    signature: ${c.basis}`,
        );
        if (c.representative.label.evidence)
          lines.push(`    evidence:  ${c.representative.label.evidence.reason}`);
        lines.push(`    example:   ${example(c)} (span ${c.representative.trace.root_span_id})`);
      }
      if (opts.top && result.clusters.length > clusters.length)
        lines.push('', `(${result.clusters.length - clusters.length} smaller cluster(s) not shown)`);
      process.stdout.write(lines.join('\n') + '\n');
      state.exitCode = 0;
    });
}
