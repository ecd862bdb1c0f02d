import type { RegressionCase } from '../cases/regression-case.js';
import { UsageError } from '../errors.js';

/** A predicate over cases built from `--filter key=value[,value…]` expressions (all must hold). */
export type CaseFilter = (c: RegressionCase) => boolean;

const KEYS = ['failure_mode', 'id', 'tag', 'kind', 'review_status', 'dataset'] as const;

/**
 * Parse filters such as `failure_mode=hallucination,format-violation`, `tag=billing`, `id=fmt-*`.
 * Values are alternatives; `*` matches any run of characters. Several filters must all match.
 */
export function parseCaseFilters(expressions: string[]): (c: RegressionCase, dataset: string) => boolean {
  const checks = expressions.map((expr) => {
    const eq = expr.indexOf('=');
    const key = expr.slice(0, eq).trim();
    if (eq < 1 || !(KEYS as readonly string[]).includes(key)) {
      throw new UsageError(
        `Invalid --filter "${expr}". Expected key=value with key one of: ${KEYS.join(', ')}.`,
      );
    }
    const patterns = expr
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => new RegExp('^' + v.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$'));
    const matches = (value: unknown) => typeof value === 'string' && patterns.some((p) => p.test(value));
    return (c: RegressionCase, dataset: string): boolean => {
      switch (key) {
        case 'failure_mode':
          return matches(c.metadata.failure_mode);
        case 'id':
          return matches(c.id);
        case 'tag':
          return (c.tags ?? []).some(matches);
        case 'kind':
          return matches(c.metadata.kind ?? 'failure');
        case 'review_status':
          return matches(c.metadata.review_status ?? 'approved');
        default:
          return matches(dataset);
      }
    };
  });
  return (c, dataset) => checks.every((check) => check(c, dataset));
}
