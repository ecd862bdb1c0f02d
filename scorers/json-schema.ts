import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import { outputAsJson, type ScorerDefinition } from './types.js';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: unknown) => unknown;

const options = z
  .object({
    /** An inline JSON Schema. */
    schema: z.record(z.string(), z.unknown()).or(z.boolean()).optional(),
    /** A JSON Schema file, relative to the config file. */
    schema_file: z.string().optional(),
    /** Partial credit: 1 - errors/max_errors instead of 0 for any violation. */
    partial_credit: z.boolean().default(false),
    max_errors: z.number().int().positive().default(10),
  })
  .strict();

type Options = z.infer<typeof options>;

/**
 * Compiled validators, reused across cases: compiling costs far more than validating. Keyed by object
 * identity first (the same options object every call) and by the schema's JSON for per-case schemas.
 */
const byObject = new WeakMap<object, ValidateFunction>();
const byText = new Map<string, ValidateFunction>();

type AjvLike = { compile(schema: unknown): ValidateFunction };
const engines = new Map<string, AjvLike>();

/** One ajv instance per draft, all with every string format (ajv-formats) and all errors collected. */
function engineFor(schema: unknown): AjvLike {
  const uri = schema && typeof schema === 'object' ? String((schema as { $schema?: string }).$schema ?? '') : '';
  const draft = uri.includes('2020-12') ? '2020' : uri.includes('2019-09') ? '2019' : '07';
  let engine = engines.get(draft);
  if (!engine) {
    const opts = { allErrors: true, strict: false, validateFormats: true } as const;
    const ajv = draft === '2020' ? new Ajv2020(opts) : draft === '2019' ? new Ajv2019(opts) : new Ajv(opts);
    addFormats(ajv);
    engine = ajv as unknown as AjvLike;
    engines.set(draft, engine);
  }
  return engine;
}

/** Compile (or reuse) the validator for a schema. */
export function compileSchema(schema: object | boolean): ValidateFunction {
  if (typeof schema === 'object') {
    const hit = byObject.get(schema);
    if (hit) return hit;
  }
  const text = JSON.stringify(schema);
  let validate = byText.get(text);
  if (!validate) {
    validate = engineFor(schema).compile(schema);
    byText.set(text, validate);
  }
  if (typeof schema === 'object') byObject.set(schema, validate);
  return validate;
}

/** ajv errors as `{pointer, message}` pairs: the JSON pointer names where the output is wrong. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): Array<{ pointer: string; message: string }> {
  return (errors ?? []).map((e) => {
    const missing = e.keyword === 'required' ? `/${(e.params as { missingProperty: string }).missingProperty}` : '';
    const extra =
      e.keyword === 'additionalProperties' ? `/${(e.params as { additionalProperty: string }).additionalProperty}` : '';
    return { pointer: (e.instancePath || '') + missing + extra || '/', message: e.message ?? e.keyword };
  });
}

function caseSchema(args: { expected?: unknown; context?: Record<string, unknown> }): unknown {
  const fromExpected = args.expected && typeof args.expected === 'object' ? (args.expected as { schema?: unknown }).schema : undefined;
  return fromExpected ?? args.context?.schema;
}

/** The output validates against a JSON Schema (inline, from a file, or per case in `expected.schema`). */
export const jsonSchema: ScorerDefinition<Options> = {
  id: 'json-schema',
  version: '1',
  kind: 'code',
  failureModes: ['format-violation'],
  description:
    'Output is JSON that validates against a JSON Schema (draft-07, 2019-09, 2020-12; ajv-formats string formats); every violation reported as a JSON pointer.',
  options,
  create(opts, ctx) {
    let fixed: object | boolean | undefined = opts.schema;
    if (opts.schema_file) fixed = JSON.parse(readFileSync(path.resolve(ctx.cwd, opts.schema_file), 'utf8'));
    const fixedValidator = fixed === undefined ? undefined : compileSchema(fixed);
    return (args) => {
      let validate = fixedValidator;
      if (!validate) {
        const schema = caseSchema(args);
        if (schema === undefined) return { name: 'json-schema', score: null, metadata: { reason: 'no schema configured or in expected.schema' } };
        validate = compileSchema(schema as object);
      }
      const parsed = outputAsJson(args.output);
      if (!parsed.ok) return { name: 'json-schema', score: 0, metadata: { errors: [{ pointer: '', message: parsed.error }] } };
      if (validate(parsed.value)) return { name: 'json-schema', score: 1 };
      const errors = describeSchemaErrors(validate.errors);
      const score = opts.partial_credit ? Math.max(0, 1 - errors.length / opts.max_errors) : 0;
      return { name: 'json-schema', score, metadata: { errors } };
    };
  },
};
