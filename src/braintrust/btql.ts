import { UsageError } from '../errors.js';

/**
 * The filters `promote --from braintrust:PROJECT` pushes down into BTQL, so Braintrust returns only the
 * failing spans instead of the whole project.
 *
 * Quoting, as Braintrust's BTQL reference documents it: string literals are single-quoted
 * (`input ILIKE '%hello%'`), and a field name that is not a plain identifier is escaped with double
 * quotes (`scores."User rating"`). The reference documents no escape sequence inside either, so tracegate
 * does not guess one: a value holding a quote, a backslash or a control character is refused with a
 * message, rather than sent in a form the server might read differently.
 */

export type ScoreOp = '<' | '<=' | '>' | '>=' | '=' | '!=';

/** `scores.<name> <op> <value>`. */
export interface ScoreFilter {
  name: string;
  op: ScoreOp;
  value: number;
}

export interface LogFilters {
  /** Rows created at or after (ISO 8601, normalised). */
  since?: string;
  /** Rows created before (ISO 8601, normalised). */
  until?: string;
  /** Score conditions (all must hold). */
  scores?: ScoreFilter[];
  /** Feedback conditions: user feedback is stored as scores, so these are score conditions too. */
  feedback?: ScoreFilter[];
  /** Tags the row must carry (all of them). */
  tags?: string[];
}

const UNSAFE = /['"\\\u0000-\u001f\u007f]/;

/** A BTQL string literal for a user's value; refuses what the documented syntax cannot carry. */
export function stringLiteral(value: string, flag: string): string {
  if (UNSAFE.test(value))
    throw new UsageError(
      `${flag} "${value}": quotes, backslashes and control characters cannot be sent in a BTQL filter (Braintrust's query reference documents no escape for them).`,
      ['Filter on a value without them, or filter locally with --where after fetching.'],
    );
  return `'${value}'`;
}

/** A field path segment: a plain identifier as is, anything else in double quotes. */
export function fieldName(name: string, flag: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  if (!name || UNSAFE.test(name))
    throw new UsageError(
      `${flag}: the score name "${name}" cannot be written in BTQL (empty, or holding a quote, backslash or control character).`,
    );
  return `"${name}"`;
}

/** Parse `NAME<0.5`, `NAME>=1`, `NAME=0` (for `--score`), or a bare `NAME` meaning `NAME=0` (for `--feedback`). */
export function parseScoreFilter(text: string, flag: string, bareMeansZero: boolean): ScoreFilter {
  const m = /^(.+?)\s*(<=|>=|!=|<|>|=)\s*(.+)$/s.exec(text.trim());
  if (!m) {
    if (bareMeansZero && text.trim()) return { name: text.trim(), op: '=', value: 0 };
    throw new UsageError(`${flag} "${text}": expected NAME OP NUMBER, e.g. ${flag} "Factuality<0.5"`);
  }
  const value = Number(m[3]);
  if (m[3].trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} "${text}": "${m[3]}" is not a number`);
  return { name: m[1].trim(), op: m[2] as ScoreOp, value };
}

/** An ISO 8601 date or time, normalised; the error names the flag. */
export function isoTime(value: string, flag: string): string {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t))
    throw new UsageError(
      `${flag} "${value}": expected an ISO 8601 date or time, e.g. 2026-11-01 or 2026-11-01T09:30:00Z`,
    );
  return new Date(t).toISOString();
}

/** The `filter:` expression for the filters (clauses joined with `and`), or undefined when there are none. */
export function filterExpression(filters: LogFilters): string | undefined {
  const clauses: string[] = [];
  if (filters.since) clauses.push(`created >= ${stringLiteral(filters.since, '--since')}`);
  if (filters.until) clauses.push(`created < ${stringLiteral(filters.until, '--until')}`);
  for (const [flag, list] of [
    ['--score', filters.scores],
    ['--feedback', filters.feedback],
  ] as const)
    for (const s of list ?? []) {
      if (!Number.isFinite(s.value)) throw new UsageError(`${flag} ${s.name}: the value must be a number`);
      clauses.push(`scores.${fieldName(s.name, flag)} ${s.op} ${s.value}`);
    }
  for (const tag of filters.tags ?? []) clauses.push(`tags includes ${stringLiteral(tag, '--tag')}`);
  return clauses.length ? clauses.join(' and ') : undefined;
}
