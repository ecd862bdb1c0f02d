import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/**
 * One readable line per zod issue: `path.to.key: message[ — fix]`. A union (e.g. a scorer given as a
 * string or an object) is reported through the branch the value was meant for, not as "Invalid input".
 * `hints` maps a key name to how to fix it; the nearest key on the path with a hint wins.
 */
export function formatZodIssues(
  error: z.ZodError,
  hints: Record<string, string> = {},
  options: {
    /** Describes unknown keys at `path` (e.g. with "did you mean"); replaces the parent key's hint. */
    unknownKeys?: (keys: string[], path: PropertyKey[]) => string;
  } = {},
): string[] {
  return flattenIssues(error.issues, []).map(({ issue, path }) => {
    const keyPath = path.map(String).join('.') || '(root)';
    // A misspelt key's fix is about that key, not about the object it sits in.
    if (issue.code === 'unrecognized_keys' && options.unknownKeys)
      return `${keyPath}: ${options.unknownKeys(issue.keys, path)}`;
    const hintKey = [...path].reverse().find((k) => typeof k === 'string' && hints[k]) as string | undefined;
    return `${keyPath}: ${describeIssue(issue)}${hintKey ? ` — ${hints[hintKey]}` : ''}`;
  });
}

function flattenIssues(
  issues: readonly Issue[],
  prefix: PropertyKey[],
): Array<{ issue: Issue; path: PropertyKey[] }> {
  const out: Array<{ issue: Issue; path: PropertyKey[] }> = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length) {
      // Branches that failed only because the value has another type were not the one the user meant.
      const meant = issue.errors.filter(
        (branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0),
      );
      if (meant.length >= 1) {
        out.push(...flattenIssues(meant[0], path));
        continue;
      }
    }
    out.push({ issue, path });
  }
  return out;
}

function describeIssue(issue: Issue): string {
  if (issue.code === 'invalid_type') {
    // Parse with { reportInput: true } so a wrong value can be quoted; no input means the key is missing.
    const input = (issue as { input?: unknown }).input;
    return input === undefined
      ? `is required (expected ${issue.expected})`
      : `expected ${issue.expected}, got ${describeValue(input)}`;
  }
  if (issue.code === 'unrecognized_keys')
    return `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string')
    return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return typeof value === 'object' ? 'object' : `${typeof value} ${String(value)}`;
}
