import path from 'node:path';
import { jsonSchema, compileSchema } from '../../scorers/json-schema.js';
import { makeScorer, repoRoot } from './helpers.js';

const ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    answer: { type: 'string', minLength: 1 },
    citations: { type: 'array', items: { type: 'string', pattern: '^kb-[0-9]+$' } },
    priority: { enum: ['low', 'normal', 'urgent'] },
    contact: { type: 'string', format: 'email' },
    when: { type: 'string', format: 'date-time' },
  },
  required: ['answer', 'citations'],
  additionalProperties: false,
};

describe('json-schema', () => {
  const cases: Array<{
    name: string;
    output: unknown;
    options?: Record<string, unknown>;
    score: number | null;
    errors?: Array<{ pointer: string; message: RegExp }>;
  }> = [
    { name: 'valid answer', output: '{"answer":"30 days","citations":["kb-1"]}', score: 1 },
    { name: 'valid answer as an object', output: { answer: '30 days', citations: [] }, score: 1 },
    {
      name: 'prose instead of JSON',
      output: 'Refunds are available within 30 days.',
      score: 0,
      errors: [{ pointer: '', message: /prose, not JSON/ }],
    },
    {
      name: 'JSON wrapped in prose',
      output: 'Here you go: {"answer":"x","citations":[]}',
      score: 0,
      errors: [{ pointer: '', message: /wrapped in prose/ }],
    },
    {
      name: 'trailing comma',
      output: '{"answer":"x","citations":[],}',
      score: 0,
      errors: [{ pointer: '', message: /trailing comma/ }],
    },
    {
      name: 'missing required field',
      output: '{"answer":"30 days"}',
      score: 0,
      errors: [{ pointer: '/citations', message: /is required/ }],
    },
    {
      name: 'wrong enum',
      output: '{"answer":"x","citations":[],"priority":"high"}',
      score: 0,
      errors: [{ pointer: '/priority', message: /must be one of "low", "normal", "urgent"/ }],
    },
    {
      name: 'invalid email under format: email',
      output: '{"answer":"x","citations":[],"contact":"jane at example.com"}',
      score: 0,
      errors: [{ pointer: '/contact', message: /must match format "email"/ }],
    },
    {
      name: 'invalid date-time',
      output: '{"answer":"x","citations":[],"when":"yesterday"}',
      score: 0,
      errors: [{ pointer: '/when', message: /format "date-time"/ }],
    },
    {
      name: 'every violation reported',
      output: '{"answer":"","citations":["doc 1", 7],"extra":true}',
      score: 0,
      errors: [
        { pointer: '/extra', message: /not allowed/ },
        { pointer: '/answer', message: /fewer than 1/ },
        { pointer: '/citations/0', message: /must match pattern/ },
        { pointer: '/citations/1', message: /must be string/ },
      ],
    },
    {
      name: 'partial credit by error count',
      output: '{"answer":"","citations":[]}',
      options: { partial_credit: true, max_errors: 4 },
      score: 0.75,
    },
  ];

  it.each(cases)('$name', async ({ output, options, score, errors }) => {
    const result = await makeScorer(jsonSchema, { schema: ANSWER_SCHEMA, ...options })({ output });
    expect(result.score).toBe(score);
    if (errors) {
      const got = result.metadata?.errors as Array<{ pointer: string; message: string }>;
      expect(got).toHaveLength(errors.length);
      for (const want of errors) {
        expect(got.some((e) => e.pointer === want.pointer && want.message.test(e.message))).toBe(true);
      }
      expect(result.metadata?.reason).toMatch(/^(\d+ schema violations?: |output is|JSON value|trailing)/);
    }
  });

  it('takes the schema per case from expected.schema or context.schema, else is not applicable', async () => {
    const score = makeScorer(jsonSchema);
    const schema = { type: 'object', required: ['answer'] };
    expect((await score({ output: '{}', expected: { schema } })).score).toBe(0);
    expect((await score({ output: '{"answer":1}', context: { schema } })).score).toBe(1);
    const none = await score({ output: '{}' });
    expect(none.score).toBeNull();
    expect(none.metadata?.reason).toMatch(/no schema/);
  });

  it('reads the schema from a file and resolves $ref to local files', async () => {
    const score = makeScorer(jsonSchema, { schema_file: 'test/scorers/fixtures/schemas/answer.schema.json' });
    expect(
      (await score({ output: '{"answer":"a","citations":["kb-1"],"contact":{"email":"a@b.co"}}' })).score,
    ).toBe(1);
    const bad = await score({ output: '{"answer":"a","citations":["doc-1"],"contact":{"email":"nope"}}' });
    expect(bad.score).toBe(0);
    expect((bad.metadata?.errors as Array<{ pointer: string }>).map((e) => e.pointer).sort()).toEqual([
      '/citations/0',
      '/contact/email',
    ]);
    // The same file named per case (relative to the config directory).
    const perCase = makeScorer(jsonSchema, {}, repoRoot);
    expect(
      (
        await perCase({
          output: '{"answer":"a"}',
          expected: { schema: 'test/scorers/fixtures/schemas/answer.schema.json' },
        })
      ).score,
    ).toBe(0);
  });

  it('honours $schema: 2020-12 prefixItems vs draft-07 items array', async () => {
    const s2020 = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      prefixItems: [{ type: 'string' }],
      items: false,
    };
    const s07 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      items: [{ type: 'string' }],
      additionalItems: false,
    };
    const score2020 = makeScorer(jsonSchema, { schema: s2020 });
    const score07 = makeScorer(jsonSchema, { schema: s07 });
    for (const score of [score2020, score07]) {
      expect((await score({ output: '["a"]' })).score).toBe(1);
      expect((await score({ output: '["a", "b"]' })).score).toBe(0);
      expect((await score({ output: '[1]' })).score).toBe(0);
    }
    // `draft` picks the dialect of schemas without $schema.
    const dependentRequired = { dependentRequired: { a: ['b'] } };
    expect(
      (await makeScorer(jsonSchema, { schema: dependentRequired, draft: '2020-12' })({ output: '{"a":1}' }))
        .score,
    ).toBe(0);
    expect(
      (await makeScorer(jsonSchema, { schema: dependentRequired, draft: 'draft-07' })({ output: '{"a":1}' }))
        .score,
    ).toBe(1);
  });

  it('caches compiled validators', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } } };
    expect(compileSchema(schema)).toBe(compileSchema(schema));
    expect(compileSchema({ ...schema })).toBe(compileSchema(schema));
    expect(compileSchema(schema, '2020-12')).not.toBe(compileSchema(schema, 'draft-07'));
  });

  it('keeps two different schemas with the same $id apart', async () => {
    const a = { $id: 'https://example.com/same.json', type: 'string' };
    const b = { $id: 'https://example.com/same.json', type: 'number' };
    expect((await makeScorer(jsonSchema, { schema: a })({ output: '"x"' })).score).toBe(1);
    expect((await makeScorer(jsonSchema, { schema: b })({ output: '"x"' })).score).toBe(0);
  });

  it('validates the demo app answer schema', async () => {
    const file = path.join(repoRoot, 'examples', 'support-assistant', 'answer.schema.json');
    const score = makeScorer(jsonSchema, { schema_file: file });
    expect((await score({ output: '{"answer":"a","citations":["kb-3"]}' })).score).toBe(1);
    expect((await score({ output: '{"answer":"a","citations":[]}' })).score).toBe(0);
  });
});
