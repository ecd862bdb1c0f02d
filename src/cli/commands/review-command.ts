import { Command, Option } from 'commander';
import { positiveInt } from '../options.js';
import { loadConfig } from '../../config/load-config.js';
import { DISTINCT_KEYS, policyCheck, ReviewQueue, type ReviewItem } from '../../review/queue.js';
import { approveItem, rejectItem, relabelItem, UnverifiedRowError } from '../../review/decide.js';
import { verificationResolver } from '../../review/verify-row.js';
import { plainText } from '../../review/terminal-text.js';
import type { CliState } from './index.js';

function itemLine(item: ReviewItem): string {
  const flags = [
    item.needs_person ? 'needs a person' : '',
    item.label && item.label !== item.proposed_mode ? `relabelled ${item.label}` : '',
  ].filter(Boolean);
  return (
    `${item.id}  ${item.status.padEnd(8)}  ${(item.label ?? item.proposed_mode).padEnd(26)} ×${String(item.cluster.size).padEnd(4)} ` +
    `${plainText(item.signature_basis, 70)}${flags.length ? `  [${flags.join(', ')}]` : ''}`
  );
}

/** The details of one item for `review show`. */
export function renderItem(item: ReviewItem): string[] {
  const out = [
    `${item.id} (${item.status})`,
    `  proposed mode: ${item.proposed_mode}${item.label ? `, labelled ${item.label}` : ''}`,
    `  signature: ${plainText(item.signature_basis, 160)} (${item.signature})`,
    `  cluster: ${item.cluster.size} occurrence(s), ${item.cluster.distinct.user.length} user(s), ${item.cluster.distinct.session.length} session(s), ${item.cluster.distinct.input.length} distinct input(s); first ${item.cluster.first_seen ?? '?'}, last ${item.cluster.last_seen ?? '?'}`,
  ];
  if (item.needs_person) out.push(`  needs a person: ${item.needs_person_reasons.join('; ')}`);
  out.push('  evidence:');
  for (const s of item.evidence.scorers)
    out.push(
      `    ${s.name} (${s.kind}, ${s.mode}): ${s.score === null ? 'n/a' : s.score.toFixed(2)} / min ${s.min_score}${s.reason ? ` — ${plainText(s.reason, 160)}` : ''}`,
    );
  for (const c of item.evidence.checks) out.push(`    check ${c.check}: ${plainText(c.reason, 160)}`);
  if (item.evidence.other_modes.length) out.push(`    also failed: ${item.evidence.other_modes.join(', ')}`);
  out.push(`  input: ${plainText(item.row.input, 200)}`);
  if (item.row.output !== undefined) out.push(`  output: ${plainText(item.row.output, 200)}`);
  const origin = item.row.origin as Record<string, unknown> | undefined;
  if (origin)
    out.push(
      `  origin: ${plainText(origin.url ?? `${origin.object_type}/${origin.object_id}/${origin.id}`, 200)}`,
    );
  out.push(`  sources: ${item.sources.map((s) => plainText(s, 80)).join(', ')}`);
  if (item.decision)
    out.push(
      `  decision: ${item.decision.action} at ${item.decision.at}${item.decision.dataset ? ` → ${item.decision.dataset} ${item.decision.row_id ?? ''}` : ''}${item.decision.verified === false ? ' (unverified)' : ''}`,
    );
  return out;
}

