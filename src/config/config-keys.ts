import type { z } from 'zod';

/**
 * The keys an object in a zod schema accepts at `path` (record keys and array indexes are stepped over),
 * or [] when the path leads to no object. Used to suggest the key a user meant.
 */
export function knownKeysAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const step of path) {
    current = objectBranch(current);
    const def = defOf(current);
    if (!def) return [];
    if (def.type === 'object') current = (def.shape as Record<string, unknown>)[String(step)];
    else if (def.type === 'record') current = def.valueType;
    else if (def.type === 'array') current = def.element;
    else return [];
  }
  const def = defOf(objectBranch(current));
  return def?.type === 'object' ? Object.keys(def.shape as Record<string, unknown>) : [];
}

type Def = { type: string; [key: string]: unknown };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** Unwrap defaults, optionals and pipes, and pick the object (or container) branch of a union. */
function objectBranch(schema: unknown): unknown {
  for (let i = 0; i < 20; i++) {
    const def = defOf(schema);
    if (!def) return schema;
    if (
      def.type === 'default' ||
      def.type === 'optional' ||
      def.type === 'nullable' ||
      def.type === 'prefault'
    )
      schema = def.innerType;
    else if (def.type === 'pipe') schema = def.in;
    else if (def.type === 'union')
      schema =
        (def.options as unknown[]).find((o) =>
          ['object', 'record', 'array'].includes(defOf(o)?.type ?? ''),
        ) ?? (def.options as unknown[])[0];
    else return schema;
  }
  return schema;
}

/** The closest known key to a misspelt one (edit distance ≤ 1/3 of its length, at least 1), if any. */
export function didYouMean(key: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = key.toLowerCase();
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance with adjacent transpositions (`treshold`, `thersholds`). Keys are short. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** `unknown key "treshold" — did you mean "threshold"? Known keys here: …`, one line per key. */
export function describeUnknownKeys(schema: z.ZodType, keys: string[], path: PropertyKey[]): string {
  const known = knownKeysAt(schema, path);
  const parts = keys.map((key) => {
    const guess = didYouMean(key, known);
    return `unknown key "${key}"${guess ? ` — did you mean "${guess}"?` : ''}`;
  });
  const list = known.length ? ` Keys allowed here: ${known.join(', ')}.` : '';
  return `${parts.join('; ')}${list}`;
}
