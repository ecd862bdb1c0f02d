import { open, readFile, rename, mkdir } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { initDataset } from 'braintrust';
import { findDatasetFiles, readCases, scanDatasets } from '../cases/load-datasets.js';
import type { RegressionCase } from '../cases/regression-case.js';
import { UsageError } from '../errors.js';
import { withFileLock } from '../promote/write.js';
import { connectBraintrust, flushOrFail, type BraintrustConnection, type ConnectOptions } from './connect.js';
import {
  diffRows,
  fromBraintrustRecord,
  normaliseRow,
  toBraintrustRecord,
  validatePulledRow,
  type BraintrustDatasetRecord,
  type PulledRow,
  type RowDiff,
} from './dataset-rows.js';

/** The Braintrust dataset a local file maps to: its file name without `.jsonl` (`datasets/hallucination.jsonl` → `hallucination`). */
export function datasetNameOf(file: string): string {
  return path.basename(file).replace(/\.jsonl$/i, '');
}

export interface PushDatasetsOptions extends ConnectOptions {
  cwd: string;
  project: string;
  /** Dataset glob(s), relative to cwd. */
  datasets: string | string[];
  /** Only the local dataset of this name. */
  dataset?: string;
  dryRun?: boolean;
}

/** What pushing one local file did (or would do). */
export interface DatasetPush {
  file: string;
  dataset: string;
  /** Whether the Braintrust dataset existed before. */
  existed: boolean;
  diff: RowDiff;
  url: string;
}

interface RemoteDataset {
  id: string;
  name: string;
}

/** A dataset by project and name, without creating anything (`GET /v1/dataset`). */
async function findRemoteDataset(
  c: BraintrustConnection,
  project: string,
  name: string,
): Promise<RemoteDataset | undefined> {
  const q = new URLSearchParams({ project_name: project, dataset_name: name });
  const answer = (await c.transport.json('GET', c.api(`/v1/dataset?${q.toString()}`), undefined, {
    allow404: true,
    what: `looking up dataset "${name}" in project "${project}"`,
  })) as { objects?: Array<{ id?: unknown; name?: unknown }> } | undefined;
  const match = answer?.objects?.find((o) => o.name === name && typeof o.id === 'string');
  return match ? { id: match.id as string, name } : undefined;
}

/** Every record of a Braintrust dataset, through the SDK's fetch (BTQL with cursor paging). */
async function fetchRemoteRecords(
  c: BraintrustConnection,
  datasetId: string,
  what: string,
): Promise<Array<Record<string, unknown>>> {
  const dataset = initDataset({ state: c.state, datasetId, useOutput: false } as never) as unknown as {
    fetch(): AsyncIterable<Record<string, unknown>>;
  };
  const records: Array<Record<string, unknown>> = [];
  try {
    for await (const record of dataset.fetch()) records.push(record);
  } catch (error) {
    throw c.transport.explain(what, error, c.settings.apiUrl);
  }
  return records;
}

/** The parts of a fetched record that a push compares with (Braintrust's own bookkeeping left out). */
function comparable(record: Record<string, unknown>): string {
  const out: Record<string, unknown> = {
    id: record.id,
    input: record.input,
    metadata: record.metadata ?? {},
  };
  if (record.expected !== undefined && record.expected !== null) out.expected = record.expected;
  if (Array.isArray(record.tags)) out.tags = record.tags;
  const o = record.origin as Record<string, unknown> | null | undefined;
  if (o && typeof o === 'object')
    out.origin = { object_type: o.object_type, object_id: o.object_id, id: o.id };
  return normaliseRow(out);
}

function datasetUrl(c: BraintrustConnection, project: string, name: string): string {
  return `${c.settings.appUrl}/app/${encodeURIComponent(c.orgName)}/p/${encodeURIComponent(project)}/datasets/${encodeURIComponent(name)}`;
}

/**
 * `tracegate push datasets`: upsert every local row into the Braintrust dataset named after its file,
 * through the SDK (`initDataset` + `insert` by row id). Rows already identical in Braintrust are not sent
 * again; rows only in Braintrust are left alone. Local rows are validated before anything is sent; with
 * `dryRun` nothing is created or written.
 */
