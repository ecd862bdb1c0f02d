import path from 'node:path';
import { access } from 'node:fs/promises';
import { failureModeSchema, regressionCaseSchema, type RegressionCase } from '../cases/regression-case.js';
import { UsageError } from '../errors.js';
import { formatZodIssues } from '../util/zod-issues.js';
import { importTraces, type ImportOptions, type ImportStats, type RecordSource } from '../traces/import.js';
import {
  braintrustLogRecords,
  braintrustProjectOf,
  type BraintrustFetchStats,
  type BraintrustLogsOptions,
} from '../traces/braintrust-api.js';
import type { Trace } from '../traces/trace.js';
import { Clusterer, type Cluster, type LabelledTrace, type RepresentativePolicy } from './cluster.js';
import {
  caseExpected,
  isNegativeFeedback,
  proposeLabel,
  retrievalRecorded,
  reviewedLabel,
  type Label,
} from './label.js';
import { detectSecretRules, Scrubber, type ScrubRule } from './scrub.js';
import { failureSignature } from './signature.js';
import { parseWhereAll } from './where.js';
import { appendRows, type PendingRow } from './write.js';
import { sha256 } from '../util/stable-json.js';
import type { ScorerResolver } from '../run/resolve-scorers.js';
import { markVerification, verifyRow } from '../review/verify-row.js';

/** Everything `tracegate promote` and `tracegate cluster` take. */
export interface PromoteOptions {
  /** The trace file, or `braintrust:PROJECT` (name or id) to read the project's logs through the API. */
  from: string;
  /**
   * With `braintrust:PROJECT`: `since`, `limit`, and the API key and URL (default: `BRAINTRUST_API_KEY`
   * and `BRAINTRUST_API_URL` from the environment).
   */
  braintrust?: Omit<BraintrustLogsOptions, 'project'>;
  format?: ImportOptions['format'];
  /** A reviewed failure mode for every selected trace… */
  label?: string;
  /** …or propose one per trace from the deterministic checks (review_status pending). */
  autoLabel?: boolean;
  /** Review status written (default: approved with --label, pending with --auto-label). */
  review?: Label['review_status'];
  /** `--where` conditions, all of which a trace must meet. */
  where?: string[];
  /** Dataset directory (rows go to `<dir>/<mode>.jsonl`) or a `.jsonl` file. Default `datasets`. */
  to?: string;
  dryRun?: boolean;
  /** False only when the user explicitly turned scrubbing off. */
  scrub?: boolean;
  scrubRules?: ScrubRule[];
  representative?: RepresentativePolicy;
  /** Most related span ids recorded per row. */
  maxRelated?: number;
  /**
   * Golden mode: keep this fraction (0..1) of the traces in which the checks find no failure (and no
   * negative feedback) as `kind: golden` rows of the `label` mode, with their output as `expected`.
   */
  golden?: number;
  /** Extra tags on every row. */
  tags?: string[];
  /** An `expected` value for every row (a reviewer's correct answer). */
  expected?: unknown;
  /** Template for `origin.url`: placeholders {object_type} {object_id} {id} {span_id} {trace_id}. */
  originUrlTemplate?: string;
  assembler?: ImportOptions['assembler'];
  cwd?: string;
  /** Called for each skipped record as it is found (the CLI prints them). */
  onSkip?: (position: string, reason: string) => void;
  /**
   * Rows that prove themselves: replay each failure row's recorded output through its mode's blocking
   * scorers (from this resolver) and refuse the rows they pass (`unverified`), unless `allowUnverified`
   * (then written with `metadata.verified: false`). The CLI always verifies; unset, nothing is replayed.
   */
  verifyWith?: ScorerResolver;
  allowUnverified?: boolean;
}

export interface PromoteOutcome {
  stats: ImportStats;
  /** With `braintrust:PROJECT`: the project, pages and rows fetched, retries. */
  fetched?: BraintrustFetchStats;
  /** Traces not selected by --where. */
  filtered: number;
  /** Traces in which --auto-label found no failure (and were not sampled as golden). */
  unlabelled: number;
  clusters: Cluster[];
  /** Rows written (or, with dryRun, that would be), by file. */
  written: Array<{ file: string; rows: RegressionCase[] }>;
  duplicates: Array<{ file: string; id?: string; source_span_id?: string; reason: string }>;
  /** Rows refused because their mode's blocking scorers pass the recorded failing output. */
  unverified: Array<{ file: string; basis: string; source_span_id?: string; reason: string }>;
}

