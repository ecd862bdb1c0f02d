import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import type { Trace } from '../traces/trace.js';
import { clusterToRow } from '../promote/promote.js';
import { reviewedLabel, type Evidence } from '../promote/label.js';
import { failureSignature } from '../promote/signature.js';
import { Scrubber } from '../promote/scrub.js';
import { withFileLock, type PendingRow } from '../promote/write.js';
import { sha256, stableStringify } from '../util/stable-json.js';
import { writeAtomic } from '../output/write-atomic.js';
import type { ModeVerdict, ScorerOutcome } from '../online/score-case.js';

/** The version of the queue item format (docs/review.md describes it). */
export const REVIEW_ITEM_VERSION = 1;

/** Most related span ids and distinct keys kept per item (the counts go on). */
const MAX_RELATED = 100;
const MAX_DISTINCT = 1000;

/** The keys the promotion policy can count distinct values of. */
export const DISTINCT_KEYS = ['user', 'session', 'input'] as const;
export type DistinctKey = (typeof DISTINCT_KEYS)[number];

/**
 * One review queue item: one failure signature (a cluster of failing traces), one JSONL line of
 * `<dir>/<proposed_mode>.jsonl`. Everything in it is scrubbed like a promoted row.
 */
export interface ReviewItem {
  version: 1;
  /** `rv-` + 12 hex digits of the signature: the same failure has the same id on every machine. */
  id: string;
  status: 'pending' | 'approved' | 'rejected';
  /** The failure mode the scorers proposed. */
  proposed_mode: string;
  /** A reviewer's label (set by `review relabel` or `approve --label`), else absent. */
  label?: string;
  signature: string;
  signature_basis: string;
  /** True when a person must decide (judge-only or low-confidence evidence, several modes failed). */
  needs_person: boolean;
  needs_person_reasons: string[];
  evidence: {
    /** Every scorer of the proposed mode, with its score and reason. */
    scorers: ScorerOutcome[];
    /** The failing scorers, one line each. */
    reasons: string[];
    /** What the deterministic trace checks found (tool errors, schema violations, …). */
    checks: Evidence[];
    /** Other failure modes that failed on the same trace. */
    other_modes: string[];
  };
  cluster: {
    size: number;
    first_seen?: string;
    last_seen?: string;
    related_span_ids: string[];
    /** Hashes (never the values) of the users, sessions and inputs seen, for the promotion policy. */
    distinct: Record<DistinctKey, string[]>;
  };
  /** The dataset row approval writes (scrubbed; `review_status` pending until approved). */
  row: PendingRow;
  sources: string[];
  created_at: string;
  updated_at: string;
  decision?: {
    action: 'approved' | 'rejected' | 'relabelled';
    at: string;
    label?: string;
    dataset?: string;
    row_id?: string;
    verified?: boolean;
    note?: string;
  };
}

/** A failing trace handed to the queue: the verdict of the mode it failed and what else failed. */
export interface Proposal {
  trace: Trace;
  verdict: ModeVerdict;
  others: ModeVerdict[];
  source: string;
}

/** The promotion policy: how often, and across how many distinct users/sessions/inputs, before promoting. */
export interface PromotionPolicy {
  minOccurrences?: number;
  distinctBy?: DistinctKey;
}

/** Where an item stands against the policy: ready, or why not yet. */
export function policyCheck(item: ReviewItem, policy: PromotionPolicy): { ready: boolean; reason: string } {
  const min = policy.minOccurrences ?? 1;
  const count = policy.distinctBy ? item.cluster.distinct[policy.distinctBy].length : item.cluster.size;
  const what = policy.distinctBy ? `distinct ${policy.distinctBy}(s)` : 'occurrence(s)';
  return count >= min
    ? { ready: true, reason: `${count} ${what} ≥ ${min}` }
    : { ready: false, reason: `seen with ${count} ${what}; the policy needs ${min}` };
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if ((typeof v === 'string' && v) || typeof v === 'number') return String(v);
  return undefined;
}

/** The user, session and input of a trace, hashed (only equality matters; the values never leave). */
export function distinctKeys(trace: Trace): Partial<Record<DistinctKey, string>> {
  const m = trace.metadata;
  const hash = (v: string) => sha256(v).slice(7, 23);
  const out: Partial<Record<DistinctKey, string>> = {};
  const user = firstString(m['user.id'], m.user_id, m.userId, m.user, m['enduser.id']);
  const session = firstString(m['session.id'], m.session_id, m.sessionId, m['gen_ai.conversation.id']);
  if (user) out.user = hash(user);
  if (session) out.session = hash(session);
  out.input = hash(stableStringify(trace.input ?? null));
  return out;
}

