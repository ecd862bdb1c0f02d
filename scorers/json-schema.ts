import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormatsModule from 'ajv-formats';
import type { ScorerDefinition } from './types.js';
import { readJson } from './util/json-text.js';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as any).default ?? addFormatsModule) as (ajv: unknown) => unknown;

/** JSON Schema drafts the scorer validates with (chosen by the schema's `$schema`, else the `draft` option). */
export type Draft = 'draft-07' | '2019-09' | '2020-12';

const options = z
  .object({
    /** An inline JSON Schema. */
    schema: z.record(z.string(), z.unknown()).or(z.boolean()).optional(),
    /** A JSON Schema file, relative to the config file; its relative `$ref`s load sibling files. */
    schema_file: z.string().optional(),
    /** Draft for schemas without `$schema`. */
    draft: z.enum(['draft-07', '2019-09', '2020-12']).default('draft-07'),
    /** Accept a single ```json fence around the output (strict by default; json-parse reports it). */
    allow_fence: z.boolean().default(false),
    /** Partial credit: 1 - errors/max_errors instead of 0 for any violation. */
    partial_credit: z.boolean().default(false),
    max_errors: z.number().int().positive().default(10),
  })
  .strict();

type Options = z.infer<typeof options>;

type Engine = Ajv;

/** Schemas registered by URI (e.g. remote `$ref` targets), added to every engine, present and future. */
const resources: Array<{ uri: string; schema: object | boolean; draft?: Draft }> = [];
const engines = new Map<Draft, Engine>();

/** Ajv options: every error collected (each becomes a JSON pointer), formats asserted, unknown keywords tolerated. */
const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  validateFormats: true,
  logger: false,
  ownProperties: true,
} as const;

function newEngine(draft: Draft): Engine {
  const ajv =
    draft === '2020-12'
      ? new Ajv2020(AJV_OPTIONS)
      : draft === '2019-09'
        ? new Ajv2019(AJV_OPTIONS)
        : new Ajv(AJV_OPTIONS);
  addFormats(ajv);
  for (const r of resources) addResource(ajv, draft, r);
  return ajv as Engine;
}

function addResource(
  ajv: Engine,
  draft: Draft,
  r: { uri: string; schema: object | boolean; draft?: Draft },
): void {
  if (r.draft && r.draft !== draft) return;
  try {
    if (!ajv.getSchema(r.uri)) ajv.addSchema(r.schema as object, r.uri, undefined, false);
  } catch {
    // A resource this draft cannot read (e.g. an id clash): schemas that need it report the missing ref.
  }
}

function engineFor(draft: Draft): Engine {
  let engine = engines.get(draft);
  if (!engine) {
    engine = newEngine(draft);
    engines.set(draft, engine);
  }
  return engine;
}

/** The draft a schema declares with `$schema`, else the fallback. */
export function draftOf(schema: unknown, fallback: Draft = 'draft-07'): Draft {
  const uri = schema && typeof schema === 'object' ? (schema as { $schema?: unknown }).$schema : undefined;
  if (typeof uri !== 'string') return fallback;
  if (uri.includes('2020-12')) return '2020-12';
  if (uri.includes('2019-09')) return '2019-09';
  if (uri.includes('draft-07')) return 'draft-07';
  return fallback;
}

/**
 * Register a schema under a URI so `$ref`s to it resolve without network (the JSON Schema Test Suite's
 * `http://localhost:1234/` remotes, or a shared definitions file). A schema with a `$schema` goes to that
 * draft's engine only.
 */
export function addSchemaResource(uri: string, schema: object | boolean): void {
  const declared = schema && typeof schema === 'object' && '$schema' in schema ? draftOf(schema) : undefined;
  const r = { uri, schema, draft: declared };
  resources.push(r);
  for (const [draft, engine] of engines) addResource(engine, draft, r);
}

/**
 * Compiled validators, reused across cases: compiling costs far more than validating. Keyed by object
 * identity first (the same options object every call) and by draft + the schema's JSON for per-case schemas.
 */
const byObject = new WeakMap<object, Map<Draft, ValidateFunction>>();
const byText = new Map<string, ValidateFunction>();

/**
 * Compile (or reuse) the validator for a schema. `baseFile` is the file the schema came from (or a file in
 * the directory inline schemas resolve against): relative `$ref`s to local files are loaded from there.
 */
export function compileSchema(
  schema: object | boolean,
  draft: Draft = 'draft-07',
  baseFile?: string,
): ValidateFunction {
  const effective = draftOf(schema, draft);
  if (typeof schema === 'object') {
    const hit = byObject.get(schema)?.get(effective);
    if (hit) return hit;
  }
  const text = `${effective}\n${baseFile ?? ''}\n${JSON.stringify(schema)}`;
  let validate = byText.get(text);
  if (!validate) {
    validate = compileFresh(schema, effective, baseFile);
    byText.set(text, validate);
  }
  if (typeof schema === 'object') {
    let perDraft = byObject.get(schema);
    if (!perDraft) byObject.set(schema, (perDraft = new Map()));
    perDraft.set(effective, validate);
  }
  return validate;
}