/** `tracegate review list | show | approve | reject | relabel`. */
export function registerReviewCommand(program: Command, state: CliState): void {
  const review = program
    .command('review')
    .description('the review queue of failing production traces: list, show, approve, reject, relabel');
  const dirOption = () =>
    new Option('--review-dir <dir>', 'review queue directory').default('.tracegate/review');

  review
    .command('list')
    .description('list queue items (pending by default)')
    .addOption(dirOption())
    .option('--all', 'all items, whatever their status')
    .addOption(
      new Option('--status <status>', 'only this status').choices(['pending', 'approved', 'rejected']),
    )
    .option(
      '--min-occurrences <n>',
      'mark items the promotion policy would hold back',
      positiveInt('--min-occurrences'),
    )
    .addOption(
      new Option('--distinct-by <key>', 'count distinct users, sessions or inputs').choices([
        ...DISTINCT_KEYS,
      ]),
    )
    .option('--json', 'print items as JSON')
    .action(async (opts) => {
      const items = (await new ReviewQueue(opts.reviewDir).list()).filter((i) =>
        opts.all ? true : i.status === (opts.status ?? 'pending'),
      );
      if (opts.json) {
        process.stdout.write(JSON.stringify(items, null, 2) + '\n');
      } else if (!items.length) {
        process.stdout.write(
          `no ${opts.all ? '' : `${opts.status ?? 'pending'} `}review items in ${opts.reviewDir}\n`,
        );
      } else {
        const policy = { minOccurrences: opts.minOccurrences, distinctBy: opts.distinctBy };
        for (const item of items) {
          const check = opts.minOccurrences || opts.distinctBy ? policyCheck(item, policy) : undefined;
          process.stdout.write(
            itemLine(item) + (check && !check.ready ? `  (held: ${check.reason})` : '') + '\n',
          );
        }
      }
      state.exitCode = 0;
    });

  review
    .command('show <id>')
    .description('an item with its evidence')
    .addOption(dirOption())
    .option('--json', 'print the item as JSON')
    .action(async (id: string, opts) => {
      const item = await new ReviewQueue(opts.reviewDir).get(id);
      process.stdout.write((opts.json ? JSON.stringify(item, null, 2) : renderItem(item).join('\n')) + '\n');
      state.exitCode = 0;
    });

  review
    .command('approve <id>')
    .description(
      "verify the row against its mode's blocking scorers and append it to the dataset (review_status approved)",
    )
    .addOption(dirOption())
    .option('--label <mode>', 'the failure mode to file it under (default: the proposed or relabelled one)')
    .option('--to <path>', 'dataset directory (rows go to <dir>/<mode>.jsonl) or a .jsonl file', 'datasets')
    .option('--config <file>', 'tracegate config whose scorers verify the row')
    .option('--allow-unverified', 'write the row even if its scorers pass it (metadata.verified: false)')
    .action(async (id: string, opts) => {
      const cwd = process.cwd();
      const { config, dir } = await loadConfig(cwd, opts.config);
      try {
        const outcome = await approveItem(new ReviewQueue(opts.reviewDir), id, {
          label: opts.label,
          to: opts.to,
          cwd,
          resolver: verificationResolver(config, dir),
          allowUnverified: !!opts.allowUnverified,
          timeoutMs: config.timeout_ms,
        });
        const v = outcome.verification;
        const how = v.verified
          ? `verified: ${v.caught_by.map((c) => `${c.scorer} ${c.score.toFixed(2)} < ${c.min_score}`).join(', ')}`
          : `UNVERIFIED (--allow-unverified): ${plainText(v.reason, 400)}`;
        process.stdout.write(
          outcome.duplicate
            ? `${outcome.item.id}: approved; ${outcome.dataset} already holds it (${plainText(outcome.duplicate, 200)})\n`
            : `${outcome.item.id}: approved → ${outcome.dataset} as ${outcome.row_id} (${how})\n`,
        );
        state.exitCode = 0;
      } catch (error) {
        if (!(error instanceof UnverifiedRowError)) throw error;
        process.stderr.write(`tracegate: ${plainText(error.message, 1000)}\n`);
        state.exitCode = 1;
      }
    });

  review
    .command('reject <id>')
    .description('reject an item; the same failure signature is never proposed again')
    .addOption(dirOption())
    .option('--note <text>', 'why (kept with the decision)')
    .action(async (id: string, opts) => {
      const item = await rejectItem(new ReviewQueue(opts.reviewDir), id, opts.note);
      process.stdout.write(
        `${item.id}: rejected (signature ${plainText(item.signature_basis, 120)} will not be proposed again)\n`,
      );
      state.exitCode = 0;
    });

  review
    .command('relabel <id> <mode>')
    .description('file an item under another failure mode (it stays pending)')
    .addOption(dirOption())
    .action(async (id: string, mode: string, opts) => {
      const item = await relabelItem(new ReviewQueue(opts.reviewDir), id, mode);
      process.stdout.write(`${item.id}: relabelled ${item.proposed_mode} → ${mode} (still pending)\n`);
      state.exitCode = 0;
    });
}
