import { UsageError } from '../errors.js';

/** A shard: this run takes the cases whose id hashes to `index` (1-based) of `total`. */
export interface Shard {
  index: number;
  total: number;
}

/** Parse `K/N` (1 ≤ K ≤ N). */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : NaN;
  const total = match ? Number(match[2]) : NaN;
  if (!match || index < 1 || total < 1 || index > total) {
    throw new UsageError(`Invalid shard "${text}". Expected K/N with 1 ≤ K ≤ N, e.g. --shard 2/4.`);
  }
  return { index, total };
}

/**
 * Stable assignment by case id (FNV-1a), so a case stays in the same shard when other cases are added or
 * removed, and every case lands in exactly one shard.
 */
export function shardOf(id: string, total: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return ((hash >>> 0) % total) + 1;
}
