import type { ValidateFunction } from 'ajv';
import { compileSchema, describeSchemaErrors } from '../json-schema.js';
import { isPlainObject } from './json-text.js';

/** A tool the application offers the model: its name, JSON Schema for arguments, and strict flag. */
export interface ToolSpec {
  name: string;
  parameters?: object;
  strict: boolean;
}

/**
 * Read the tools a case declares: OpenAI's `tools` format (`[{type: 'function', function: {name, parameters,
 * strict}}]`), also bare `{name, parameters}` and Anthropic's `{name, input_schema}`.
 */
export function readTools(value: unknown): Map<string, ToolSpec> | undefined {
  if (!Array.isArray(value)) return undefined;
  const tools = new Map<string, ToolSpec>();
  for (const entry of value) {
    if (!isPlainObject(entry)) continue;
    const fn = isPlainObject(entry.function) ? entry.function : entry;
    if (typeof fn.name !== 'string') continue;
    const parameters = (fn.parameters ?? fn.input_schema) as object | undefined;
    tools.set(fn.name, { name: fn.name, parameters, strict: fn.strict === true || entry.strict === true });
  }
  return tools;
}

/** A call's arguments as an object: JSON strings (OpenAI's wire format) are parsed, objects pass through. */
export function readArguments(
  value: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (value === undefined || value === null || value === '') return { ok: true, value: {} };
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
  if (!isPlainObject(parsed))
    return {
      ok: false,
      error: `arguments are ${Array.isArray(parsed) ? 'an array' : typeof parsed}, not an object`,
    };
  return { ok: true, value: parsed };
}

/**
 * OpenAI strict mode: no property beyond those declared, at every level. Applied by adding
 * `additionalProperties: false` to object schemas that declare `properties` and do not say otherwise; an
 * object schema without `properties` is a free-form map (e.g. `{"math": 90, "history": 82}`) and stays open.
 */
export function strictSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictSchema);
  if (!isPlainObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema))
    out[k] = k === 'enum' || k === 'const' || k === 'default' ? v : strictSchema(v);
  if (isPlainObject(schema.properties) && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return out;
}

const strictCache = new WeakMap<object, object>();

/** The compiled validator for a tool's arguments (cached), strict when asked or when the tool says so. */
export function toolValidator(tool: ToolSpec, strict: boolean): ValidateFunction | undefined {
  if (!tool.parameters) return undefined;
  let schema = tool.parameters;
  if (strict || tool.strict) {
    let s = strictCache.get(tool.parameters);
    if (!s) strictCache.set(tool.parameters, (s = strictSchema(tool.parameters) as object));
    schema = s;
  }
  return compileSchema(schema);
}

/** Validate arguments against a tool's schema; returns `{pointer, message}` violations. */
export function validateArguments(
  tool: ToolSpec,
  args: Record<string, unknown>,
  strict: boolean,
): Array<{ pointer: string; message: string }> {
  let validate: ValidateFunction | undefined;
  try {
    validate = toolValidator(tool, strict);
  } catch (error) {
    // A broken tool schema is the dataset's problem, reported as such rather than crashing the case.
    return [{ pointer: '/', message: `tool schema does not compile: ${(error as Error).message}` }];
  }
  if (!validate || validate(args)) return [];
  return describeSchemaErrors(validate.errors);
}
