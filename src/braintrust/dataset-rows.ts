import { isDeepStrictEqual } from 'node:util';
import { regressionCaseSchema, type RegressionCase } from '../cases/regression-case.js';
import { UsageError } from '../errors.js';
import { stableStringify } from '../util/stable-json.js';
import { formatZodIssues } from '../util/zod-issues.js';

/**
 * How a dataset row (RegressionCase) maps onto a Braintrust dataset record and back, losslessly.
 * Braintrust's record has `id`, `input`, `expected`, `metadata`, `tags` and `origin`; what a row holds
 * beyond those (`context`, the recorded `output`, any extra field) and the row's place in its file travel
 * in `metadata._tracegate`, so Braintrust shows tracegate's own metadata (failure mode, review status,
 * source span) as ordinary metadata, and a pull rebuilds the row byte for byte.
 */

/** The metadata key that carries what Braintrust's record has no field for. */
export const TRACEGATE_KEY = '_tracegate';

/** Braintrust's origin reference: only these object types, with an object id and a row id. */
const ORIGIN_TYPES = new Set([
  'experiment',
  'dataset',
  'prompt',
  'function',
  'prompt_session',
  'project_logs',
]);

/** A Braintrust dataset record as tracegate writes it (the SDK's `insert` arguments). */
export interface BraintrustDatasetRecord {
  id: string;
  input: unknown;
  expected?: unknown;
  metadata: Record<string, unknown>;
  tags?: string[];
  origin?: { object_type: string; object_id: string; id: string };
}

interface Carried {
  /** 1-based position in the dataset file: a pull writes rows back in the same order. */
  position?: number;
  context?: unknown;
  output?: unknown;
  /** The row's origin when Braintrust's origin field cannot hold all of it. */
  origin?: unknown;
  /** Top-level fields beyond the known ones. */
  extra?: Record<string, unknown>;
  /** The row's `expected` is JSON null (Braintrust answers null for "no expected" too). */
  expected_null?: true;
}

const KNOWN = new Set(['id', 'input', 'expected', 'context', 'output', 'origin', 'metadata', 'tags']);

/** The Braintrust record for one row at `position` in its file. */
export function toBraintrustRecord(row: RegressionCase, position: number): BraintrustDatasetRecord {
  if (TRACEGATE_KEY in row.metadata)
    throw new UsageError(
      `Row "${row.id}" has a metadata key "${TRACEGATE_KEY}", which tracegate reserves for what Braintrust's dataset record has no field for. Rename that key.`,
    );
  const carried: Carried = { position };
  if (row.context !== undefined) carried.context = row.context;
  if (row.output !== undefined) carried.output = row.output;
  if (row.expected === null) carried.expected_null = true;
  const extra = Object.fromEntries(Object.entries(row).filter(([k, v]) => !KNOWN.has(k) && v !== undefined));
  if (Object.keys(extra).length) carried.extra = extra;
  const record: BraintrustDatasetRecord = {
    id: row.id,
    input: row.input,
    metadata: { ...row.metadata, [TRACEGATE_KEY]: carried },
  };
  if (row.expected !== undefined && row.expected !== null) record.expected = row.expected;
  if (row.tags !== undefined) record.tags = row.tags;
  const o = row.origin;
  if (o) {
    const ref =
      typeof o.object_type === 'string' &&
      ORIGIN_TYPES.has(o.object_type) &&
      typeof o.object_id === 'string' &&
      typeof o.id === 'string'
        ? { object_type: o.object_type, object_id: o.object_id, id: o.id }
        : undefined;
    if (ref) record.origin = ref;
    // Keep the whole origin (span id, url, …) when Braintrust's reference does not hold all of it.
    if (!ref || !isDeepStrictEqual(ref, o)) carried.origin = o;
  }
  return record;
}

/** A row rebuilt from a fetched Braintrust record, with its position (Infinity when it has none). */
export interface PulledRow {
  row: Record<string, unknown>;
  position: number;
  created: string;
}

/** Rebuild a row from a Braintrust dataset record (as BTQL or the SDK's fetch returns it). */
export function fromBraintrustRecord(record: Record<string, unknown>): PulledRow {
  const metadata = { ...((record.metadata as Record<string, unknown> | null) ?? {}) };
  const carried = (metadata[TRACEGATE_KEY] ?? {}) as Carried;
  delete metadata[TRACEGATE_KEY];
  const row: Record<string, unknown> = { ...(carried.extra ?? {}), id: record.id, input: record.input };
  if (record.expected !== undefined && record.expected !== null) row.expected = record.expected;
  else if (carried.expected_null) row.expected = null;
  if (carried.context !== undefined) row.context = carried.context;
  if (carried.output !== undefined) row.output = carried.output;
  const origin = carried.origin ?? originOf(record.origin);
  if (origin !== undefined) row.origin = origin;
  row.metadata = metadata;
  if (Array.isArray(record.tags)) row.tags = record.tags;
  return {
    row,
    position: typeof carried.position === 'number' ? carried.position : Infinity,
    created: typeof record.created === 'string' ? record.created : '',
  };
}

function originOf(value: unknown): unknown {
  if (!value || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  // Braintrust adds its own bookkeeping (`_xact_id`, `created`) to an origin: keep the reference only.
  const ref: Record<string, unknown> = {};
  for (const key of ['object_type', 'object_id', 'id']) if (o[key] !== undefined) ref[key] = o[key];
  return Object.keys(ref).length ? ref : undefined;
}

/** The normal form two rows are compared in and written as: keys sorted, one line. */
export function normaliseRow(row: unknown): string {
  // Through JSON first: objects parsed by fetch's own JSON reader may come from another realm (under a VM,
  // as in jest), and stableStringify sorts the keys of plain objects of this realm only.
  return stableStringify(JSON.parse(JSON.stringify(row)));
}

/** Validate a pulled row like any dataset row; the problem names the Braintrust row. */
export function validatePulledRow(row: Record<string, unknown>, where: string): RegressionCase | string {
  const parsed = regressionCaseSchema.safeParse(row);
  if (parsed.success) return parsed.data;
  return `${where}: ${formatZodIssues(parsed.error).join('; ')}`;
}

/** What a push or pull would do, by row id. */
export interface RowDiff {
  added: string[];
  changed: string[];
  unchanged: string[];
  /** Present only on the other side, left alone. */
  untouched: string[];
}

/** Compare the rows to write with those already there (both as normal-form strings by id). */
export function diffRows(incoming: Map<string, string>, existing: Map<string, string>): RowDiff {
  const diff: RowDiff = { added: [], changed: [], unchanged: [], untouched: [] };
  for (const [id, text] of incoming) {
    const before = existing.get(id);
    if (before === undefined) diff.added.push(id);
    else if (before === text) diff.unchanged.push(id);
    else diff.changed.push(id);
  }
  for (const id of existing.keys()) if (!incoming.has(id)) diff.untouched.push(id);
  return diff;
}
