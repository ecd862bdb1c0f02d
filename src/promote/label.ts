import { BUILTIN_SCORERS, defaultScorersFor } from '../../scorers/registry.js';
import { compileSchema, describeSchemaErrors } from '../../scorers/json-schema.js';
import { BUILTIN_FAILURE_MODES } from '../cases/regression-case.js';
import { isRecord, type Trace } from '../traces/trace.js';

/** Why a trace is (proposed as) a failure: the check that found it and what it points at. */
export interface Evidence {
  failure_mode: string;
  /** Which check found it: a trace check (`tool-error`, `tool-arguments`, `output-schema`, …) or `scorer:<id>`. */
  check: string;
  /** One line for people: what went wrong. */
  reason: string;
  tool?: string;
  argument?: string;
  pointer?: string;
  document_id?: string;
  score?: number;
}

/** The verdict of labelling one trace. */
export interface Label {
  failure_mode: string;
  review_status: 'pending' | 'approved' | 'rejected';
  /** The evidence the signature is built from (the first that names this failure mode), if any. */
  evidence?: Evidence;
  /** Everything the checks found, for the row's metadata. */
  all_evidence: Evidence[];
}

function toolName(def: unknown): string | undefined {
  if (!isRecord(def)) return undefined;
  const fn = isRecord(def.function) ? def.function : def;
  return typeof fn.name === 'string' ? fn.name : undefined;
}

function toolSchema(def: unknown): object | boolean | undefined {
  if (!isRecord(def)) return undefined;
  const fn = isRecord(def.function) ? def.function : def;
  const schema = fn.parameters ?? fn.input_schema ?? fn.inputSchema ?? fn.json_schema;
  return isRecord(schema) || typeof schema === 'boolean' ? (schema as object | boolean) : undefined;
}

