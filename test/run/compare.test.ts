import { checkComparable, classifyCase, indexBaseline } from '../../src/run/compare.js';
import type { Fingerprint } from '../../src/run/results.js';

const fp: Fingerprint = {
  datasets: 'sha256:aa',
  scorers: { 'json-schema': '1', 'tool-call': '2' },
  judge: { model: null, prompt: null },
};

describe('classifyCase', () => {
  const now = (passed: boolean, extra = {}) =>
    ({ passed, status: passed ? 'passed' : 'failed', flaky: false, hash: 'h1', ...extra }) as const;
  it.each([
    ['passing', now(true), { passed: true, status: 'passed', hash: 'h1' }],
    ['regressed', now(false), { passed: true, status: 'passed', hash: 'h1' }],
    ['fixed', now(true), { passed: false, status: 'failed', hash: 'h1' }],
    ['still-failing', now(false), { passed: false, status: 'errored', hash: 'h1' }],
    ['new', now(false), undefined],
    ['new', now(false), { passed: true, status: 'passed', hash: 'h0' }],
    ['new', now(true), { passed: false, status: 'skipped', hash: 'h1' }],
    ['flaky', now(false, { flaky: true }), { passed: true, status: 'passed', hash: 'h1' }],
    [null, now(false, { status: 'skipped' }), { passed: true, status: 'passed', hash: 'h1' }],
  ])('%s', (expected, current, base) => {
    expect(classifyCase(current as never, base)).toBe(expected);
  });
});

describe('checkComparable', () => {
  const index = (fingerprint: Fingerprint | undefined) =>
    indexBaseline('base.json', { fingerprint, cases: [] });
  it('is comparable when scorers and judge match, and notes changed datasets', () => {
    expect(checkComparable(fp, index(fp))).toEqual({ path: 'base.json', comparable: true, notes: [] });
    const info = checkComparable(fp, index({ ...fp, datasets: 'sha256:bb' }));
    expect(info.comparable).toBe(true);
    expect(info.notes[0]).toMatch(/datasets changed/);
  });
  it.each([
    [
      'a scorer version changed',
      { ...fp, scorers: { 'json-schema': '2' } },
      /scorer json-schema changed version 2 → 1/,
    ],
    ['there is no fingerprint', undefined, /no fingerprint/],
  ])('is not comparable when %s', (_name, baseFp, note) => {
    const info = checkComparable(fp, index(baseFp as Fingerprint | undefined));
    expect(info.comparable).toBe(false);
    expect(info.notes.join('\n')).toMatch(note);
  });
  const judged: Fingerprint = { ...fp, judge: { model: 'gpt-4.1-mini', prompt: 'factuality-v2' } };
  it.each([
    [
      'the judge model changed',
      { model: 'gpt-4.1', prompt: 'factuality-v2' },
      /judge model changed gpt-4\.1 → gpt-4\.1-mini/,
    ],
    [
      'the judge prompt changed',
      { model: 'gpt-4.1-mini', prompt: 'factuality-v1' },
      /judge prompt changed factuality-v1 → factuality-v2/,
    ],
    ['the baseline had no judge', { model: null, prompt: null }, /judge model changed none → gpt-4\.1-mini/],
  ])('is not comparable when a judge scores this run and %s', (_name, judge, note) => {
    const info = checkComparable(judged, index({ ...fp, judge }));
    expect(info.comparable).toBe(false);
    expect(info.notes.join('\n')).toMatch(note);
  });
  it('ignores judge settings when no judge scores this run (a judge.model in a config without judges)', () => {
    const info = checkComparable(fp, index({ ...fp, judge: { model: 'gpt-4.1', prompt: 'v1' } }));
    expect(info).toEqual({ path: 'base.json', comparable: true, notes: [] });
  });
  it('says when no case id matched (a baseline from another project) and lists vanished cases', () => {
    const base = (ids: string[]) => {
      const idx = indexBaseline('base.json', {
        fingerprint: fp,
        cases: ids.map((id) => ({ id, passed: true, status: 'passed', hash: 'h' })),
      });
      return idx;
    };
    const foreign = base(['x1', 'x2']);
    foreign.coverage = { matched: 0, missing: ['x1', 'x2'] };
    const info = checkComparable(fp, foreign);
    expect(info.comparable).toBe(false);
    expect(info.notes).toContain(
      'no case id matched the baseline (2 baseline cases): a baseline from another project or dataset?',
    );
    const partial = base(['a', 'gone-1', 'gone-2']);
    partial.coverage = { matched: 1, missing: ['gone-1', 'gone-2'] };
    expect(checkComparable(fp, partial)).toEqual({
      path: 'base.json',
      comparable: true,
      notes: ['2 baseline case(s) are in no dataset any more: gone-1, gone-2'],
      missing_cases: 2,
      missing_ids: ['gone-1', 'gone-2'],
    });
  });
  it('indexes cases and pass rates', () => {
    const idx = indexBaseline('b', {
      fingerprint: fp,
      cases: [{ id: 'a', passed: true, status: 'passed', hash: 'x' }, { nope: 1 }],
      failure_modes: { m: { pass_rate: 0.5 } },
    });
    expect([...idx.cases.entries()]).toEqual([['a', { passed: true, status: 'passed', hash: 'x' }]]);
    expect(idx.passRates).toEqual({ m: 0.5 });
  });
});
