import path from 'node:path';
import { failureModeSchema } from '../cases/regression-case.js';
import { UsageError } from '../errors.js';
import { targetFile } from '../promote/promote.js';
import { appendRows, type PendingRow } from '../promote/write.js';
import type { ScorerResolver } from '../run/resolve-scorers.js';
import { sha256 } from '../util/stable-json.js';
import type { ReviewItem, ReviewQueue } from './queue.js';
import { markVerification, verifyRow, type Verification } from './verify-row.js';

/** What approving an item did. */
export interface ApproveOutcome {
  item: ReviewItem;
  /** The dataset file (relative to cwd) and row id, when a row was written or was already there. */
  dataset: string;
  row_id?: string;
  /** Why nothing was written: the dataset already holds this failure. */
  duplicate?: string;
  verification: Verification;
}

/** Thrown when a row does not prove itself and `allowUnverified` is off: the CLI exits 1 with the reason. */
export class UnverifiedRowError extends Error {
  constructor(
    readonly itemId: string,
    readonly verification: Extract<Verification, { verified: false }>,
  ) {
    super(`${itemId}: not written: ${verification.reason}`);
    this.name = 'UnverifiedRowError';
  }
}

function checkMode(mode: string): string {
  if (!failureModeSchema.safeParse(mode).success)
    throw new UsageError(
      `"${mode}" is not a failure mode: use a kebab-case id such as "hallucination" or "tool-argument-error".`,
    );
  return mode;
}

/** The row an item becomes under `mode`: approved, with the signature of that mode. */
export function approvedRow(item: ReviewItem, mode: string): PendingRow {
  const row = structuredClone(item.row);
  const meta = row.metadata as Record<string, unknown>;
  meta.failure_mode = mode;
  meta.review_status = 'approved';
  meta.review_item = item.id;
  // The cluster as the queue has seen it (the row was made from its first occurrence).
  meta.cluster = {
    size: item.cluster.size,
    first_seen: item.cluster.first_seen,
    last_seen: item.cluster.last_seen,
  };
  meta.related_span_ids = [...item.cluster.related_span_ids];
  if (mode !== item.proposed_mode) {
    // The signature names the mode first (`mode|what`): a relabelled failure is a different regression.
    const basis = `${mode}${item.signature_basis.slice(item.proposed_mode.length)}`;
    meta.signature_basis = basis;
    meta.signature = sha256(basis);
  }
  return row;
}

/**
 * `review approve`: verify the row (its mode's blocking scorers must fail the recorded output), write it
 * through promote's locked, atomic, idempotent path with `review_status: approved`, and mark the item.
 */
export async function approveItem(
  queue: ReviewQueue,
  id: string,
  options: {
    label?: string;
    to?: string;
    cwd: string;
    resolver: ScorerResolver;
    allowUnverified?: boolean;
    timeoutMs?: number;
  },
): Promise<ApproveOutcome> {
  const item = await queue.get(id);
  const mode = checkMode(options.label ?? item.label ?? item.proposed_mode);
  const row = approvedRow(item, mode);
  const verification = await verifyRow(row, options.resolver, { timeoutMs: options.timeoutMs });
  if (!verification.verified && !options.allowUnverified) throw new UnverifiedRowError(item.id, verification);
  markVerification(row, verification);
  const file = targetFile(options.to, mode, options.cwd);
  const written = await appendRows(file, [row]);
  const dataset = path.relative(options.cwd, file).split(path.sep).join('/');
  const rowId =
    written.written[0]?.id ?? /already promoted as (\S+)$/.exec(written.duplicates[0]?.reason ?? '')?.[1];
  const updated = await queue.update(item.id, (it) => {
    it.status = 'approved';
    if (mode !== it.proposed_mode) it.label = mode;
    it.decision = {
      action: 'approved',
      at: new Date().toISOString(),
      label: mode,
      dataset,
      row_id: rowId,
      verified: verification.verified,
    };
    return it;
  });
  return {
    item: updated,
    dataset,
    row_id: rowId,
    duplicate: written.duplicates[0]?.reason,
    verification,
  };
}

/** `review reject`: remembered by signature, so the same failure is never proposed again. */
export function rejectItem(queue: ReviewQueue, id: string, note?: string): Promise<ReviewItem> {
  return queue.update(id, (it) => {
    it.status = 'rejected';
    it.decision = { action: 'rejected', at: new Date().toISOString(), ...(note ? { note } : {}) };
    return it;
  });
}

/** `review relabel`: the reviewer's failure mode; the item stays pending until approved. */
export function relabelItem(queue: ReviewQueue, id: string, mode: string): Promise<ReviewItem> {
  checkMode(mode);
  return queue.update(id, (it) => {
    it.label = mode;
    it.decision = { action: 'relabelled', at: new Date().toISOString(), label: mode };
    return it;
  });
}