/** Import, select, label and cluster: the part `cluster` and `promote` share. */
export async function collectClusters(
  options: PromoteOptions,
): Promise<Omit<PromoteOutcome, 'written' | 'duplicates' | 'unverified'>> {
  const cwd = options.cwd ?? process.cwd();
  const { source, format, fetched } = await recordSource(options, cwd);
  if (options.label !== undefined) {
    const parsed = failureModeSchema.safeParse(options.label);
    if (!parsed.success)
      throw new UsageError(
        `--label "${options.label}": must be a kebab-case failure mode such as "hallucination" or "tool-argument-error"`,
      );
  }
  if (
    options.golden !== undefined &&
    (options.golden < 0 || options.golden > 1 || Number.isNaN(options.golden))
  ) {
    throw new UsageError(`--golden ${options.golden}: expected a fraction between 0 and 1, e.g. 0.05`);
  }
  const where = parseWhereAll(options.where ?? []);
  const clusterer = new Clusterer(options.representative ?? 'most-recent', options.maxRelated ?? 1000);
  const stats: ImportStats = { records: 0, imported: 0, skipped: 0 };
  let filtered = 0;
  let unlabelled = 0;
  // Signatures are computed on scrubbed text, so two traces that differ only by an email share one.
  const signatureScrubber = options.scrub === false ? undefined : options.scrubRules;

  for await (const item of importTraces(source, { format, assembler: options.assembler }, stats)) {
    if ('skipped' in item) {
      options.onSkip?.(item.skipped.position, item.skipped.reason);
      continue;
    }
    const trace = item.trace;
    if (!where(trace)) {
      filtered++;
      continue;
    }
    let label: Label | undefined;
    let kind: 'failure' | 'golden' = 'failure';
    if (options.golden !== undefined) {
      // Golden mode: sample the traces in which nothing failed, as kind golden rows of --label's mode.
      const failed = (await proposeLabel(trace)) !== undefined;
      if (!failed && isGoldenSample(trace, options.golden)) {
        label = {
          failure_mode: options.label as string,
          review_status: options.review ?? 'pending',
          all_evidence: [],
        };
        kind = 'golden';
      }
    } else if (options.label) label = reviewedLabel(trace, options.label, options.review ?? 'approved');
    else {
      label = await proposeLabel(trace);
      if (label && options.review) label.review_status = options.review;
    }
    if (!label) {
      unlabelled++;
      continue;
    }
    const forSignature = signatureScrubber
      ? { ...trace, input: new Scrubber(signatureScrubber).scrub(trace.input) }
      : trace;
    const { basis, signature } =
      kind === 'golden'
        ? goldenSignature(forSignature)
        : failureSignature(label.failure_mode, label.evidence, forSignature);
    clusterer.add({ trace, label, kind, signature, basis } satisfies LabelledTrace);
  }
  return { stats, fetched, filtered, unlabelled, clusters: clusterer.result() };
}

/** `--from`: a readable trace file, or a Braintrust project's logs (settings checked before any request). */
export async function recordSource(
  options: PromoteOptions,
  cwd: string,
): Promise<{ source: RecordSource; format: ImportOptions['format']; fetched?: BraintrustFetchStats }> {
  const project = braintrustProjectOf(options.from);
  if (project !== undefined) {
    if (options.format && options.format !== 'auto' && options.format !== 'braintrust')
      throw new UsageError(
        `--format ${options.format} does not fit --from ${options.from}: the Braintrust API returns Braintrust rows (leave --format auto).`,
      );
    const fetched: BraintrustFetchStats = { api_url: '', pages: 0, rows: 0, retries: 0 };
    const source = braintrustLogRecords({ ...options.braintrust, project }, fetched);
    return { source, format: 'braintrust', fetched };
  }
  if (options.braintrust?.since !== undefined)
    throw new UsageError(
      '--since applies to --from braintrust:PROJECT only; select a file\'s traces by time with --where "start_time>=2026-11-01".',
    );
  if (options.braintrust?.limit !== undefined)
    throw new UsageError('--limit applies to --from braintrust:PROJECT only.');
  const f = options.braintrust?.filters;
  if (options.braintrust?.until !== undefined || f?.scores?.length || f?.feedback?.length || f?.tags?.length)
    throw new UsageError(
      "--until, --score, --feedback and --with-tag apply to --from braintrust:PROJECT only (they filter in BTQL); select a file's traces with --where.",
    );
  const file = path.resolve(cwd, options.from);
  try {
    await access(file);
  } catch {
    throw new UsageError(`Cannot read the trace file ${options.from} (in ${cwd}).`);
  }
  return { source: file, format: options.format };
}

