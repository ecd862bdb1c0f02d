import { z } from 'zod';
import type { ScorerArgs, ScorerDefinition } from './types.js';
import { isPlainObject } from './util/json-text.js';
import { isOptional, matcherSchema, matchValue, show } from './util/matchers.js';
import { readArguments, readTools, validateArguments, type ToolSpec } from './util/tools.js';
import { bestAssignment } from './util/assignment.js';

/**
 * `order` for tool-call and tool-sequence: `any` (a set) or `strict` (the expected order). `set` and `ordered`
 * are the earlier spellings, still accepted.
 */
export const orderOption = z
  .enum(['any', 'strict', 'set', 'ordered'])
  .default('any')
  .transform((o): 'any' | 'strict' => (o === 'ordered' || o === 'strict' ? 'strict' : 'any'));

/** The order a case asks for: the row's `expected.order` (`strict` | `any`) wins over the option. */
export function orderFor(expected: unknown, option: 'any' | 'strict'): 'any' | 'strict' {
  const own = isPlainObject(expected) ? expected.order : undefined;
  if (own === 'strict' || own === 'ordered') return 'strict';
  if (own === 'any' || own === 'set') return 'any';
  return option;
}

const options = z
  .object({
    /** `subset`: every expected argument must match, others may be present; `exact`: no other arguments. */
    match: z.enum(['subset', 'exact']).default('subset'),
    /** OpenAI strict mode for every tool: no properties beyond the schema's (tools with `strict: true` always are). */
    strict: z.boolean().default(false),
    /** Matchers for expected arguments, by `"arg"` or `"tool.arg"`, replacing plain equality (see README). */
    matchers: z.record(z.string(), matcherSchema).default({}),
    /** Allow calls to tools missing from `context.tools`. */
    allow_unknown_tools: z.boolean().default(false),
    /** Score = fraction of checks passed, instead of 1 only when every check passes. */
    partial_credit: z.boolean().default(false),
    /**
     * Allow actual calls that no expected call is matched to (duplicates, retries, extras). Off by default, as
     * in BFCL: one expected call matches one actual call, and a call that ran but was not expected fails.
     */
    allow_extra: z.boolean().default(false),
    /** `any`: expected calls may happen in any order (matched as a set); `strict`: in the expected order. */
    order: orderOption,
  })
  .strict();

type Options = z.infer<typeof options>;

export interface ExpectedToolCall {
  name: string;
  arguments?: Record<string, unknown>;
}

/** `expected.tool_calls` of a case, when it has them. */
export function expectedToolCalls(expected: unknown): ExpectedToolCall[] | undefined {
  if (!isPlainObject(expected) || !Array.isArray(expected.tool_calls)) return undefined;
  return expected.tool_calls.filter(
    (c): c is ExpectedToolCall => isPlainObject(c) && typeof c.name === 'string',
  );
}

/** What one expected call's check found: per-argument results, schema violations, and the score. */
interface CallReport {
  name: string;
  called: boolean;
  arguments_json?: boolean;
  arguments?: Record<string, { ok: boolean; expected?: unknown; actual?: unknown; why?: string }>;
  unexpected_arguments?: string[];
  schema_errors?: Array<{ pointer: string; message: string }>;
  /** Which actual call (0-based) this expected call was matched to. */
  call_index?: number;
  score: number;
}

type ActualCall = NonNullable<ScorerArgs['toolCalls']>[number];

/**
 * The right tool was called with the right arguments: arguments are JSON, validate against the tool's schema
 * from `context.tools`, and match `expected.tool_calls`; no call names a tool that does not exist.
 */
