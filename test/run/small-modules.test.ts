import { parseShard, shardOf } from '../../src/run/shard.js';
import { parseCaseFilters } from '../../src/run/case-filter.js';
import { buildOriginUrl } from '../../src/run/origin-url.js';
import { runPool } from '../../src/run/run-pool.js';
import { UsageError } from '../../src/errors.js';
import type { RegressionCase } from '../../src/cases/regression-case.js';

describe('shards', () => {
  it.each(['0/2', '3/2', '1/0', 'a/b', '1-2', ''])('rejects %j', (text) => {
    expect(() => parseShard(text)).toThrow(UsageError);
  });
  it('assigns every id to exactly one shard in 1..N, roughly evenly', () => {
    const ids = Array.from({ length: 4000 }, (_, i) => `case-${i}`);
    const counts = [0, 0, 0, 0];
    for (const id of ids) {
      const shard = shardOf(id, 4);
      expect(Number.isInteger(shard) && shard >= 1 && shard <= 4).toBe(true);
      counts[shard - 1]++;
    }
    expect(counts.reduce((a, b) => a + b)).toBe(4000);
    // Evenly: each shard within 15% of its fair share (1000).
    for (const n of counts) expect(Math.abs(n - 1000)).toBeLessThan(150);
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
  });
  it('is stable across versions: known ids keep their known shards (FNV-1a of the id)', () => {
    // Changing the hash would move cases between shards of runs already in flight: these values are fixed.
    expect(
      ['case-17', 'hal-0001', 'a', '', 'fmt-0004'].map((id) => [shardOf(id, 4), shardOf(id, 7)]),
    ).toEqual([
      [1, 2],
      [3, 7],
      [1, 6],
      [2, 3],
      [4, 5],
    ]);
  });
  it('depends on the id only: adding other cases moves no case', () => {
    const before = Array.from({ length: 200 }, (_, i) => shardOf(`id-${i}`, 5));
    Array.from({ length: 1000 }, (_, i) => shardOf(`other-${i}`, 5));
    expect(Array.from({ length: 200 }, (_, i) => shardOf(`id-${i}`, 5))).toEqual(before);
    expect(Array.from({ length: 50 }, (_, i) => shardOf(`id-${i}`, 1))).toEqual(new Array(50).fill(1));
  });
});

describe('parseCaseFilters', () => {
  const c = (id: string, mode: string, tags: string[] = []) =>
    ({ id, input: 1, metadata: { failure_mode: mode }, tags }) as RegressionCase;
  it.each([
    [['failure_mode=hallucination'], ['hal-1']],
    [['failure_mode=hallucination,format-violation'], ['hal-1', 'fmt-1']],
    [['id=fmt-*'], ['fmt-1']],
    [['tag=billing'], ['fmt-1']],
    [['tag=billing', 'id=hal-*'], []],
    [['dataset=datasets/a.jsonl'], ['hal-1', 'fmt-1', 'ret-1']],
  ])('%j', (exprs, ids) => {
    const keep = parseCaseFilters(exprs);
    const all = [
      c('hal-1', 'hallucination'),
      c('fmt-1', 'format-violation', ['billing']),
      c('ret-1', 'retrieval-miss'),
    ];
    expect(all.filter((x) => keep(x, 'datasets/a.jsonl')).map((x) => x.id)).toEqual(ids);
  });
  it('rejects an unknown key with the list of keys', () => {
    expect(() => parseCaseFilters(['colour=red'])).toThrow(
      /Expected key=value with key one of: failure_mode, id, tag/,
    );
  });
});

describe('buildOriginUrl', () => {
  const origin = { object_type: 'project_logs', object_id: 'p-1', id: 'row 7' };
  it('prefers a direct url', () => {
    expect(buildOriginUrl({ ...origin, url: 'https://x/y' }, undefined, {})).toBe('https://x/y');
  });
  it('builds a Braintrust permalink when an org is configured', () => {
    expect(buildOriginUrl(origin, 's1', { braintrust: { org: 'acme co' } })).toBe(
      'https://www.braintrust.dev/app/acme%20co/object?object_type=project_logs&object_id=p-1&id=row+7',
    );
  });
  it('fills a template, encoding values', () => {
    expect(
      buildOriginUrl(origin, 'span/1', { template: 'https://lf.example/trace/{id}?obs={span_id}' }),
    ).toBe('https://lf.example/trace/row%207?obs=span%2F1');
  });
  it('gives no link rather than a broken one when a placeholder has no value', () => {
    expect(buildOriginUrl({ id: 'r' }, undefined, { template: 'https://v/{object_id}/{id}' })).toBeNull();
    expect(buildOriginUrl(undefined, undefined, { template: 'https://v/{id}' })).toBeNull();
  });
});

describe('runPool', () => {
  it.each([
    ['an array', (n: number) => Array.from({ length: n }, (_, i) => i)],
    [
      'an async generator',
      (n: number) =>
        (async function* () {
          for (let i = 0; i < n; i++) yield i;
        })(),
    ],
  ])('never exceeds the concurrency and visits every item once (%s)', async (_name, make) => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await runPool(make(50) as Iterable<number>, 7, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(i);
      inFlight--;
    });
    expect(peak).toBe(7);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
