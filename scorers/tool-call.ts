import { z } from 'zod';
import type { ScorerArgs, ScorerDefinition } from './types.js';
import { isPlainObject } from './util/json-text.js';
import { matcherSchema, matchValue, show } from './util/matchers.js';
import { readArguments, readTools, validateArguments, type ToolSpec } from './util/tools.js';

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
  score: number;
}

type ActualCall = NonNullable<ScorerArgs['toolCalls']>[number];

/**
 * The right tool was called with the right arguments: arguments are JSON, validate against the tool's schema
 * from `context.tools`, and match `expected.tool_calls`; no call names a tool that does not exist.
 */
export const toolCall: ScorerDefinition<Options> = {
  id: 'tool-call',
  version: '1',
  kind: 'code',
  failureModes: ['tool-argument-error'],
  description:
    'The expected tool was called, its arguments are JSON, validate against the tool schema in context.tools (strict mode optional) and match expected.tool_calls (exact, subset or matchers); no hallucinated tools.',
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
    if (expected) {
      if (expected.length === 0 && actual.length > 0) {
        problems.push(`expected no tool call, got ${actual.map((c) => c.name).join(', ')}`);
        parts.push(0);
      }
      const used = new Set<number>();
      for (const want of expected) {
        const report = bestCall(want, actual, used, tools?.get(want.name), opts);
        calls.push(report);
        checkProblems(report, actual, problems);
        parts.push(report.score);
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
      ...(unknown.length ? { unknown_tools: unknown } : {}),
    };
    if (!allPassed) {
      metadata.reason = problems[0] + (problems.length > 1 ? ` (+${problems.length - 1} more)` : '');
      metadata.problems = problems;
    }
    return { name: 'tool-call', score, metadata };
  },
};

function checkProblems(report: CallReport, actual: ActualCall[], problems: string[]): void {
  if (!report.called) {
    const others = actual.map((c) => c.name);
    problems.push(
      `${report.name} not called${others.length ? ` (called: ${others.join(', ')})` : ' (no tool calls)'}`,
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

/** Of the unused calls to the expected tool, the one that matches best (so order does not matter here). */
function bestCall(
  want: ExpectedToolCall,
  actual: ActualCall[],
  used: Set<number>,
  tool: ToolSpec | undefined,
  opts: Options,
): CallReport {
  let best: { report: CallReport; index: number } | undefined;
  actual.forEach((call, index) => {
    if (used.has(index) || call.name !== want.name) return;
    const report = inspect(call, want, tool, opts);
    if (!best || report.score > best.report.score) best = { report, index };
  });
  if (!best) return { name: want.name, called: false, score: 0 };
  used.add(best.index);
  return best.report;
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
      const result =
        value === undefined && !(arg in parsed.value)
          ? { ok: false, why: `missing (expected ${show(rule)})` }
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