export const toolCall: ScorerDefinition<Options> = {
  id: 'tool-call',
  version: '2',
  kind: 'code',
  failureModes: ['tool-argument-error'],
  description:
    'The expected tool calls were made, matched one to one as a set (optimal assignment; order only when asked): arguments are JSON, validate against the tool schema in context.tools (strict mode optional) and match expected.tool_calls (exact, subset or matchers); no unknown tools, no extra calls unless allowed.',
  options,
  create: (opts) => (args) => {
    const expected = expectedToolCalls(args.expected);
    const tools = readTools(args.context?.tools);
    const actual: ActualCall[] = Array.isArray(args.toolCalls) ? args.toolCalls : [];
    if (!expected && !tools) {
      return {
        name: 'tool-call',
        score: null,
        metadata: { reason: 'no expected.tool_calls and no context.tools' },
      };
    }
    if (!expected && actual.length === 0) {
      return {
        name: 'tool-call',
        score: null,
        metadata: { reason: 'no tool calls to check and no expected.tool_calls' },
      };
    }
    const problems: string[] = [];
    // Partial credit: the mean of one score per expected call (or per checked call), plus a 0 per unknown tool.
    const parts: number[] = [];

    // Every actual call names a declared tool.
    const unknown =
      tools && !opts.allow_unknown_tools ? actual.filter((c) => !tools.has(c.name)).map((c) => c.name) : [];
    for (const name of unknown) {
      problems.push(
        `called unknown tool "${name}" (not in context.tools: ${[...tools!.keys()].join(', ') || 'none'})`,
      );
      parts.push(0);
    }

    const calls: CallReport[] = [];
    let matchedAt: Array<number | null> = [];
    if (expected) {
      if (expected.length === 0 && actual.length > 0) {
        problems.push(`expected no tool call, got ${actual.map((c) => c.name).join(', ')}`);
        parts.push(0);
      }
      const order = orderFor(args.expected, opts.order);
      const { reports, assigned } = assignCalls(expected, actual, tools, opts, order === 'strict');
      matchedAt = assigned;
      reports.forEach((report, i) => {
        calls.push(report);
        checkProblems(report, actual, problems, order === 'strict' && assigned[i] === null);
        parts.push(report.score);
      });
      // One expected call, one actual call: whatever ran beyond the expectation fails the row (a duplicate, a
      // retry after a bad call, an extra), unless allowed. Unknown tools are reported above already.
      if (!opts.allow_extra && expected.length > 0) {
        const used = new Set(assigned.filter((i): i is number => i !== null));
        actual.forEach((call, index) => {
          if (used.has(index) || unknown.includes(call.name)) return;
          const wanted = expected.filter((w) => w.name === call.name).length;
          problems.push(
            wanted
              ? `unexpected extra call #${index + 1} to ${call.name} (${wanted} expected; a bad call that was retried still ran; allow_extra: true accepts it)`
              : `unexpected call #${index + 1} to ${call.name} (not in expected.tool_calls; allow_extra: true accepts it)`,
          );
          parts.push(0);
        });
      }
    } else {
      // No expectation: every call must at least be valid for its tool.
      for (const call of actual) {
        const tool = tools?.get(call.name);
        if (!tool) continue;
        const report = inspect(call, undefined, tool, opts);
        calls.push(report);
        checkProblems(report, actual, problems);
        parts.push(report.score);
      }
    }
    const allPassed = problems.length === 0;
    const score = allPassed
      ? 1
      : opts.partial_credit && parts.length
        ? parts.reduce((a, b) => a + b, 0) / parts.length
        : 0;
    const metadata: Record<string, unknown> = {
      calls,
      called: actual.map((c) => c.name),
      ...(expected ? { matched_at: matchedAt } : {}),
      ...(unknown.length ? { unknown_tools: unknown } : {}),
    };
    if (!allPassed) {
      metadata.reason = problems[0] + (problems.length > 1 ? ` (+${problems.length - 1} more)` : '');
      metadata.problems = problems;
    }
    return { name: 'tool-call', score, metadata };
  },
};

