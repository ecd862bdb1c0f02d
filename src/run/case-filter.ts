import type { RegressionCase } from '../cases/regression-case.js';
import { UsageError } from '../errors.js';

/** A predicate over cases built from `--filter key=value[,value…]` expressions (all must hold). */
export type CaseFilter = (c: RegressionCase, dataset: string) => boolean;

const KEYS = ['failure_mode', 'id', 'tag', 'kind', 'review_status', 'dataset'] as const;
type FilterKey = (typeof KEYS)[number];

/** One parsed `--filter` expression: what it tests, and the values of its key on a case. */
export interface FilterExpression {
  /** The expression as given, e.g. `failure_mode=halucination`. */
  text: string;
  key: FilterKey;
  test: CaseFilter;
  /** The values this expression's key has on a case (e.g. its failure mode, or its tags). */
  valuesOf(c: RegressionCase, dataset: string): string[];
}

/** Parse each expression; an unknown key is a usage error listing the keys. */
export function compileCaseFilters(expressions: string[]): FilterExpression[] {
  return expressions.map((text) => {
    const eq = text.indexOf('=');
    const key = text.slice(0, eq).trim() as FilterKey;
    if (eq < 1 || !(KEYS as readonly string[]).includes(key)) {
      throw new UsageError(
        `Invalid --filter "${text}". Expected key=value with key one of: ${KEYS.join(', ')}.`,
      );
    }
    const patterns = text
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
      .map((v) => new RegExp('^' + v.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$'));
    if (patterns.length === 0)
      throw new UsageError(`Invalid --filter "${text}": no value after "=". Expected e.g. ${key}=…`);
    const valuesOf = (c: RegressionCase, dataset: string): string[] => {
      switch (key) {
        case 'failure_mode':
          return [c.metadata.failure_mode];
        case 'id':
          return [c.id];
        case 'tag':
          return (c.tags ?? []).filter((t): t is string => typeof t === 'string');
        case 'kind':
          return [c.metadata.kind ?? 'failure'];
        case 'review_status':
          return [c.metadata.review_status ?? 'approved'];
        default:
          return [dataset];
      }
    };
    const test = (c: RegressionCase, dataset: string) =>
      valuesOf(c, dataset).some((value) => typeof value === 'string' && patterns.some((p) => p.test(value)));
    return { text, key, test, valuesOf };
  });
}

/**
 * Parse filters such as `failure_mode=hallucination,format-violation`, `tag=billing`, `id=fmt-*`.
 * Values are alternatives; `*` matches any run of characters. Several filters must all match.
 */
export function parseCaseFilters(expressions: string[]): CaseFilter {
  const checks = compileCaseFilters(expressions);
  return (c, dataset) => checks.every((check) => check.test(c, dataset));
}

/** How many distinct values to collect per filter key for the "values present" hint. */
const MAX_VALUES = 50;

/**
 * Watches every row a selection sees, to explain an empty selection: which expressions matched nothing
 * and which values of their key exist (`failure_mode=halucination matched nothing; values present: …`).
 */
export class FilterCoverage {
  private readonly matched: boolean[];
  private readonly values: Array<Set<string>>;

  constructor(private readonly expressions: FilterExpression[]) {
    this.matched = expressions.map(() => false);
    this.values = expressions.map(() => new Set<string>());
  }

  /** Record one row. */
  observe(c: RegressionCase, dataset: string): void {
    for (let i = 0; i < this.expressions.length; i++) {
      const e = this.expressions[i];
      if (!this.matched[i] && e.test(c, dataset)) this.matched[i] = true;
      const seen = this.values[i];
      if (seen.size < MAX_VALUES) for (const v of e.valuesOf(c, dataset)) seen.add(v);
    }
  }

  /** One line per expression that matched no row, or one line saying only their combination is empty. */
  explain(): string[] {
    const lines = this.expressions.flatMap((e, i) => {
      if (this.matched[i]) return [];
      const present = [...this.values[i]].sort();
      const list = present.length
        ? `values present: ${present.slice(0, 20).join(', ')}${present.length > 20 ? ', …' : ''}`
        : `no row has a ${e.key}`;
      return [`--filter ${e.text} matched nothing; ${list}`];
    });
    if (lines.length === 0 && this.expressions.length > 1)
      lines.push(
        `each --filter matches some rows, but no row matches all of them (${this.expressions.map((e) => e.text).join(' and ')})`,
      );
    return lines;
  }
}