function compileFresh(
  schema: object | boolean,
  draft: Draft,
  baseFile: string | undefined,
): ValidateFunction {
  const engine = engineFor(draft);
  let target: object | boolean = schema;
  if (baseFile && typeof schema === 'object' && hasFileRefs(schema)) {
    // Give the schema a file: base URI so ajv resolves `./defs.json#/x` against it, and preload those files.
    const baseUri = (schema as { $id?: string }).$id ?? pathToFileURL(baseFile).href;
    target = { ...schema, $id: baseUri };
    loadFileRefs(engine, schema, baseUri, new Set());
  }
  try {
    return engine.compile(target as object);
  } catch (error) {
    // Two different schemas with the same `$id` cannot share an engine: compile this one in its own.
    if (!/already exists/.test((error as Error).message)) throw error;
    const isolated = newEngine(draft);
    if (target !== schema)
      loadFileRefs(isolated, schema as object, (target as { $id: string }).$id, new Set());
    return isolated.compile(target as object);
  }
}

function collectRefs(node: unknown, out: string[]): string[] {
  if (Array.isArray(node)) for (const n of node) collectRefs(n, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

function hasFileRefs(schema: object): boolean {
  return collectRefs(schema, []).some((ref) => !ref.startsWith('#') && !/^[a-z][a-z0-9+.-]*:/i.test(ref));
}

/** Add every local file a schema `$ref`s (transitively) to the engine under its file: URL. */
function loadFileRefs(engine: Engine, schema: object, baseUri: string, seen: Set<string>): void {
  for (const ref of collectRefs(schema, [])) {
    if (ref.startsWith('#')) continue;
    const url = new URL(ref, baseUri);
    if (url.protocol !== 'file:') continue;
    url.hash = '';
    const key = url.href;
    if (seen.has(key) || engine.getSchema(key)) continue;
    seen.add(key);
    const loaded = JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as object;
    engine.addSchema({ ...loaded, $id: key }, undefined, undefined, false);
    loadFileRefs(engine, loaded, key, seen);
  }
}

/** ajv errors as `{pointer, message}` pairs: the JSON pointer names where the output is wrong. */
export function describeSchemaErrors(
  errors: ErrorObject[] | null | undefined,
): Array<{ pointer: string; message: string }> {
  return (errors ?? []).map((e) => {
    const params = e.params as Record<string, unknown>;
    const missing = e.keyword === 'required' ? `/${escapePointer(String(params.missingProperty))}` : '';
    const extra =
      e.keyword === 'additionalProperties' ? `/${escapePointer(String(params.additionalProperty))}` : '';
    let message = e.message ?? e.keyword;
    if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'additionalProperties') message = 'is not allowed (additionalProperties: false)';
    else if (e.keyword === 'required') message = 'is required';
    return { pointer: (e.instancePath || '') + missing + extra || '/', message };
  });
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A per-case schema: `expected.schema` or `context.schema`, inline or a file path (relative to the config). */
function caseSchema(args: { expected?: unknown; context?: Record<string, unknown> }): unknown {
  const fromExpected =
    args.expected && typeof args.expected === 'object'
      ? (args.expected as { schema?: unknown }).schema
      : undefined;
  return fromExpected ?? args.context?.schema;
}

/** The output validates against a JSON Schema (inline, from a file, or per case in `expected.schema`). */
export const jsonSchema: ScorerDefinition<Options> = {
  id: 'json-schema',
  version: '2',
  kind: 'code',
  failureModes: ['format-violation'],
  description:
    'Output is JSON that validates against a JSON Schema (draft-07, 2019-09, 2020-12; ajv-formats string formats; local-file $refs); every violation reported as a JSON pointer.',
  options,
  create(opts, ctx) {
    const inlineBase = path.join(ctx.cwd, '__inline-schema__.json');
    const fromFile = (file: string) => {
      const abs = path.resolve(ctx.cwd, file);
      return compileSchema(JSON.parse(readFileSync(abs, 'utf8')), opts.draft, abs);
    };
    let fixed: ValidateFunction | undefined;
    if (opts.schema_file) fixed = fromFile(opts.schema_file);
    else if (opts.schema !== undefined) fixed = compileSchema(opts.schema, opts.draft, inlineBase);
    const perCaseFiles = new Map<string, ValidateFunction>();
    return (args) => {
      let validate = fixed;
      const own = caseSchema(args);
      if (typeof own === 'string') {
        validate = perCaseFiles.get(own);
        if (!validate) perCaseFiles.set(own, (validate = fromFile(own)));
      } else if (own && typeof own === 'object') validate = compileSchema(own, opts.draft, inlineBase);
      else if (typeof own === 'boolean') validate = compileSchema(own, opts.draft);
      if (!validate) {
        return {
          name: 'json-schema',
          score: null,
          metadata: { reason: 'no schema: set options.schema / schema_file, or expected.schema in the case' },
        };
      }
      const read = readJson(args.output, { allowFence: opts.allow_fence });
      if (!read.ok) {
        return {
          name: 'json-schema',
          score: 0,
          metadata: { reason: read.reason, errors: [{ pointer: '', message: read.reason }] },
        };
      }
      if (validate(read.value)) return { name: 'json-schema', score: 1 };
      const errors = describeSchemaErrors(validate.errors);
      const score = opts.partial_credit ? Math.max(0, 1 - errors.length / opts.max_errors) : 0;
      const first = errors[0];
      const reason = `${errors.length} schema violation${errors.length === 1 ? '' : 's'}: ${first.pointer} ${first.message}`;
      return { name: 'json-schema', score, metadata: { reason, errors } };
    };
  },
};