/** Deterministic sampling by trace id: the same file gives the same golden set every time. */
function isGoldenSample(trace: Trace, rate: number): boolean {
  if (trace.error || trace.feedback.some((f) => isNegativeFeedback(f.value))) return false;
  const h = parseInt(sha256(trace.trace_id).slice(7, 15), 16) / 0xffffffff;
  return h < rate;
}

function goldenSignature(trace: Trace): { basis: string; signature: string } {
  const { basis } = failureSignature('golden', undefined, trace);
  return { basis, signature: sha256(basis) };
}

/**
 * What a golden row expects: what the good run did — its tool calls and its top documents (what the
 * tool-call and retrieval-recall scorers read) — or, when it did neither, its output.
 */
function goldenExpected(trace: Trace): unknown {
  const expected: Record<string, unknown> = {};
  if (trace.tool_calls.length)
    expected.tool_calls = trace.tool_calls.map((c) => ({ name: c.name, arguments: c.arguments }));
  if (trace.retrieved.length) expected.doc_ids = trace.retrieved.slice(0, 3).map((c) => c.id);
  return Object.keys(expected).length ? expected : trace.output;
}

/** Fill an origin URL template. */
function originUrl(template: string | undefined, values: Record<string, string>): string | undefined {
  if (!template) return undefined;
  return template.replace(/\{(\w+)\}/g, (m, key: string) =>
    key in values ? encodeURIComponent(values[key]) : m,
  );
}

/**
 * The dataset row for a cluster's representative: scrubbed, with origin and all the metadata filled.
 * Everything taken from the trace goes through one scrubber, keys included (tool descriptions, feature
 * flags, versions, retrieved ids, tags, feedback); only the identifiers that link back to the origin span
 * and the fields tracegate itself computed are kept as they are.
 */
export function clusterToRow(
  cluster: Cluster,
  options: Pick<PromoteOptions, 'scrub' | 'scrubRules' | 'tags' | 'expected' | 'originUrlTemplate'>,
): PendingRow {
  const { trace, label, kind } = cluster.representative;
  const scrubber = options.scrub === false ? undefined : new Scrubber(options.scrubRules);

  const context: Record<string, unknown> = {
    tools: trace.tools,
    tool_calls: trace.tool_calls.map((c) => {
      const call: Record<string, unknown> = { name: c.name };
      if (c.id) call.id = c.id;
      if (c.arguments !== undefined) call.arguments = c.arguments;
      if (c.result !== undefined) call.result = c.result;
      if (c.error) call.error = c.error;
      return call;
    }),
  };
  // No retrieval recorded is not an empty retrieval: leave `retrieved` out, so citation scorers do not apply
  // on replay instead of failing every citation.
  if (retrievalRecorded(trace))
    context.retrieved = trace.retrieved.map((c) => {
      const chunk: Record<string, unknown> = { id: c.id };
      if (c.text !== undefined) chunk.text = c.text;
      if (c.score !== undefined) chunk.score = c.score;
      return chunk;
    });
  if (trace.system_prompt !== undefined) context.system_prompt = trace.system_prompt;
  if (trace.response_schema !== undefined) context.schema = trace.response_schema;

  const recordedMetadata: Record<string, unknown> = {
    prompt_version: trace.prompt_version,
    model_version: trace.model_version,
  };
  if (label.evidence) recordedMetadata.evidence = label.evidence;
  if (label.all_evidence.length > 1)
    recordedMetadata.other_evidence = label.all_evidence.filter((e) => e !== label.evidence);
  if (trace.feature_flags) recordedMetadata.feature_flags = trace.feature_flags;
  if (trace.usage) recordedMetadata.usage = trace.usage;
  if (trace.feedback.length) recordedMetadata.feedback = trace.feedback;
  if (Object.keys(trace.scores).length) recordedMetadata.online_scores = trace.scores;
  if (trace.error) recordedMetadata.error = trace.error;
  const expected =
    kind === 'golden' ? (options.expected ?? goldenExpected(trace)) : caseExpected(trace, options.expected);
  const tags = [...new Set([...trace.tags, ...(options.tags ?? [])])].sort();

  const recorded = {
    input: trace.input ?? null,
    output: trace.output,
    expected,
    context,
    tags,
    metadata: recordedMetadata,
  };
  const clean = scrubber ? scrubber.scrub(recorded) : recorded;

  const origin: Record<string, string> = {
    object_type: trace.source.object_type,
    object_id: trace.source.object_id,
    id: trace.source.id,
    span_id: trace.root_span_id,
  };
  const url =
    trace.source.url ?? originUrl(options.originUrlTemplate, { ...origin, trace_id: trace.trace_id });
  if (url) origin.url = url;

  const metadata: Record<string, unknown> = {
    failure_mode: label.failure_mode,
    kind,
    review_status: label.review_status,
    signature: cluster.signature,
    signature_basis: cluster.basis,
    source_span_id: trace.root_span_id,
    related_span_ids: cluster.related_span_ids,
    cluster: { size: cluster.size, first_seen: cluster.first_seen, last_seen: cluster.last_seen },
    trace_id: trace.trace_id,
    source_format: trace.source.format,
    timestamp: trace.start_time,
    ...clean.metadata,
  };

  const row: PendingRow = {
    input: clean.input,
    context: clean.context as PendingRow['context'],
    origin,
    metadata: metadata as PendingRow['metadata'],
  };
  if (clean.output !== undefined) row.output = clean.output;
  if (clean.expected !== undefined) row.expected = clean.expected;
  const cleanTags = [...new Set(clean.tags)].sort();
  if (cleanTags.length) row.tags = cleanTags;
  // Counted last: everything above went through the same scrubber.
  (row.metadata as Record<string, unknown>).scrubbed = scrubber ? { ...scrubber.counts } : { disabled: true };
  return row;
}