/** Why a person should look: judge-only evidence, a judge score close to its bar, several modes failing. */
function needsPerson(verdict: ModeVerdict, others: ModeVerdict[]): string[] {
  const failing = verdict.scorers.filter(
    (s) => s.mode === 'blocking' && typeof s.score === 'number' && s.score < s.min_score,
  );
  const reasons: string[] = [];
  if (failing.length && failing.every((s) => s.kind === 'judge')) {
    reasons.push('judge-only evidence: no deterministic scorer failed');
    if (failing.every((s) => (s.score as number) >= s.min_score - 0.2))
      reasons.push('low confidence: the judge scores are within 0.2 of their bar');
  }
  if (others.length)
    reasons.push(`ambiguous mode: ${others.map((o) => o.failure_mode).join(', ')} also failed`);
  return reasons;
}

/** Build a new item from a proposal (signature, row and evidence all scrubbed as `promote` scrubs). */
export function proposalToItem(proposal: Proposal, now = new Date().toISOString()): ReviewItem {
  const { trace, verdict } = proposal;
  const mode = verdict.failure_mode;
  const label = reviewedLabel(trace, mode, 'pending');
  const scrubbedInput = new Scrubber().scrub(trace.input);
  const { basis, signature } = failureSignature(mode, label.evidence, { ...trace, input: scrubbedInput });
  const row = clusterToRow(
    {
      signature,
      basis,
      failure_mode: mode,
      kind: 'failure',
      size: 1,
      first_seen: trace.start_time,
      last_seen: trace.start_time,
      representative: { trace, label, kind: 'failure', signature, basis },
      related_span_ids: [],
    },
    { scrub: true },
  );
  const scrubber = new Scrubber();
  const distinct = distinctKeys(trace);
  const needs = needsPerson(verdict, proposal.others);
  return {
    version: REVIEW_ITEM_VERSION,
    id: `rv-${signature.replace(/^sha256:/, '').slice(0, 12)}`,
    status: 'pending',
    proposed_mode: mode,
    signature,
    signature_basis: basis,
    needs_person: needs.length > 0,
    needs_person_reasons: needs,
    evidence: scrubber.scrub({
      scorers: verdict.scorers,
      reasons: verdict.reasons,
      checks: label.all_evidence,
      other_modes: proposal.others.map((o) => o.failure_mode),
    }),
    cluster: {
      size: 1,
      first_seen: trace.start_time,
      last_seen: trace.start_time,
      related_span_ids: [],
      distinct: {
        user: distinct.user ? [distinct.user] : [],
        session: distinct.session ? [distinct.session] : [],
        input: distinct.input ? [distinct.input] : [],
      },
    },
    row,
    sources: [proposal.source],
    created_at: now,
    updated_at: now,
  };
}

/** Fold another occurrence of the same signature into an item (its status, even `rejected`, stays). */
export function mergeOccurrence(item: ReviewItem, other: ReviewItem, now = new Date().toISOString()): void {
  const spans = new Set([item.row.metadata.source_span_id, ...item.cluster.related_span_ids]);
  const span = other.row.metadata.source_span_id;
  if (typeof span === 'string' && spans.has(span)) return; // the same trace seen twice: not a new occurrence
  item.cluster.size += other.cluster.size;
  if (typeof span === 'string' && item.cluster.related_span_ids.length < MAX_RELATED)
    item.cluster.related_span_ids.push(span);
  const t1 = other.cluster.first_seen;
  const t2 = other.cluster.last_seen;
  if (t1 && (!item.cluster.first_seen || t1 < item.cluster.first_seen)) item.cluster.first_seen = t1;
  if (t2 && (!item.cluster.last_seen || t2 > item.cluster.last_seen)) item.cluster.last_seen = t2;
  for (const key of DISTINCT_KEYS) {
    const set = new Set(item.cluster.distinct[key]);
    for (const v of other.cluster.distinct[key]) if (set.size < MAX_DISTINCT) set.add(v);
    item.cluster.distinct[key] = [...set];
  }
  for (const s of other.sources) if (!item.sources.includes(s)) item.sources.push(s);
  item.updated_at = now;
}

