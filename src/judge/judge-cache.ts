import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stableStringify } from '../util/stable-json.js';
import type { TokenUsage } from './judge-client.js';

/** What identifies one judge answer: everything that can change it, and the trial it was asked for. */
export interface JudgeCacheKey {
  /** The endpoint's identity (base URL, or the offline server's name): another server is another judge. */
  endpoint: string;
  model: string;
  api: string;
  messages: unknown;
  tool: unknown;
  params: Record<string, unknown>;
  /** Trials ask for fresh samples: trial 2's answer is never trial 1's. */
  trial: number;
}

/** A cached answer. */
export interface JudgeCacheEntry {
  arguments: Record<string, unknown>;
  usage: TokenUsage;
  model: string;
  created_at: string;
}

/** The content address of a key: sha256 over its canonical JSON. */
export function cacheKeyHash(key: JudgeCacheKey): string {
  return createHash('sha256')
    .update(stableStringify({ v: 1, ...key }))
    .digest('hex');
}

/**
 * A content-addressed cache of judge answers on disk: `<dir>/judge/<2 hex>/<64 hex>.json`, one file per
 * answer, so `actions/cache` can restore it and two runs (or two shards) can share it. Each write goes to a
 * unique temporary file and is renamed into place: a rename is atomic, so a reader sees a whole entry or
 * none, and concurrent writers of the same key (which write the same answer for the same content) cannot
 * corrupt it. An unreadable entry is a miss and is rewritten.
 */
export class JudgeCache {
  hits = 0;
  misses = 0;

  constructor(readonly dir: string) {}

  private fileFor(hash: string): string {
    return path.join(this.dir, 'judge', hash.slice(0, 2), `${hash}.json`);
  }

  /** The cached answer for a key, or undefined. */
  async get(hash: string): Promise<JudgeCacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileFor(hash), 'utf8');
    } catch {
      this.misses++;
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as JudgeCacheEntry;
      if (entry && typeof entry.arguments === 'object' && entry.arguments !== null && entry.usage) {
        this.hits++;
        return entry;
      }
    } catch {
      // fall through: a torn or foreign file is a miss
    }
    this.misses++;
    return undefined;
  }

  /** Store an answer (atomic; safe with concurrent writers). A failed write never fails the run. */
  async set(hash: string, entry: JudgeCacheEntry): Promise<void> {
    const file = this.fileFor(hash);
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(temp, JSON.stringify(entry));
      await rename(temp, file);
    } catch {
      await rm(temp, { force: true }).catch(() => undefined);
    }
  }
}
