import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TracegateConfig } from '../config/config-schema.js';
import type { RegressionCase } from '../cases/regression-case.js';
import { targetFile } from '../promote/promote.js';
import { appendRows, type PendingRow } from '../promote/write.js';
import {
  scoreRecordedTraces,
  type BatchScoreOptions,
  type BatchScoreSummary,
} from '../online/batch-score.js';
import { approvedRow } from './decide.js';
import { renderHarvestBody, type HarvestedRow } from './harvest-body.js';
import { HarvestRepo, type PrTarget } from './github-pr.js';
import { policyCheck, ReviewQueue, type PromotionPolicy, type ReviewItem } from './queue.js';
import { markVerification, verificationResolver, verifyRow } from './verify-row.js';

export interface HarvestOptions {
  from: string;
  format?: BatchScoreOptions['format'];
  braintrust?: BatchScoreOptions['braintrust'];
  sample?: number;
  config: TracegateConfig;
  /** The repository checkout (dataset paths are relative to it). */
  cwd: string;
  /** Directory user scorers resolve against (the config's). */
  configDir?: string;
  reviewDir: string;
  /** Dataset directory in the repository (default `datasets`). */
  to?: string;
  policy?: PromotionPolicy;
  github: PrTarget;
  /** Score, queue, verify and compare, but write nothing to GitHub. */
  dryRun?: boolean;
  onSkip?: BatchScoreOptions['onSkip'];
}

export interface HarvestOutcome {
  scored: BatchScoreSummary;
  /** Pending items kept in the queue: needing a person, or not yet meeting the policy. */
  held: Array<{ id: string; reason: string }>;
  /** Items whose row its own scorers pass (not written: see `reason`). */
  refused: Array<{ id: string; reason: string }>;
  /** Items already in the datasets or in the open pull request. */
  duplicates: Array<{ id: string; reason: string }>;
  added: Array<{ id: string; dataset: string; row_id: string }>;
  pull?: { number: number; url: string; action: 'created' | 'updated' | 'unchanged' };
  base: string;
  branch: string;
}

/** Signatures and source spans of the rows in a local dataset directory, for de-duplication. */
async function localSignatures(dir: string): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  let names: string[] = [];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return seen;
  }
  for (const name of names) {
    for (const line of (await readFile(path.join(dir, name), 'utf8')).split('\n')) {
      try {
        const row = JSON.parse(line) as { id?: string; metadata?: { signature?: string; kind?: string } };
        if (row.metadata?.signature && (row.metadata.kind ?? 'failure') === 'failure')
          seen.set(row.metadata.signature, `${name} as ${row.id}`);
      } catch {
        // blank or broken lines are the dataset loader's to report
      }
    }
  }
  return seen;
}

const posix = (p: string) => p.split(path.sep).join('/');

/**
 * `tracegate harvest`: score recorded traces → queue the failures → apply the promotion policy → verify
 * each row against its mode's blocking scorers → add the new ones (by signature, not already in the
 * datasets nor in the open pull request) to the `tracegate/harvest` branch through the git data API, and
 * open or update the one harvest pull request. A run that finds nothing new writes nothing at all.
 */