/** Parse output that should be JSON. */
function outputJson(output: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof output !== 'string') return { ok: true, value: output };
  const text = output
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/```$/, '');
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Ids of documents the right answer needed, when the source recorded them in `expected`. */
function expectedDocumentIds(expected: unknown): string[] {
  if (!isRecord(expected)) return [];
  for (const key of [
    'document_ids',
    'doc_ids',
    'documents',
    'retrieved',
    'sources',
    'source_ids',
    'context_ids',
  ]) {
    const v = expected[key];
    if (Array.isArray(v)) {
      return v
        .map((d) => (isRecord(d) ? (d.id ?? d.doc_id) : d))
        .filter((d): d is string | number => typeof d === 'string' || typeof d === 'number')
        .map(String);
    }
  }
  return [];
}

/**
 * The deterministic checks over a recorded trace, most specific first. Each finding names a failure
 * mode and the evidence; nothing here calls a model.
 */
export function traceChecks(trace: Trace): Evidence[] {
  const found: Evidence[] = [];

  // 1. Tool calls that failed, and arguments that break the tool's declared parameter schema.
  for (const call of trace.tool_calls) {
    const args = call.arguments;
    if (typeof args === 'string' && /^\s*[{[]/.test(args)) {
      found.push({
        failure_mode: 'tool-argument-error',
        check: 'tool-arguments',
        tool: call.name,
        argument: '(json)',
        reason: `${call.name} was called with arguments that are not valid JSON`,
      });
      continue;
    }
    const def = trace.tools.find((d) => toolName(d) === call.name);
    const schema = def ? toolSchema(def) : undefined;
    if (schema !== undefined && args !== undefined) {
      const validate = compileSchema(schema);
      if (!validate(args)) {
        const errors = describeSchemaErrors(validate.errors);
        const first = errors[0];
        const argument = first.pointer.split('/').filter(Boolean)[0] ?? '*';
        found.push({
          failure_mode: 'tool-argument-error',
          check: 'tool-arguments',
          tool: call.name,
          argument,
          pointer: first.pointer,
          reason: `${call.name} argument ${first.pointer} ${first.message}`,
        });
        continue;
      }
    }
    if (call.error) {
      const keys = isRecord(args) ? Object.keys(args) : [];
      const errorText = call.error.toLowerCase();
      const argument =
        keys.find((k) => errorText.includes(k.toLowerCase())) ??
        keys.find((k) =>
          errorText.includes(String(args && (args as Record<string, unknown>)[k]).toLowerCase()),
        ) ??
        '*';
      found.push({
        failure_mode: 'tool-argument-error',
        check: 'tool-error',
        tool: call.name,
        argument,
        reason: `${call.name} failed: ${call.error.split('\n')[0].slice(0, 200)}`,
      });
    }
  }

  // 2. Output that breaks the requested response schema.
  if (trace.response_schema !== undefined && trace.output !== undefined && trace.output !== null) {
    const parsed = outputJson(trace.output);
    if (!parsed.ok)
      found.push({
        failure_mode: 'format-violation',
        check: 'output-schema',
        pointer: '/',
        reason: `output is not JSON: ${parsed.error}`,
      });
    else if (isRecord(trace.response_schema) || typeof trace.response_schema === 'boolean') {
      const validate = compileSchema(trace.response_schema as object);
      if (!validate(parsed.value)) {
        const first = describeSchemaErrors(validate.errors)[0];
        found.push({
          failure_mode: 'format-violation',
          check: 'output-schema',
          pointer: first.pointer,
          reason: `output ${first.pointer} ${first.message}`,
        });
      }
    }
  }

  // 3. Retrieval: a document the answer needed was not retrieved, or nothing was.
  const retrievedIds = new Set(trace.retrieved.map((c) => c.id));
  for (const id of expectedDocumentIds(trace.expected)) {
    if (!retrievedIds.has(id))
      found.push({
        failure_mode: 'retrieval-miss',
        check: 'expected-document',
        document_id: id,
        reason: `document ${id} was not retrieved`,
      });
  }
  const retrievalSpans = trace.spans.filter((s) => s.kind === 'retrieval');
  if (retrievalSpans.length && trace.retrieved.length === 0) {
    found.push({
      failure_mode: 'retrieval-miss',
      check: 'empty-retrieval',
      document_id: '(none)',
      reason: 'the retrieval step returned no documents',
    });
  }

  // 4. Hallucination: citations of documents that were not retrieved; figures found in no source.
  const output =
    typeof trace.output === 'string'
      ? trace.output
      : trace.output === undefined
        ? ''
        : JSON.stringify(trace.output);
  if (retrievedIds.size) {
    for (const m of output.matchAll(/\[([A-Za-z][\w.-]*\d[\w.-]*)\]/g)) {
      if (!retrievedIds.has(m[1])) {
        // No document_id: hallucinations cluster by question, whatever id was made up.
        found.push({
          failure_mode: 'hallucination',
          check: 'citation',
          reason: `cites [${m[1]}], which was not retrieved`,
        });
        break;
      }
    }
  }
  return found;
}

/**
 * The registry's deterministic scorers that a built-in failure mode runs by default, on the recorded
 * output as a replay would: each that applies (non-null) and scores below 1 is evidence for that mode.
 * Generic comparers (exact-match, levenshtein, …) are left out: without a reviewed `expected` they say
 * nothing about what failed. Format scorers count only when the trace asked for structured output.
 */
export async function scorerChecks(trace: Trace): Promise<Evidence[]> {
  const found: Evidence[] = [];
  // With no retrieval recorded, citation and claim checks have nothing to check against: not applicable
  // (undefined makes those scorers return null), never "cites kb-3, which was not retrieved".
  const retrieved = retrievalRecorded(trace) ? trace.retrieved : undefined;
  const context = {
    retrieved,
    tools: trace.tools,
    tool_calls: trace.tool_calls,
    system_prompt: trace.system_prompt,
    schema: trace.response_schema,
  };
  const args = {
    input: trace.input,
    output: trace.output,
    expected: caseExpected(trace, undefined),
    metadata: {},
    context,
    toolCalls: trace.tool_calls,
    retrieved,
  };
  for (const mode of BUILTIN_FAILURE_MODES) {
    if (mode === 'format-violation' && trace.response_schema === undefined) continue;
    for (const id of defaultScorersFor(mode)) {
      const definition = BUILTIN_SCORERS[id];
      if (!definition || definition.kind !== 'code') continue;
      const options = definition.options.safeParse({});
      if (!options.success) continue;
      let score;
      try {
        score = await definition.create(options.data, { cwd: process.cwd() })(args as never);
      } catch {
        continue; // a scorer that cannot run on this trace is no evidence either way
      }
      if (typeof score?.score !== 'number' || score.score >= 1) continue;
      const meta = score.metadata ?? {};
      const reason =
        typeof meta.reason === 'string' ? meta.reason : `${definition.id} scored ${score.score.toFixed(2)}`;
      found.push({ failure_mode: mode, check: `scorer:${definition.id}`, score: score.score, reason });
    }
  }
  return found;
}

/** Whether the trace recorded a retrieval step (a retrieval span, or retrieved chunks from any span). */
export function retrievalRecorded(trace: Trace): boolean {
  return trace.retrieved.length > 0 || trace.spans.some((s) => s.kind === 'retrieval');
}

/**
 * The `expected` a row gets: the given one, else the trace's, with the document ids the answer needed
 * also under `doc_ids` (what the retrieval-recall scorer reads), so the row's replay names the miss.
 */
export function caseExpected(trace: Trace, given: unknown): unknown {
  const expected = given ?? trace.expected;
  if (!isRecord(expected) || Array.isArray(expected.doc_ids)) return expected;
  const ids = expectedDocumentIds(expected);
  return ids.length ? { ...expected, doc_ids: ids } : expected;
}

/** Negative user feedback: a thumbs-down, a "bad" label, or a rating below half. */
export function isNegativeFeedback(value: unknown): boolean {
  if (value === false) return true;
  if (typeof value === 'number') return value < 0.5;
  if (typeof value === 'string') return /^(down|thumbs?[-_ ]?down|negative|bad|no|👎|0)$/i.test(value.trim());
  return false;
}

/**
 * `--auto-label`: propose a failure mode from the deterministic checks (trace checks first, then the
 * registry's code scorers). The proposal is `pending` review; undefined when nothing failed.
 */
export async function proposeLabel(trace: Trace): Promise<Label | undefined> {
  const evidence = [...traceChecks(trace), ...(await scorerChecks(trace))];
  if (evidence.length === 0) return undefined;
  return {
    failure_mode: evidence[0].failure_mode,
    review_status: 'pending',
    evidence: evidence[0],
    all_evidence: evidence,
  };
}

/** `--label MODE`: a reviewed failure; the checks still run to find the evidence the signature uses. */
export function reviewedLabel(
  trace: Trace,
  mode: string,
  review: Label['review_status'] = 'approved',
): Label {
  const evidence = traceChecks(trace);
  return {
    failure_mode: mode,
    review_status: review,
    evidence: evidence.find((e) => e.failure_mode === mode),
    all_evidence: evidence,
  };
}