function checkProblems(
  report: CallReport,
  actual: ActualCall[],
  problems: string[],
  outOfOrder = false,
): void {
  if (!report.called) {
    const others = actual.map((c) => c.name);
    const already = actual.some((c) => c.name === report.name);
    problems.push(
      `${report.name} not called${outOfOrder && already ? ' in the expected order' : already ? ' once more (each expected call needs its own call)' : ''}${others.length ? ` (called: ${others.join(', ')})` : ' (no tool calls)'}`,
    );
    return;
  }
  if (report.arguments_json === false) {
    problems.push(`${report.name} arguments are not JSON`);
    return;
  }
  for (const e of report.schema_errors ?? [])
    problems.push(`${report.name}${e.pointer === '/' ? '' : e.pointer} ${e.message}`);
  for (const [arg, r] of Object.entries(report.arguments ?? {}))
    if (!r.ok) problems.push(`${report.name}.${arg}: ${r.why}`);
  for (const arg of report.unexpected_arguments ?? [])
    problems.push(`${report.name}.${arg}: unexpected argument (match: exact)`);
}

/**
 * Match expected calls to actual calls one to one, optimally: each pair of the same tool is inspected, and the
 * assignment maximises first the number of calls that pass every check, then the number of expected calls that
 * get a call of their tool at all, then the summed partial scores (so a failing expected call is reported
 * against its closest call). Greedy in-order matching would score `[f{a:1}, f{a:1,b:2}]` against
 * `[f{a:1,b:2}, f{a:1}]` as a failure.
 */
function assignCalls(
  expected: ExpectedToolCall[],
  actual: ActualCall[],
  tools: Map<string, ToolSpec> | undefined,
  opts: Options,
  ordered: boolean,
): { reports: CallReport[]; assigned: Array<number | null> } {
  const n = expected.length;
  // Lexicographic weights: a perfect pair outweighs any number of partial ones, any pair outweighs no pair.
  const pairWeight = n + 1;
  const perfectWeight = pairWeight * (n + 1);
  const inspected: Array<Array<CallReport | undefined>> = expected.map((want) =>
    actual.map((call) =>
      call.name === want.name ? inspect(call, want, tools?.get(want.name), opts) : undefined,
    ),
  );
  const weight = inspected.map((row) =>
    row.map((r) => (r ? (r.score === 1 ? perfectWeight : 0) + pairWeight + r.score : 0)),
  );
  const assigned = bestAssignment(weight, ordered);
  const reports = expected.map((want, i) => {
    const j = assigned[i];
    return j === null ? { name: want.name, called: false, score: 0 } : { ...inspected[i][j]!, call_index: j };
  });
  return { reports, assigned };
}

/** Check one actual call: JSON arguments, schema, expected arguments. */
function inspect(
  call: ActualCall,
  want: ExpectedToolCall | undefined,
  tool: ToolSpec | undefined,
  opts: Options,
): CallReport {
  const parsed = readArguments(call.arguments);
  if (!parsed.ok) return { name: call.name, called: true, arguments_json: false, score: 0 };
  const report: CallReport = { name: call.name, called: true, arguments_json: true, score: 0 };
  let passed = 1; // the JSON check
  let total = 1;
  if (tool) {
    const errors = validateArguments(tool, parsed.value, opts.strict);
    if (errors.length) report.schema_errors = errors;
    total++;
    if (!errors.length) passed++;
  }
  if (want?.arguments) {
    report.arguments = {};
    for (const [arg, literal] of Object.entries(want.arguments)) {
      const rule = opts.matchers[`${want.name}.${arg}`] ?? opts.matchers[arg] ?? literal;
      const value = parsed.value[arg];
      const absent = value === undefined && !(arg in parsed.value);
      const result = absent
        ? isOptional(rule)
          ? { ok: true }
          : { ok: false, why: `missing (expected ${show(rule)})` }
        : matchValue(rule, value);
      report.arguments[arg] = {
        ok: result.ok,
        expected: rule,
        actual: value,
        ...(result.ok ? {} : { why: result.why }),
      };
      total++;
      if (result.ok) passed++;
    }
    if (opts.match === 'exact') {
      const extra = Object.keys(parsed.value).filter((k) => !(k in want.arguments!));
      if (extra.length) report.unexpected_arguments = extra;
      total++;
      if (!extra.length) passed++;
    }
  }
  report.score = passed / total;
  return report;
}
