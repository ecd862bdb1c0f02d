import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { isPlainObject } from './json-text.js';

/**
 * A value matcher, written where an expected value goes: an object whose only keys start with `$`.
 * `{"$eq": v}` equals (the default for a bare value), `{"$oneOf": [a, b]}`, `{"$regex": "^ORD-\\d+$"}`,
 * `{"$approx": 9.99, "$tolerance": 0.01}` (numeric, absolute), `{"$ci": "Berlin"}` (case-insensitive string),
 * `{"$any": true}` (present, any value), `{"$optional": <value or matcher>}` (absent, or matching the inner
 * expectation: an argument the call may omit, BFCL's `""` among the possible answers).
 */
export const matcherSchema = z.union([
  z.object({ $eq: z.unknown() }).strict(),
  z.object({ $oneOf: z.array(z.unknown()) }).strict(),
  z.object({ $regex: z.string(), $flags: z.string().optional() }).strict(),
  z.object({ $approx: z.number(), $tolerance: z.number().nonnegative().optional() }).strict(),
  z.object({ $ci: z.string() }).strict(),
  z.object({ $any: z.literal(true) }).strict(),
  z.object({ $optional: z.unknown() }).strict(),
]);
export type Matcher = z.infer<typeof matcherSchema>;

const MATCHER_KEYS = new Set([
  '$eq',
  '$oneOf',
  '$regex',
  '$flags',
  '$approx',
  '$tolerance',
  '$ci',
  '$any',
  '$optional',
]);

/** True when a value is written as a matcher (every key a known `$` key). */
export function isMatcher(value: unknown): value is Matcher {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => MATCHER_KEYS.has(k));
}

const regexCache = new Map<string, RegExp>();
function regex(source: string, flags = ''): RegExp {
  const key = `${flags}/${source}`;
  let re = regexCache.get(key);
  if (!re) regexCache.set(key, (re = new RegExp(source, flags)));
  return re;
}

/** The outcome of matching one value: `ok`, and when not, why. */
export interface MatchResult {
  ok: boolean;
  why?: string;
}

/**
 * Match an actual value against an expected value or matcher. Plain objects compare key by key (matchers may
 * sit at any depth); `subset` lets the actual object carry keys the expected one does not name.
 */
export function matchValue(expected: unknown, actual: unknown, subset = false): MatchResult {
  if (isMatcher(expected)) return applyMatcher(expected, actual);
  if (isPlainObject(expected) && isPlainObject(actual)) {
    for (const [key, value] of Object.entries(expected)) {
      if (!(key in actual)) {
        if (isOptional(value)) continue;
        return { ok: false, why: `missing ${key}` };
      }
      const inner = matchValue(value, actual[key], subset);
      if (!inner.ok) return { ok: false, why: `${key}: ${inner.why}` };
    }
    if (!subset) {
      const extra = Object.keys(actual).filter((k) => !(k in expected));
      if (extra.length) return { ok: false, why: `unexpected ${extra.join(', ')}` };
    }
    return { ok: true };
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    for (let i = 0; i < expected.length; i++) {
      const inner = matchValue(expected[i], actual[i], subset);
      if (!inner.ok) return { ok: false, why: `[${i}]: ${inner.why}` };
    }
    return { ok: true };
  }
  return isDeepStrictEqual(expected, actual)
    ? { ok: true }
    : { ok: false, why: `expected ${show(expected)}, got ${show(actual)}` };
}

/** True for `{"$optional": …}`: the key may be absent. */
export function isOptional(value: unknown): value is { $optional: unknown } {
  return isPlainObject(value) && '$optional' in value && Object.keys(value).length === 1;
}

function applyMatcher(m: Matcher, actual: unknown): MatchResult {
  if ('$optional' in m) return actual === undefined ? { ok: true } : matchValue(m.$optional, actual);
  if ('$any' in m) return actual === undefined ? { ok: false, why: 'missing' } : { ok: true };
  if ('$eq' in m) return matchValue(m.$eq, actual);
  if ('$oneOf' in m) {
    return m.$oneOf.some((v) => matchValue(v, actual).ok)
      ? { ok: true }
      : { ok: false, why: `expected one of ${m.$oneOf.map(show).join(', ')}, got ${show(actual)}` };
  }
  if ('$regex' in m) {
    return typeof actual === 'string' && regex(m.$regex, m.$flags).test(actual)
      ? { ok: true }
      : { ok: false, why: `expected to match /${m.$regex}/${m.$flags ?? ''}, got ${show(actual)}` };
  }
  if ('$approx' in m) {
    const tolerance = m.$tolerance ?? 1e-9;
    return typeof actual === 'number' && Math.abs(actual - m.$approx) <= tolerance
      ? { ok: true }
      : { ok: false, why: `expected ${m.$approx} ± ${tolerance}, got ${show(actual)}` };
  }
  return typeof actual === 'string' && actual.toLowerCase() === m.$ci.toLowerCase()
    ? { ok: true }
    : { ok: false, why: `expected ${show(m.$ci)} (any case), got ${show(actual)}` };
}

/** A short JSON rendering for reasons. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? text.slice(0, 59) + '…' : text;
}
