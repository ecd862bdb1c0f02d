import { UsageError } from '../errors.js';
import { isRecord, type Trace } from '../traces/trace.js';
import { isNegativeFeedback } from './label.js';

/** A compiled `--where` condition. */
export type TracePredicate = (trace: Trace) => boolean;

const OPS = ['!=', '<=', '>=', '=', '<', '>', '~'] as const;

/**
 * Read a dotted path from a trace. `feedback.NAME` and `scores.NAME` look feedback up by name; other paths
 * walk the trace's fields (`metadata.user.plan`, `model_version`, `feature_flags.new_ranker`, `error`).
 */
export function tracePath(trace: Trace, path: string): unknown {
  const [head, ...rest] = path.split('.');
  if (head === 'feedback' && rest.length) {
    const name = rest.join('.');
    return trace.feedback.find((f) => f.name === name)?.value;
  }
  let value: unknown = trace;
  for (const part of [head, ...rest]) {
    if (Array.isArray(value))
      value = /^\d+$/.test(part)
        ? value[Number(part)]
        : value.map((v) => (isRecord(v) ? v[part] : undefined));
    else if (isRecord(value)) value = value[part];
    else return undefined;
  }
  return value;
}

function compare(actual: unknown, op: (typeof OPS)[number], expected: string): boolean {
  if (Array.isArray(actual))
    return op === '!='
      ? actual.every((a) => compare(a, op, expected))
      : actual.some((a) => compare(a, op, expected));
  if (op === '~') {
    return (
      actual !== undefined &&
      actual !== null &&
      new RegExp(expected, 'i').test(typeof actual === 'string' ? actual : JSON.stringify(actual))
    );
  }
  const number = Number(expected);
  if (op === '=' || op === '!=') {
    const equal =
      actual === undefined || actual === null
        ? expected === 'null'
        : typeof actual === 'number'
          ? actual === number
          : typeof actual === 'boolean'
            ? String(actual) === expected
            : typeof actual === 'string'
              ? actual === expected
              : JSON.stringify(actual) === expected;
    return op === '=' ? equal : !equal;
  }
  const a =
    typeof actual === 'number' ? actual : typeof actual === 'string' && actual !== '' ? Number(actual) : NaN;
  if (Number.isNaN(a) || Number.isNaN(number)) {
    if (typeof actual !== 'string') return false;
    // ISO timestamps compare as strings.
    return op === '<'
      ? actual < expected
      : op === '<='
        ? actual <= expected
        : op === '>'
          ? actual > expected
          : actual >= expected;
  }
  return op === '<' ? a < number : op === '<=' ? a <= number : op === '>' ? a > number : a >= number;
}

/**
 * Compile one `--where` condition:
 * - `thumbs-down` (or `negative-feedback`): some user feedback is negative (thumbs-down, "bad", a rating < 0.5);
 * - `low-score` / `low-score<0.7`: some online score is below 0.5 (or the given value);
 * - `error`: the trace recorded an error; `PATH` alone: PATH is present and truthy; `!PATH`: it is not;
 * - `PATH OP VALUE` with OP one of = != < <= > >= ~ (regex): e.g. `feedback.thumbs=down`,
 *   `scores.helpfulness<0.5`, `metadata.plan=enterprise`, `model_version~^gpt-4`, `start_time>=2026-01-01`.
 */
export function parseWhere(expression: string): TracePredicate {
  const text = expression.trim();
  if (!text)
    throw new UsageError('--where "": expected a condition such as thumbs-down or scores.helpfulness<0.5');
  if (text === 'thumbs-down' || text === 'negative-feedback')
    return (t) => t.feedback.some((f) => isNegativeFeedback(f.value));
  const low = /^low-score(?:\s*<\s*(\d*\.?\d+))?$/.exec(text);
  if (low) {
    const threshold = low[1] ? Number(low[1]) : 0.5;
    return (t) => Object.values(t.scores).some((v) => typeof v === 'number' && v < threshold);
  }
  for (const op of OPS) {
    const at = text.indexOf(op);
    if (at <= 0) continue;
    // Take the earliest operator position; `<=` is listed before `<` so it wins at the same position.
    const earliest = OPS.map((o) => ({ o, i: text.indexOf(o) }))
      .filter((x) => x.i > 0)
      .sort((x, y) => x.i - y.i || y.o.length - x.o.length)[0];
    const path = text.slice(0, earliest.i).trim();
    const value = text.slice(earliest.i + earliest.o.length).trim();
    if (!/^[\w.-]+$/.test(path))
      throw new UsageError(
        `--where "${expression}": "${path}" is not a field path (e.g. scores.helpfulness)`,
      );
    if (earliest.o === '~') {
      try {
        new RegExp(value, 'i');
      } catch (error) {
        throw new UsageError(
          `--where "${expression}": invalid regular expression: ${(error as Error).message}`,
        );
      }
    }
    return (t) => compare(tracePath(t, path), earliest.o, value);
  }
  const negate = text.startsWith('!');
  const path = negate ? text.slice(1) : text;
  if (!/^[\w.-]+$/.test(path)) {
    throw new UsageError(
      `--where "${expression}": expected thumbs-down, low-score[<N], PATH, !PATH or PATH OP VALUE (OP: = != < <= > >= ~)`,
    );
  }
  return (t) => {
    const v = tracePath(t, path);
    const present =
      v !== undefined && v !== null && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0);
    return negate ? !present : present;
  };
}

/** All conditions must hold. */
export function parseWhereAll(expressions: string[]): TracePredicate {
  const predicates = expressions.map(parseWhere);
  return (t) => predicates.every((p) => p(t));
}