export async function harvest(options: HarvestOptions): Promise<HarvestOutcome> {
  const repo = new HarvestRepo(options.github); // settings checked before any work
  const reviewDir = path.resolve(options.cwd, options.reviewDir);
  const scored = await scoreRecordedTraces({
    from: options.from,
    format: options.format,
    braintrust: options.braintrust,
    config: options.config,
    cwd: options.cwd,
    configDir: options.configDir,
    sample: options.sample,
    reviewDir,
    onSkip: options.onSkip,
  });
  const queue = new ReviewQueue(reviewDir);
  const resolver = verificationResolver(options.config, options.configDir ?? options.cwd);
  const outcome: HarvestOutcome = {
    scored,
    held: [],
    refused: [],
    duplicates: [],
    added: [],
    base: '',
    branch: repo.branch,
  };

  // 1. Candidates: pending, decidable without a person, meeting the policy, proving themselves.
  const local = await localSignatures(path.resolve(options.cwd, options.to ?? 'datasets'));
  const candidates: Array<{ item: ReviewItem; row: PendingRow; file: string }> = [];
  for (const item of await queue.list()) {
    if (item.status !== 'pending') continue;
    if (item.needs_person) {
      outcome.held.push({ id: item.id, reason: `needs a person: ${item.needs_person_reasons.join('; ')}` });
      continue;
    }
    const policy = policyCheck(item, options.policy ?? {});
    if (!policy.ready) {
      outcome.held.push({ id: item.id, reason: policy.reason });
      continue;
    }
    const mode = item.label ?? item.proposed_mode;
    const row = approvedRow(item, mode);
    const signature = row.metadata.signature as string;
    if (local.has(signature)) {
      outcome.duplicates.push({ id: item.id, reason: `already in the datasets (${local.get(signature)})` });
      continue;
    }
    const verification = await verifyRow(row, resolver, { timeoutMs: options.config.timeout_ms });
    if (!verification.verified) {
      outcome.refused.push({ id: item.id, reason: verification.reason });
      continue;
    }
    markVerification(row, verification);
    candidates.push({
      item,
      row,
      file: posix(path.relative(options.cwd, targetFile(options.to, mode, options.cwd))),
    });
  }

  // 2. What the open pull request (or the base branch) already holds.
  const base = await repo.baseBranch();
  outcome.base = base;
  const baseSnap = await repo.snapshot(base);
  if (!baseSnap) throw new Error(`the base branch ${base} does not exist in ${options.github.repository}`);
  const pull = await repo.openPull(base);
  const branchSnap = await repo.snapshot(repo.branch);
  // With an open pull request build on its branch; otherwise start the branch afresh from the base.
  const start = pull && branchSnap ? branchSnap : baseSnap;

  const scratch = await mkdtemp(path.join(tmpdir(), 'tracegate-harvest-'));
  const changed = new Map<string, string>();
  const addedBy = new Map<ReviewItem, { dataset: string; row_id: string }>();
  try {
    const byFile = new Map<string, typeof candidates>();
    for (const c of candidates) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
    for (const [file, list] of byFile) {
      const blob = start.files.get(file);
      const before = blob ? await repo.readBlob(blob) : '';
      const temp = path.join(scratch, file.replace(/[/\\]/g, '__'));
      await writeFile(temp, before);
      // The same locked, idempotent append as promote: ids after the file's highest, duplicates skipped.
      const appended = await appendRows(
        temp,
        list.map((c) => c.row),
      );
      for (const d of appended.duplicates) {
        const c = list.find((x) => x.row === d.row)!;
        outcome.duplicates.push({
          id: c.item.id,
          reason: `${file}: ${d.reason}${pull ? ` (in #${pull.number})` : ''}`,
        });
      }
      for (const w of appended.written) {
        const c = list.find((x) => x.row.metadata.signature === w.metadata.signature)!;
        addedBy.set(c.item, { dataset: file, row_id: w.id });
        outcome.added.push({ id: c.item.id, dataset: file, row_id: w.id });
      }
      if (appended.written.length) changed.set(file, await readFile(temp, 'utf8'));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  if (changed.size === 0 || options.dryRun) {
    if (pull) outcome.pull = { number: pull.number, url: pull.html_url, action: 'unchanged' };
    return outcome;
  }

  // 3. Commit on the harvest branch and open or update the pull request.
  const message = `tracegate harvest: ${outcome.added.length} regression row(s) from production failures\n\n${outcome.added
    .map((a) => `${a.row_id} (${a.dataset}) from review item ${a.id}`)
    .join('\n')}`;
  await repo.commit(start, changed, message, !!branchSnap, !pull);
  const rows = await pullRows(repo, baseSnap, options.to ?? 'datasets', changed, start);
  const body = renderHarvestBody(rows, {
    template: options.config.origin_url_template,
    braintrust: options.config.braintrust,
  });
  if (pull) {
    await repo.updatePull(pull.number, body);
    outcome.pull = { number: pull.number, url: pull.html_url, action: 'updated' };
  } else {
    const created = await repo.createPull(base, 'tracegate: regression rows from production failures', body);
    outcome.pull = { number: created.number, url: created.html_url, action: 'created' };
  }
  for (const [item, where] of addedBy) {
    await queue.update(item.id, (it) => {
      it.status = 'approved';
      it.decision = {
        action: 'approved',
        at: new Date().toISOString(),
        label: it.label ?? it.proposed_mode,
        dataset: where.dataset,
        row_id: where.row_id,
        verified: true,
        note: `harvested into ${outcome.pull!.url}`,
      };
    });
  }
  return outcome;
}

/** Every row the harvest branch adds over the base: the files just written plus earlier harvests' files. */
async function pullRows(
  repo: HarvestRepo,
  base: { files: Map<string, string> },
  to: string,
  changed: Map<string, string>,
  start: { files: Map<string, string> },
): Promise<HarvestedRow[]> {
  const prefix = `${posix(to).replace(/\/$/, '')}/`;
  const files = new Set([
    ...changed.keys(),
    ...[...start.files.keys()].filter((f) => f.startsWith(prefix) && f.endsWith('.jsonl')),
  ]);
  const rows: HarvestedRow[] = [];
  for (const file of [...files].sort()) {
    const now = changed.get(file) ?? (await repo.readBlob(start.files.get(file)!));
    if (!changed.has(file) && start.files.get(file) === base.files.get(file)) continue;
    const before = base.files.get(file) ? await repo.readBlob(base.files.get(file)!) : '';
    const parse = (line: string): RegressionCase | undefined => {
      try {
        return line.trim() ? (JSON.parse(line) as RegressionCase) : undefined;
      } catch {
        return undefined; // a broken line is the dataset loader's to report, not the body's
      }
    };
    const ids = new Set(before.split('\n').map((l) => parse(l)?.id));
    for (const line of now.split('\n')) {
      const row = parse(line);
      if (row && !ids.has(row.id)) rows.push({ dataset: file, row });
    }
  }
  return rows;
}
