import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
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

/**
 * The content address of a key: sha256 over the canonical JSON of the parts that are the same for every
 * case of a scorer (endpoint, model, API, tool, parameters), then the messages and the trial. Callers that
 * ask many times for one scorer pass the first part's JSON precomputed (`staticPart`), so the large tool
 * schema is not re-serialised for every case.
 */
export function cacheKeyHash(key: JudgeCacheKey, staticPart = staticKeyPart(key)): string {
  return createHash('sha256')
    .update(staticPart)
    .update('\n')
    .update(stableStringify(key.messages))
    .update(`\n${key.trial}`)
    .digest('hex');
}

/** The part of a cache key that does not depend on the case. */
export function staticKeyPart(key: Omit<JudgeCacheKey, 'messages' | 'trial'>): string {
  return stableStringify({
    v: 1,
    endpoint: key.endpoint,
    model: key.model,
    api: key.api,
    tool: key.tool,
    params: key.params,
  });
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

  /**
   * The cached answer for a key, or undefined. Read synchronously on purpose: an entry is a few hundred
   * bytes, and the promise API's open/fstat/read/close each hop through libuv's thread pool, which made a
   * cached 10,000-case re-run several times slower (bench/judge.bench.mjs).
   */
  get(hash: string): JudgeCacheEntry | undefined {
    let text: string;
    try {
      text = readFileSync(this.fileFor(hash), 'utf8');
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
