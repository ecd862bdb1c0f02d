import fc from 'fast-check';
import { filterExpression, parseScoreFilter, stringLiteral } from '../../src/braintrust/btql.js';
import { UsageError } from '../../src/errors.js';
import {
  braintrustLogRecords,
  btqlQuery,
  type BraintrustFetchStats,
} from '../../src/traces/braintrust-api.js';
import { startBraintrustServer } from '../servers/braintrust-server.js';

const KEY = 'sk-bt-test-btql-0123456789';
const PROJECT_ID = 'a1b2c3d4-0000-4000-8000-0000000000b1';

test.each([
  [{ since: '2026-11-01T00:00:00.000Z' }, "created >= '2026-11-01T00:00:00.000Z'"],
  [{ until: '2026-11-02T00:00:00.000Z' }, "created < '2026-11-02T00:00:00.000Z'"],
  [{ scores: [{ name: 'Factuality', op: '<', value: 0.5 }] }, 'scores.Factuality < 0.5'],
  [{ scores: [{ name: 'User rating', op: '<=', value: 0 }] }, 'scores."User rating" <= 0'],
  [{ feedback: [{ name: 'thumbs', op: '=', value: 0 }] }, 'scores.thumbs = 0'],
  [{ tags: ['billing', 'eu west'] }, "tags includes 'billing' and tags includes 'eu west'"],
  [
    { since: '2026-11-01T00:00:00.000Z', scores: [{ name: 'x', op: '>=', value: 1 }], tags: ['t'] },
    "created >= '2026-11-01T00:00:00.000Z' and scores.x >= 1 and tags includes 't'",
  ],
  [{}, undefined],
] as const)('filter %j → %s', (filters, expected) => {
  expect(filterExpression(filters as never)).toBe(expected);
});

test.each([
  ['Factuality<0.5', false, { name: 'Factuality', op: '<', value: 0.5 }],
  ['User rating >= 1', false, { name: 'User rating', op: '>=', value: 1 }],
  ['thumbs', true, { name: 'thumbs', op: '=', value: 0 }],
  ['thumbs!=1', true, { name: 'thumbs', op: '!=', value: 1 }],
] as const)('parse %s', (text, bare, expected) => {
  expect(parseScoreFilter(text, '--score', bare)).toEqual(expected);
});

test.each([
  ['Factuality', false, /expected NAME OP NUMBER/],
  ['x<abc', false, /"abc" is not a number/],
  ['x<', false, /expected NAME OP NUMBER/],
])('a bad condition %s names the flag and the fix', (text, bare, message) => {
  expect(() => parseScoreFilter(text, '--score', bare)).toThrow(message);
});

test.each([
  ["it's", /quotes, backslashes and control characters cannot be sent/],
  ['a\\b', /cannot be sent/],
  ['line\nbreak', /cannot be sent/],
  ['say "hi"', /cannot be sent/],
])('a tag BTQL cannot carry (%j) is refused, not guessed at', (tag, message) => {
  expect(() => filterExpression({ tags: [tag] })).toThrow(message);
  expect(() => filterExpression({ tags: [tag] })).toThrow(UsageError);
});

test('a score name with a quote cannot be written as a field', () => {
  expect(() => filterExpression({ scores: [{ name: 'a"b', op: '<', value: 1 }] })).toThrow(
    /score name "a"b" cannot be written/,
  );
});

test('property: a string literal is the value in single quotes, or a UsageError — never a half-escaped string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (value) => {
      let literal: string;
      try {
        literal = stringLiteral(value, '--tag');
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect(/['"\\\u0000-\u001f\u007f]/.test(value)).toBe(true);
        return;
      }
      expect(literal).toBe(`'${value}'`);
      // Nothing inside can end the literal early.
      expect(literal.slice(1, -1)).not.toMatch(/['\\]/);
    }),
  );
});

test('the query keeps its shape: filters join the created clause in one filter', () => {
  expect(
    btqlQuery({
      projectId: PROJECT_ID,
      since: '2026-11-01T00:00:00.000Z',
      filters: { scores: [{ name: 'Factuality', op: '<', value: 0.5 }], tags: ['triage'] },
      limit: 10,
    }),
  ).toBe(
    `select: * | from: project_logs('${PROJECT_ID}') | filter: created >= '2026-11-01T00:00:00.000Z' and scores.Factuality < 0.5 and tags includes 'triage' | limit: 10`,
  );
});

test('score, feedback, tag and time filters run in BTQL, paged by cursor over 3 pages', async () => {
  const rows: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 12; i++)
    rows.push({
      id: `r${i}`,
      project_id: PROJECT_ID,
      created: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(),
      scores: { Factuality: i % 3 === 0 ? 0.9 : 0.2, 'User rating': i === 4 ? 1 : 0 },
      tags: i === 10 ? ['other'] : ['triage'],
    });
  const server = await startBraintrustServer({
    apiKey: KEY,
    projects: [{ id: PROJECT_ID, name: 'prod' }],
    rows,
  });
  try {
    const stats: BraintrustFetchStats = { api_url: '', pages: 0, rows: 0, retries: 0 };
    const got: string[] = [];
    for await (const record of braintrustLogRecords(
      {
        project: 'prod',
        apiKey: KEY,
        apiUrl: server.url,
        env: {},
        pageSize: 2,
        since: '2026-11-02',
        until: '2026-11-12T00:00:00Z',
        filters: {
          scores: [{ name: 'Factuality', op: '<', value: 0.5 }],
          feedback: [{ name: 'User rating', op: '=', value: 0 }],
          tags: ['triage'],
        },
      },
      stats,
    ))
      got.push(String((record as { value: { id: string } }).value.id));
    // Days 2..11 (r1..r10), Factuality low (not r3, r6, r9), rating 0 (not r4), tagged triage (not r10).
    expect(got).toEqual(['r1', 'r2', 'r5', 'r7', 'r8']);
    expect(stats.pages).toBe(3);
    const btql = server.requests.filter((r) => r.url === '/btql').map((r) => r.btql!);
    expect(btql.length).toBe(4); // the fourth, empty page ends the paging
    expect(btql[0].cursor).toBeUndefined();
    expect(new Set(btql.slice(1).map((q) => q.cursor)).size).toBe(3);
    expect(btql[0].filter).toBe(
      "created >= '2026-11-02T00:00:00.000Z' and created < '2026-11-12T00:00:00.000Z' and scores.Factuality < 0.5 and scores.\"User rating\" = 0 and tags includes 'triage'",
    );
  } finally {
    await server.close();
  }
});

test('a filter BTQL cannot carry fails before any request', async () => {
  const server = await startBraintrustServer({
    apiKey: KEY,
    projects: [{ id: PROJECT_ID, name: 'prod' }],
    rows: [],
  });
  try {
    expect(() =>
      braintrustLogRecords({
        project: 'prod',
        apiKey: KEY,
        apiUrl: server.url,
        env: {},
        filters: { tags: ["o'brien"] },
      }),
    ).toThrow(/--tag "o'brien"/);
    expect(() =>
      braintrustLogRecords({ project: 'prod', apiKey: KEY, apiUrl: server.url, env: {}, until: 'yesterday' }),
    ).toThrow(/--until "yesterday": expected an ISO 8601 date/);
    expect(server.requests).toEqual([]);
  } finally {
    await server.close();
  }
});