export async function pushDatasets(options: PushDatasetsOptions): Promise<DatasetPush[]> {
  const files = await findDatasetFiles(options.datasets, options.cwd);
  const byName = new Map<string, string>();
  for (const file of files) {
    const name = datasetNameOf(file);
    const other = byName.get(name);
    if (other)
      throw new UsageError(
        `Two dataset files map to the Braintrust dataset "${name}": ${other} and ${file}. Rename one, or push one with --datasets.`,
      );
    byName.set(name, file);
  }
  if (options.dataset !== undefined && !byName.has(options.dataset))
    throw new UsageError(`No local dataset named "${options.dataset}".`, [
      `Local datasets: ${[...byName.keys()].join(', ') || '(none)'}`,
    ]);
  const selected = [...byName].filter(([name]) => options.dataset === undefined || name === options.dataset);
  // Every row valid before the first request: a broken file sends nothing.
  await scanDatasets(
    selected.map(([, f]) => f),
    options.cwd,
  );
  const c = await connectBraintrust('tracegate push datasets', options);
  const outcomes: DatasetPush[] = [];
  for (const [name, file] of selected) {
    const records: BraintrustDatasetRecord[] = [];
    let position = 0;
    for await (const loaded of readCases([file], options.cwd))
      records.push(toBraintrustRecord(loaded.case as RegressionCase, ++position));
    const remote = await findRemoteDataset(c, options.project, name);
    const existing = new Map<string, string>();
    if (remote)
      for (const r of await fetchRemoteRecords(c, remote.id, `reading dataset "${name}"`))
        existing.set(String(r.id), comparable(r));
    const incoming = new Map(records.map((r) => [r.id, normaliseRow(r)]));
    const diff = diffRows(incoming, existing);
    if (!options.dryRun && diff.added.length + diff.changed.length > 0) {
      const dataset = initDataset(
        remote
          ? ({ state: c.state, datasetId: remote.id, useOutput: false } as never)
          : ({ state: c.state, project: options.project, dataset: name, useOutput: false } as never),
      ) as unknown as {
        insert(r: BraintrustDatasetRecord): string;
        flush(): Promise<void>;
        id: Promise<string>;
      };
      try {
        await dataset.id; // registers the dataset (and project) when new, and fails here if it cannot
      } catch (error) {
        throw c.transport.explain(`creating dataset "${name}"`, error, c.settings.apiUrl);
      }
      const send = new Set([...diff.added, ...diff.changed]);
      for (const r of records) if (send.has(r.id)) dataset.insert(r);
      await flushOrFail(c, `writing ${send.size} row(s) to dataset "${name}"`, () => dataset.flush());
    }
    outcomes.push({
      file,
      dataset: name,
      existed: Boolean(remote),
      diff,
      url: datasetUrl(c, options.project, name),
    });
  }
  return outcomes;
}

export interface PullDatasetOptions extends ConnectOptions {
  cwd: string;
  project: string;
  dataset: string;
  /** A directory (rows go to `<dir>/<dataset>.jsonl`) or a `.jsonl` file. Default `datasets`. */
  to?: string;
  dryRun?: boolean;
}

export interface DatasetPull {
  file: string;
  dataset: string;
  /** Relative to the local file: added = only in Braintrust, untouched = only local (kept). */
  diff: RowDiff;
  rows: number;
}

/** Where a pulled dataset goes. */
export function pullTarget(cwd: string, to: string | undefined, dataset: string): string {
  const target = to ?? 'datasets';
  if (/\.jsonl$/i.test(target)) return path.resolve(cwd, target);
  if (!/^[A-Za-z0-9][A-Za-z0-9._ -]*$/.test(dataset) || dataset.includes('..'))
    throw new UsageError(
      `The dataset name "${dataset}" is not a safe file name: pass --to <file>.jsonl to say where its rows go.`,
    );
  return path.resolve(cwd, target, `${dataset}.jsonl`);
}

