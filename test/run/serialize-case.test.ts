import { serializeCaseResult } from '../../src/run/serialize-case.js';
import type { CaseResult } from '../../src/run/results.js';

/** A CaseResult with its keys in the order runCase creates them (JSON.stringify follows insertion order). */
function result(overrides: Partial<CaseResult>): CaseResult {
  const base: CaseResult = {
    id: 'fmt-0001',
    failure_mode: 'format-violation',
    dataset: 'datasets/format-violation.jsonl',
    line: 1,
    passed: true,
    status: 'passed',
    scores: { 'json-schema': 1 },
    trials: 1,
    pass_rate: 1,
    flaky: false,
    error: null,
    reasons: [],
    origin_url: null,
    vs_baseline: null,
    hash: 'sha256:abc',
    kind: 'failure',
    duration_ms: 3,
    output_excerpt: undefined,
  };
  for (const key of Object.keys(overrides) as Array<keyof CaseResult>) (base as any)[key] = overrides[key];
  return base;
}

describe('serializeCaseResult', () => {
  it.each<[string, Partial<CaseResult>]>([
    ['a passing case', {}],
    [
      'a failing case with reasons, an excerpt and an origin',
      {
        passed: false,
        status: 'failed',
        reasons: ['json-schema 0.00: /email must match format "email"'],
        output_excerpt: 'Sure! {"a":1}',
        origin_url: 'https://x/y?a=1&b=2',
        vs_baseline: 'regressed',
      },
    ],
    [
      'an errored case',
      { passed: false, status: 'errored', error: 'timed out after 100 ms', scores: { 'json-schema': null } },
    ],
    [
      'strings that need escaping',
      {
        id: 'quote " back \\ tab \t nl \n',
        dataset: 'd\u0001.jsonl',
        output_excerpt: 'emoji 😀 lone \ud800 sep \u2028',
      },
    ],
    [
      'odd numbers',
      { pass_rate: 1 / 3, duration_ms: 0, line: 123456, scores: { a: 0.1 + 0.2, b: null, c: 0 } },
    ],
    [
      'non-finite numbers become null, as in JSON',
      { pass_rate: Number.NaN, duration_ms: Number.POSITIVE_INFINITY },
    ],
    [
      'a flaky golden case',
      { flaky: true, kind: 'golden', trials: 3, pass_rate: 2 / 3, vs_baseline: 'flaky' },
    ],
  ])('matches JSON.stringify for %s', (_name, overrides) => {
    const r = result(overrides);
    expect(serializeCaseResult(r)).toBe(JSON.stringify(r));
    expect(JSON.parse(serializeCaseResult(r))).toEqual(JSON.parse(JSON.stringify(r)));
  });
});
