/**
 * The json-schema scorer against the JSON Schema Test Suite (draft-07 and draft 2020-12, optional tests and
 * format assertions included). The suite lives outside the repository, in ../shared/conformance (see its
 * SOURCE.txt); a fresh clone without it skips this test. Every case goes through the scorer itself: the
 * test's schema as the `schema` option, its data as the task output (JSON text).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { jsonSchema, addSchemaResource, type Draft } from '../../scorers/json-schema.js';
import { repoRoot } from './helpers.js';

const SUITE = path.resolve(repoRoot, '..', 'shared', 'conformance', 'json-schema-test-suite');
const DRAFTS: Array<{ dir: string; draft: Draft }> = [
  { dir: 'draft7', draft: 'draft-07' },
  { dir: 'draft2020-12', draft: '2020-12' },
];

const AJV_FORMATS_REGEX =
  'ajv-formats checks this format with a regular expression that approximates the RFC grammar (its README: "formats are implemented as regular expressions"); edge cases differ';
const AJV_FORMATS_MISSING =
  'ajv-formats does not implement idn-email, idn-hostname, iri or iri-reference (README list of formats); unknown formats are ignored, so every string passes';

/**
 * Disagreements accepted, by file (relative to the draft directory), `file :: group`, or `file :: group :: test`,
 * each with the reason. All are features ajv or ajv-formats documents as unsupported, or deliberate choices.
 */
const ACCEPTED: Record<string, string> = {
  // Deliberate: the scorer asserts `format` in every draft (what `format: email` in an answer schema is for, and
  // what the optional/format tests check). The required 2020-12 suite checks the annotation-only default.
  'format.json :: email format :: invalid email string is only an annotation by default':
    'format asserted by design',
  ...Object.fromEntries(
    [
      'regex',
      'ipv4',
      'ipv6',
      'hostname',
      'date',
      'date-time',
      'time',
      'json-pointer',
      'relative-json-pointer',
      'uri',
      'uri-reference',
      'uri-template',
      'uuid',
      'duration',
    ].map((f) => [
      `format.json :: ${f} format :: invalid ${f} string is only an annotation by default`,
      'format asserted by design',
    ]),
  ),
  'optional/format/idn-email.json': AJV_FORMATS_MISSING,
  'optional/format/idn-hostname.json': AJV_FORMATS_MISSING,
  'optional/format/iri.json': AJV_FORMATS_MISSING,
  'optional/format/iri-reference.json': AJV_FORMATS_MISSING,
  'optional/format/date-time.json :: validation of date-time strings': AJV_FORMATS_REGEX,
  'optional/format/duration.json :: validation of duration strings': AJV_FORMATS_REGEX,
  'optional/format/email.json :: validation of e-mail addresses': AJV_FORMATS_REGEX,
  'optional/format/hostname.json :: validation of host names': AJV_FORMATS_REGEX,
  'optional/format/hostname.json :: validation of A-label (punycode) host names':
    AJV_FORMATS_REGEX + ' (no IDNA/punycode checks)',
  'optional/format/uri.json :: validation of URIs': AJV_FORMATS_REGEX,
  'optional/format/uri-reference.json :: validation of URI References': AJV_FORMATS_REGEX,
  'optional/format/uri-template.json :: format: uri-template': AJV_FORMATS_REGEX,
  'optional/format/uuid.json :: uuid format': AJV_FORMATS_REGEX,
  'optional/format/ecmascript-regex.json :: \\a is not an ECMA 262 control escape':
    'ajv-formats checks `format: regex` with new RegExp() without the u flag, where \\a is a legal identity escape',
  'optional/content.json':
    'ajv does not validate contentEncoding / contentMediaType (annotations in draft-07; ajv docs: "content keywords … are not validated")',
  'optional/cross-draft.json':
    'ajv runs one draft per instance; a $ref into a schema of another draft cannot be evaluated in that draft',
  'optional/float-overflow.json':
    'JavaScript numbers: 1e308 × 10 overflows to Infinity, which is not a multiple of 0.5',
  'optional/unknownKeyword.json':
    'ajv collects $id inside unknown keywords as real identifiers (documented ajv limitation)',
  'optional/format-assertion.json':
    'ajv does not support custom meta-schemas with $vocabulary (format-assertion vocabulary)',
  'properties.json :: properties whose names are Javascript object property names :: __proto__ not valid':
    'ajv reads properties as data[key]: an own "__proto__" property is read through the prototype accessor',
  'ref.json :: ref overrides any sibling keywords':
    'ajv v8 evaluates keywords beside $ref in draft-07 too (2019-09 semantics; ajv docs, "$ref")',
  'ref.json :: $ref prevents a sibling $id from changing the base uri':
    'ajv v8 applies $id beside $ref (same cause as above)',
  'enum.json :: empty enum': 'ajv rejects `enum: []` when compiling (it must have at least one item)',
  'dynamicRef.json':
    'ajv implements $dynamicRef only for the recursive-extension pattern with hash-fragment anchors (ajv docs, "$dynamicRef"); other dynamic-scope cases fail or recurse',
  'optional/dynamicRef.json': 'same $dynamicRef limitation of ajv',
  'unevaluatedItems.json :: unevaluatedItems with $dynamicRef': 'same $dynamicRef limitation of ajv',
  'unevaluatedProperties.json :: unevaluatedProperties with $dynamicRef':
    'same $dynamicRef limitation of ajv',
  ...Object.fromEntries(
    [
      'refs with relative uris and defs',
      'relative refs with absolute uris and defs',
      'URN ref with nested pointer ref',
    ].map((g) => [
      `ref.json :: ${g}`,
      'ajv 8 bug: a $ref into a $defs entry carrying its own $id (or a URN base) recurses forever at compile time, with a bare Ajv2020 too',
    ]),
  ),
  ...Object.fromEntries(
    [
      'unevaluatedItems.json :: unevaluatedItems with nested items',
      'unevaluatedItems.json :: unevaluatedItems depends on adjacent contains',
      'unevaluatedItems.json :: unevaluatedItems depends on multiple nested contains',
      'unevaluatedItems.json :: unevaluatedItems and contains interact to control item dependency relationship',
      'unevaluatedItems.json :: unevaluatedItems with minContains = 0',
      'unevaluatedItems.json :: unevaluatedItems can see annotations from if without then and else',
      'unevaluatedProperties.json :: unevaluatedProperties with if/then/else, then not defined',
      'unevaluatedProperties.json :: unevaluatedProperties can see annotations from if without then and else',
    ].map((g) => [
      g,
      'ajv computes evaluated items/properties statically; annotations from contains and from if without then/else are not collected',
    ]),
  ),
  'vocabulary.json':
    'ajv does not support custom meta-schemas with $vocabulary (a meta-schema without the validation vocabulary)',
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : name.endsWith('.json') ? [full] : [];
  });
}