/**
 * The review queue: items under `dir` (default `.tracegate/review`), one JSONL file per proposed failure
 * mode. Every change is a locked (`<dir>/queue.lock`), atomic (temp file + rename) rewrite of the files it
 * touches, so the CLI, a receiver and a scheduled harvest can share one queue.
 */
export class ReviewQueue {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /** Every item, in file order (files sorted by name). Malformed lines fail with file:line. */
  async list(): Promise<ReviewItem[]> {
    const { items } = await this.read();
    return items;
  }

  /** One item by id (or a unique id prefix). */
  async get(id: string): Promise<ReviewItem> {
    return pick(await this.list(), id, this.dir);
  }

  /** Add failing traces: new signatures become pending items; known ones grow their cluster. */
  async record(proposals: Proposal[]): Promise<{ added: ReviewItem[]; updated: ReviewItem[] }> {
    const now = new Date().toISOString();
    return this.change(async (items) => {
      const bySignature = new Map(items.map((i) => [i.signature, i]));
      const added: ReviewItem[] = [];
      const updated = new Set<ReviewItem>();
      for (const proposal of proposals) {
        const item = proposalToItem(proposal, now);
        const existing = bySignature.get(item.signature);
        if (existing) {
          mergeOccurrence(existing, item, now);
          if (!added.includes(existing)) updated.add(existing);
        } else {
          bySignature.set(item.signature, item);
          items.push(item);
          added.push(item);
        }
      }
      return { result: { added, updated: [...updated] }, changed: [...added, ...updated] };
    });
  }

  /** Change one item under the lock; `fn` edits it in place and returns what to report. */
  async update<T>(id: string, fn: (item: ReviewItem) => T): Promise<T> {
    return this.change(async (items) => {
      const item = pick(items, id, this.dir);
      const result = fn(item);
      item.updated_at = new Date().toISOString();
      return { result, changed: [item] };
    });
  }

  private async change<T>(
    fn: (items: ReviewItem[]) => Promise<{ result: T; changed: ReviewItem[] }>,
  ): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(path.join(this.dir, 'queue'), async () => {
      const { items } = await this.read();
      const { result, changed } = await fn(items);
      const files = new Set(changed.map((i) => fileOf(i)));
      for (const file of files) {
        const lines = items.filter((i) => fileOf(i) === file).map((i) => stableStringify(i));
        await writeAtomic(path.join(this.dir, file), lines.join('\n') + '\n');
      }
      return result;
    });
  }

  private async read(): Promise<{ items: ReviewItem[] }> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.jsonl')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { items: [] };
      throw error;
    }
    const items: ReviewItem[] = [];
    for (const name of names) {
      const text = await readFile(path.join(this.dir, name), 'utf8');
      for (const [i, line] of text.split('\n').entries()) {
        if (!line.trim()) continue;
        let item: ReviewItem;
        try {
          item = JSON.parse(line) as ReviewItem;
        } catch (error) {
          throw new UsageError(
            `${path.join(this.dir, name)}:${i + 1}: not a review item (${(error as Error).message}). Fix or remove the line.`,
          );
        }
        if (item?.version !== REVIEW_ITEM_VERSION || typeof item.id !== 'string' || !item.row)
          throw new UsageError(
            `${path.join(this.dir, name)}:${i + 1}: not a version ${REVIEW_ITEM_VERSION} review item (see docs/review.md).`,
          );
        items.push(item);
      }
    }
    return { items };
  }
}

/** The file an item lives in: its proposed mode's (kebab-case by construction, so a safe file name). */
function fileOf(item: ReviewItem): string {
  return `${item.proposed_mode}.jsonl`;
}

function pick(items: ReviewItem[], id: string, dir: string): ReviewItem {
  const exact = items.find((i) => i.id === id);
  if (exact) return exact;
  const matches = items.filter((i) => i.id.startsWith(id));
  if (matches.length === 1 && id.length >= 4) return matches[0];
  if (matches.length > 1)
    throw new UsageError(`"${id}" matches ${matches.length} review items; give more of the id.`);
  throw new UsageError(
    `No review item "${id}" in ${dir}.`,
    items.length ? ['List them with: tracegate review list --all'] : ['The queue is empty.'],
  );
}
