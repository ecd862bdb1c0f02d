import { open, readFile, rename, rm, stat, unlink, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { stableStringify } from '../util/stable-json.js';
import type { RegressionCase } from '../cases/regression-case.js';
import { environmentError, UsageError } from '../errors.js';

export interface LockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** A lock older than this (ms) is stale: its holder died without removing it. */
  staleMs?: number;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Run `fn` holding `<file>.lock`.
 *
 * Why a lock file created with O_EXCL (`open(…, 'wx')`): creation is atomic on every local filesystem
 * (and on NFSv3+), needs no native module, and works across processes — two `tracegate promote` runs at
 * once serialise their read-modify-write of the dataset, so neither loses the other's rows. The holder
 * writes its pid, host and time into the file. A lock is stale when its holder on this host is no longer
 * running, or when it is older than `staleMs` (a promotion holds the lock for milliseconds, so a minute
 * means its holder is gone). A stale lock is removed and the acquisition retried; the small window in
 * which two waiters both remove the same stale lock is closed by re-checking the lock's content before
 * removing it.
 */
export async function withFileLock<T>(
  file: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const lockPath = `${file}.lock`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const staleMs = options.staleMs ?? 60_000;
  const started = Date.now();
  const me = JSON.stringify({ pid: process.pid, host: hostname(), time: new Date().toISOString() });
  let delay = 5;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(me);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await removeIfStale(lockPath, staleMs)) continue;
    if (Date.now() - started > timeoutMs) {
      const holder = await readFile(lockPath, 'utf8').catch(() => '');
      throw new UsageError(`Timed out after ${timeoutMs} ms waiting for the lock ${lockPath}.`, [
        `It is held by ${holder.trim() || 'another process'}: wait for that tracegate process to finish and run again; remove the lock file only if no tracegate process is running.`,
      ]);
    }
    await new Promise((resolve) => setTimeout(resolve, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 200);
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function removeIfStale(lockPath: string, staleMs: number): Promise<boolean> {
  let content: string;
  let mtime: number;
  try {
    content = await readFile(lockPath, 'utf8');
    mtime = (await stat(lockPath)).mtimeMs;
  } catch {
    return true; // released meanwhile: try again at once
  }
  let holder: { pid?: number; host?: string } = {};
  try {
    holder = JSON.parse(content) as typeof holder;
  } catch {
    // being written right now (empty), or garbage: judge by age alone
  }
  const dead = holder.host === hostname() && typeof holder.pid === 'number' && !processAlive(holder.pid);
  const old = Date.now() - mtime > staleMs;
  if (!dead && !old) return false;
  try {
    // Only remove the lock we judged: if another process replaced it meanwhile, leave theirs alone.
    if ((await readFile(lockPath, 'utf8')) !== content) return false;
    await unlink(lockPath);
  } catch {
    // someone else removed it first
  }
  return true;
}

/** Short id prefixes of the built-in failure modes (`hal-0007`); custom modes use their first word. */
const PREFIXES: Record<string, string> = {
  hallucination: 'hal',
  'retrieval-miss': 'ret',
  'tool-argument-error': 'tool',
  'instruction-follow-failure': 'ins',
  'format-violation': 'fmt',
};

export function idPrefix(mode: string, kind: 'failure' | 'golden'): string {
  const base = PREFIXES[mode] ?? mode.split('-')[0].slice(0, 8);
  return kind === 'golden' ? `${base}-golden` : base;
}

/** A row without its id yet: ids are given under the lock, from what the file already holds. */
export interface PendingRow {
  id?: string;
  input: unknown;
  expected?: unknown;
  context?: RegressionCase['context'];
  output?: unknown;
  origin?: RegressionCase['origin'];
  metadata: RegressionCase['metadata'];
  tags?: string[];
}

export interface AppendOutcome {
  written: RegressionCase[];
  /** Rows not written because the file already holds them (same source span, or same cluster). */
  duplicates: Array<{ row: PendingRow; reason: string }>;
}

interface Existing {
  ids: Set<string>;
  spans: Map<string, string>;
  signatures: Map<string, string>;
}

function indexExisting(text: string): Existing {
  const existing: Existing = { ids: new Set(), spans: new Map(), signatures: new Map() };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let row: { id?: unknown; metadata?: Record<string, unknown> };
    try {
      row = JSON.parse(line);
    } catch {
      continue; // a broken line is the dataset loader's to report; it is kept as it is
    }
    if (typeof row.id !== 'string') continue;
    existing.ids.add(row.id);
    const meta = row.metadata ?? {};
    if (typeof meta.source_span_id === 'string') existing.spans.set(meta.source_span_id, row.id);
    if (Array.isArray(meta.related_span_ids))
      for (const s of meta.related_span_ids) if (typeof s === 'string') existing.spans.set(s, row.id);
    if (typeof meta.signature === 'string')
      existing.signatures.set(`${meta.kind ?? 'failure'}\u0000${meta.signature}`, row.id);
  }
  return existing;
}

/**
 * Append rows to a JSONL dataset: under the file's lock, skip rows already there (idempotent by source
 * span id — including spans recorded as related — and by signature), number the new ones after the
 * highest id of their prefix, and write the whole file through a temporary file and a rename, so a reader
 * never sees half a row. Rows are written with keys in stable order, one per line. `dryRun` computes the
 * same outcome without touching the file.
 */
export async function appendRows(
  file: string,
  rows: PendingRow[],
  options: { dryRun?: boolean; lock?: LockOptions } = {},
): Promise<AppendOutcome> {
  const work = async (): Promise<AppendOutcome> => {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      // A dataset too big for one string, or unreadable: exit 2 naming it, not a stack trace.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        throw environmentError(error, 'read the dataset', file);
    }
    const existing = indexExisting(text);
    const outcome: AppendOutcome = { written: [], duplicates: [] };
    const next = new Map<string, number>();
    const nextNumber = (prefix: string): number => {
      let n = next.get(prefix);
      if (n === undefined) {
        n = 0;
        const re = new RegExp(`^${prefix.replace(/[-]/g, '\\-')}-(\\d+)$`);
        for (const id of existing.ids) {
          const m = re.exec(id);
          if (m) n = Math.max(n, Number(m[1]));
        }
      }
      n++;
      next.set(prefix, n);
      return n;
    };
    for (const row of rows) {
      const meta = row.metadata;
      const span =
        typeof meta.source_span_id === 'string' ? existing.spans.get(meta.source_span_id) : undefined;
      if (span) {
        outcome.duplicates.push({
          row,
          reason: `span ${meta.source_span_id} is already promoted as ${span}`,
        });
        continue;
      }
      const sigKey = `${meta.kind ?? 'failure'}\u0000${meta.signature}`;
      const sameCluster = typeof meta.signature === 'string' ? existing.signatures.get(sigKey) : undefined;
      if (sameCluster) {
        outcome.duplicates.push({
          row,
          reason: `its cluster (${String(meta.signature_basis ?? meta.signature)}) is already promoted as ${sameCluster}`,
        });
        continue;
      }
      const prefix = idPrefix(meta.failure_mode, meta.kind ?? 'failure');
      let id = row.id;
      while (!id || existing.ids.has(id)) id = `${prefix}-${String(nextNumber(prefix)).padStart(4, '0')}`;
      const written = { ...row, id } as RegressionCase;
      existing.ids.add(id);
      if (typeof meta.source_span_id === 'string') existing.spans.set(meta.source_span_id, id);
      for (const s of (meta.related_span_ids as string[] | undefined) ?? []) existing.spans.set(s, id);
      if (typeof meta.signature === 'string') existing.signatures.set(sigKey, id);
      outcome.written.push(written);
    }
    if (!options.dryRun && outcome.written.length) {
      const lines = outcome.written.map((r) => stableStringify(r)).join('\n') + '\n';
      const content = text === '' || text.endsWith('\n') ? text + lines : `${text}\n${lines}`;
      const temp = path.join(
        path.dirname(file),
        `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
      );
      try {
        const handle = await open(temp, 'w');
        try {
          await handle.writeFile(content);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, file);
      } catch (error) {
        // A full or read-only disk: the dataset keeps its old bytes, and no temporary file is left.
        await rm(temp, { force: true });
        throw environmentError(error, 'write', file);
      }
    }
    return outcome;
  };
  if (options.dryRun) return work();
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  return withFileLock(file, work, options.lock);
}