interface Group {
  description: string;
  schema: object | boolean;
  tests: Array<{ description: string; data: unknown; valid: boolean }>;
}

function acceptedReason(file: string, group: string, test: string): string | undefined {
  return ACCEPTED[`${file} :: ${group} :: ${test}`] ?? ACCEPTED[`${file} :: ${group}`] ?? ACCEPTED[file];
}

if (!existsSync(SUITE)) {
  console.warn(`JSON Schema Test Suite not found at ${SUITE}: skipping the json-schema conformance test.`);
  describe.skip('json-schema conformance (suite absent)', () => {
    it('needs ../shared/conformance/json-schema-test-suite', () => undefined);
  });
} else {
  describe('json-schema scorer vs the JSON Schema Test Suite', () => {
    beforeAll(() => {
      // Remote `$ref` targets: http://localhost:1234/<path under remotes/>, registered up front (no network).
      const remotes = path.join(SUITE, 'remotes');
      for (const file of walk(remotes)) {
        const uri = `http://localhost:1234/${path.relative(remotes, file).split(path.sep).join('/')}`;
        addSchemaResource(uri, JSON.parse(readFileSync(file, 'utf8')));
      }
    });

    for (const { dir, draft } of DRAFTS) {
      it(`${dir}: agrees on every case outside the accepted list`, async () => {
        const root = path.join(SUITE, 'tests', dir);
        const disagreements: string[] = [];
        const accepted = new Map<string, number>();
        let total = 0;
        let agreed = 0;
        for (const file of walk(root).sort()) {
          const within = path.relative(root, file).split(path.sep).join('/');
          const rel = `${dir}/${within}`;
          const groups = JSON.parse(readFileSync(file, 'utf8')) as Group[];
          for (const group of groups) {
            let fn: ReturnType<typeof jsonSchema.create> | undefined;
            let compileError = '';
            try {
              fn = jsonSchema.create(jsonSchema.options.parse({ schema: group.schema, draft }), {
                cwd: repoRoot,
              });
            } catch (error) {
              compileError = (error as Error).message;
            }
            for (const test of group.tests) {
              total++;
              let valid: boolean | string;
              if (!fn) valid = `compile error: ${compileError}`;
              else {
                try {
                  const result = await fn({ input: undefined, output: JSON.stringify(test.data) });
                  valid = result.score === 1;
                } catch (error) {
                  valid = `threw ${(error as Error).message}`;
                }
              }
              if (valid === test.valid) {
                agreed++;
                continue;
              }
              const reason = acceptedReason(within, group.description, test.description);
              const line = `${rel} :: ${group.description} :: ${test.description} (suite: ${test.valid ? 'valid' : 'invalid'}, scorer: ${valid === true ? 'valid' : valid === false ? 'invalid' : valid})`;
              if (reason) accepted.set(reason, (accepted.get(reason) ?? 0) + 1);
              else disagreements.push(line);
            }
          }
        }
        if (accepted.size) {
          console.log(
            `${dir}: ${total} cases, ${agreed} agree; accepted disagreements:\n` +
              [...accepted].map(([reason, n]) => `  ${n} × ${reason}`).join('\n'),
          );
        }
        expect(disagreements).toEqual([]);
      });
    }
  });
}