/**
 * `tracegate pull dataset`: write a Braintrust dataset down to JSONL rows, validated like any dataset.
 * Merges into an existing file by row id: a row Braintrust holds replaces the local one of the same id
 * where they differ, a local-only row stays where it is, new rows are appended in their original order.
 * The file is rewritten atomically under its lock; nothing is written when any row is invalid.
 */
export async function pullDataset(options: PullDatasetOptions): Promise<DatasetPull> {
  const target = pullTarget(options.cwd, options.to, options.dataset);
  const c = await connectBraintrust('tracegate pull dataset', options);
  const remote = await findRemoteDataset(c, options.project, options.dataset);
  if (!remote)
    throw new UsageError(
      `Braintrust has no dataset "${options.dataset}" in project "${options.project}" (visible to BRAINTRUST_API_KEY).`,
      ['Check --project and --dataset (names are case-sensitive).'],
    );
  const pulled: PulledRow[] = (
    await fetchRemoteRecords(c, remote.id, `reading dataset "${options.dataset}"`)
  ).map(fromBraintrustRecord);
  pulled.sort(
    (a, b) =>
      a.position - b.position ||
      a.created.localeCompare(b.created) ||
      String(a.row.id).localeCompare(String(b.row.id)),
  );
  const problems: string[] = [];
  const lines = new Map<string, string>();
  for (const p of pulled) {
    const where = `Braintrust dataset "${options.dataset}" row ${JSON.stringify(p.row.id)}`;
    const valid = validatePulledRow(p.row, where);
    if (typeof valid === 'string') problems.push(valid);
    else lines.set(valid.id, normaliseRow(p.row));
  }
  if (problems.length)
    throw new UsageError(`Invalid rows in ${options.dataset}; nothing was written:`, [
      ...problems.slice(0, 50),
      ...(problems.length > 50 ? [`… and ${problems.length - 50} more`] : []),
    ]);
  const rel = path.relative(options.cwd, target) || target;
  const work = async (): Promise<DatasetPull> => {
    let text = '';
    try {
      text = await readFile(target, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const local = parseLocal(text, rel);
    const diff = diffRows(
      lines,
      new Map(local.filter((l) => l.id !== undefined).map((l) => [l.id!, l.text])),
    );
    // Local rows keep their place and their exact bytes unless Braintrust holds a different version.
    const out: string[] = [];
    const seen = new Set<string>();
    for (const l of local) {
      if (l.id !== undefined && lines.has(l.id)) {
        const incoming = lines.get(l.id)!;
        out.push(normaliseRow(JSON.parse(l.text)) === incoming ? l.text : incoming);
        seen.add(l.id);
      } else out.push(l.text);
    }
    for (const [id, line] of lines) if (!seen.has(id)) out.push(line);
    // "changed" means different after normalisation only.
    diff.changed = diff.changed.filter((id) => {
      const l = local.find((x) => x.id === id)!;
      return normaliseRow(JSON.parse(l.text)) !== lines.get(id);
    });
    diff.unchanged = [...lines.keys()].filter((id) => seen.has(id) && !diff.changed.includes(id));
    if (!options.dryRun && (diff.added.length || diff.changed.length || text === ''))
      await replaceFile(target, out.length ? out.join('\n') + '\n' : '');
    return { file: rel, dataset: options.dataset, diff, rows: lines.size };
  };
  if (options.dryRun) return work();
  await mkdir(path.dirname(target), { recursive: true });
  return withFileLock(target, work);
}

/** The lines of a local dataset file; a line that is not a JSON object stops the pull (it would be lost). */
function parseLocal(text: string, file: string): Array<{ id?: string; text: string }> {
  const rows: Array<{ id?: string; text: string }> = [];
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new UsageError(
        `${file}:${i + 1}: invalid JSON (${(error as Error).message}); fix it before pulling into this file, nothing was written.`,
      );
    }
    const id = value && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
    rows.push({ id: typeof id === 'string' ? id : undefined, text: line });
  }
  return rows;
}

/** Write through a temporary file, fsync and rename: a reader never sees half a file. */
async function replaceFile(file: string, content: string): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}