/**
 * The scrub rules for one cluster's row: the user's patterns, then the secrets the maintained secretlint
 * preset finds anywhere in the representative trace.
 */
export async function scrubRulesFor(
  cluster: Cluster,
  options: Pick<PromoteOptions, 'scrub' | 'scrubRules'>,
): Promise<ScrubRule[] | undefined> {
  if (options.scrub === false) return options.scrubRules;
  return [...(options.scrubRules ?? []), ...(await detectSecretRules(cluster.representative.trace))];
}

/** Where a row of this failure mode goes: `<to>/<mode>.jsonl`, or `to` itself when it names a .jsonl file. */
export function targetFile(to: string | undefined, mode: string, cwd: string): string {
  const base = to ?? 'datasets';
  return path.resolve(cwd, /\.jsonl$/i.test(base) ? base : path.join(base, `${mode}.jsonl`));
}

/**
 * `tracegate promote`: import a trace file, keep the traces `where` selects, label them (reviewed, or
 * proposed by the deterministic checks), cluster near-duplicates by failure signature, scrub, and append
 * one row per cluster to its dataset — idempotently, under a lock, atomically.
 */
export async function promoteTraces(options: PromoteOptions): Promise<PromoteOutcome> {
  if (!options.label && !options.autoLabel) {
    throw new UsageError(
      'Say what failed: --label MODE for a reviewed failure, or --auto-label to propose one per trace.',
    );
  }
  if (options.label && options.autoLabel)
    throw new UsageError('Use either --label MODE or --auto-label, not both.');
  if (options.golden !== undefined && !options.label) {
    throw new UsageError('--golden needs --label MODE: the failure mode whose gate the golden rows protect.');
  }
  const cwd = options.cwd ?? process.cwd();
  const collected = await collectClusters(options);
  const byFile = new Map<string, PendingRow[]>();
  const unverified: PromoteOutcome['unverified'] = [];
  for (const cluster of collected.clusters) {
    const row = clusterToRow(cluster, { ...options, scrubRules: await scrubRulesFor(cluster, options) });
    const check = regressionCaseSchema.safeParse({ ...row, id: 'pending' });
    if (!check.success) {
      // A bug, not a user error: every field above is filled by construction.
      throw new Error(
        `internal: the row for ${cluster.basis} is invalid: ${formatZodIssues(check.error).join('; ')}`,
      );
    }
    const file = targetFile(options.to, row.metadata.failure_mode, cwd);
    if (options.verifyWith && cluster.kind === 'failure') {
      const verification = await verifyRow(row, options.verifyWith);
      if (!verification.verified && !options.allowUnverified) {
        unverified.push({
          file: path.relative(cwd, file).split(path.sep).join('/'),
          basis: cluster.basis,
          source_span_id: row.metadata.source_span_id,
          reason: verification.reason,
        });
        continue;
      }
      markVerification(row, verification);
    }
    const list = byFile.get(file) ?? [];
    list.push(row);
    byFile.set(file, list);
  }
  const written: PromoteOutcome['written'] = [];
  const duplicates: PromoteOutcome['duplicates'] = [];
  for (const [file, rows] of byFile) {
    const outcome = await appendRows(file, rows, { dryRun: options.dryRun });
    const rel = path.relative(cwd, file).split(path.sep).join('/');
    if (outcome.written.length) written.push({ file: rel, rows: outcome.written });
    for (const d of outcome.duplicates)
      duplicates.push({ file: rel, source_span_id: d.row.metadata.source_span_id, reason: d.reason });
  }
  return { ...collected, written, duplicates, unverified };
}
