import {
  decideOverall,
  decideVerdict,
  decideRun,
  normaliseThreshold,
  type FailOn,
  type GatePolicy,
  type ModeFigures,
} from '../../src/run/gate.js';

const base: ModeFigures = {
  cases: 10,
  skipped: 0,
  pass_rate: 1,
  mean_score: 1,
  regressions: 0,
  hasBlocking: true,
  shadowFailures: 0,
};
const comparable = { given: true, comparable: true };
const none = { given: false, comparable: false };

describe('decideVerdict', () => {
  it.each<
    [
      string,
      Partial<ModeFigures>,
      number | { pass_rate?: number; mean_score?: number },
      FailOn | Partial<GatePolicy>,
      { given: boolean; comparable: boolean },
      string,
      RegExp | null,
    ]
  >([
    ['all pass', {}, 1, 'both', comparable, 'pass', null],
    [
      'pass rate below threshold',
      { pass_rate: 0.8 },
      1,
      'both',
      none,
      'fail',
      /pass rate 0\.80 < threshold 1\.00/,
    ],
    ['pass rate exactly at threshold', { pass_rate: 0.9 }, 0.9, 'both', none, 'pass', null],
    ['threshold 0 accepts anything', { pass_rate: 0 }, 0, 'both', none, 'pass', null],
    [
      'mean score below its threshold',
      { mean_score: 0.7 },
      { pass_rate: 0.5, mean_score: 0.8 },
      'both',
      none,
      'fail',
      /mean score 0\.70 < threshold 0\.80/,
    ],
    [
      'a regression fails even when the threshold holds',
      { pass_rate: 0.95, regressions: 1 },
      0.9,
      'both',
      comparable,
      'fail',
      /1 regression\(s\)/,
    ],
    [
      'regressions are ignored with fail_on threshold',
      { pass_rate: 0.95, regressions: 1 },
      0.9,
      'threshold',
      comparable,
      'warn',
      /fail_on: threshold/,
    ],
    [
      'threshold misses are ignored with fail_on regression',
      { pass_rate: 0.5 },
      0.9,
      'regression',
      comparable,
      'warn',
      /fail_on: regression/,
    ],
    [
      'fail_on never only warns',
      { pass_rate: 0.5, regressions: 3 },
      0.9,
      'never',
      comparable,
      'warn',
      /pass rate/,
    ],
    [
      'regressions against a non-comparable baseline do not count',
      { regressions: 2 },
      1,
      'both',
      { given: true, comparable: false },
      'warn',
      /not comparable/,
    ],
    [
      'every case skipped fails: not checked is not passed',
      { skipped: 10, pass_rate: null, skipReasons: { 'judge skipped: no judge API key': 10 } },
      1,
      'both',
      none,
      'fail',
      /^not checked: no case could be scored — judge skipped: no judge API key \(10\)$/,
    ],
    [
      'some cases skipped fails too, even when the checked ones pass',
      { skipped: 3, pass_rate: 1, skipReasons: { 'judge skipped: no judge API key': 3 } },
      1,
      'both',
      none,
      'fail',
      /^not checked: 3 of 10 cases skipped/,
    ],
    [
      'every case skipped with on_skipped: warn',
      { skipped: 10, pass_rate: null },
      1,
      { onSkipped: 'warn' },
      none,
      'skipped',
      /not checked: no case could be scored .*\(on_skipped: warn\)/,
    ],
    [
      'some cases skipped with on_skipped: warn still gates the checked ones',
      { skipped: 5, pass_rate: 0.6 },
      1,
      { onSkipped: 'warn' },
      none,
      'fail',
      /^pass rate 0\.60 < threshold 1\.00$/,
    ],
    [
      'shadow-only mode with failures warns',
      { hasBlocking: false, shadowFailures: 2, pass_rate: 1 },
      1,
      'both',
      none,
      'warn',
      /2 shadow scorer failure/,
    ],
    [
      'shadow-only mode with no failures warns, never passes',
      { hasBlocking: false, skipped: 10, pass_rate: null },
      1,
      'both',
      none,
      'warn',
      /^only shadow scorers: no blocking scorer gates this mode/,
    ],
    [
      'a configured mode with no case warns',
      { cases: 0, pass_rate: null, mean_score: null },
      1,
      'both',
      none,
      'warn',
      /^no cases: configured, but no dataset row has this failure mode$/,
    ],
    [
      'a configured mode with no case fails with require_cases',
      { cases: 0, pass_rate: null, mean_score: null, requireCases: true },
      1,
      'both',
      none,
      'fail',
      /require_cases: true/,
    ],
    [
      'a mean-score threshold alone keeps the pass-rate floor at 1',
      { pass_rate: 0.9, mean_score: 0.95 },
      { mean_score: 0.9 },
      'both',
      none,
      'fail',
      /^pass rate 0\.90 < threshold 1\.00$/,
    ],
  ])('%s', (_name, figures, threshold, failOn, baseline, verdict, reason) => {
    const decided = decideVerdict(
      { ...base, ...figures },
      normaliseThreshold(threshold),
      failOn as FailOn,
      baseline,
    );
    expect(decided.verdict).toBe(verdict);
    if (reason) expect(decided.reasons.join('\n')).toMatch(reason);
    else expect(decided.reasons).toEqual([]);
  });
});

describe('decideOverall', () => {
  it.each([
    [['pass', 'pass'], true],
    [['pass', 'warn', 'skipped'], true],
    [['pass', 'fail'], false],
    [[], true],
  ] as const)('%j → %s', (verdicts, passed) => {
    expect(decideOverall([...verdicts])).toBe(passed);
  });
});

describe('normaliseThreshold', () => {
  it.each([
    [undefined, { pass_rate: 1 }],
    [0.8, { pass_rate: 0.8 }],
    [0, { pass_rate: 0 }],
    [{ mean_score: 0.9 }, { pass_rate: 1, mean_score: 0.9 }],
    [{ pass_rate: 0.5 }, { pass_rate: 0.5 }],
  ] as const)('%j → %j', (threshold, normalised) => {
    expect(normaliseThreshold(threshold)).toEqual(normalised);
  });
});

describe('decideRun', () => {
  it('fails a run with no case unless empty runs are allowed', () => {
    expect(decideRun({})).toEqual({
      passed: false,
      reasons: ['nothing was tested: no case ran (allow_empty is not set)'],
    });
    expect(decideRun({ x: { cases: 0, verdict: 'warn' } })).toMatchObject({ passed: false });
    expect(decideRun({}, { allowEmpty: true })).toEqual({ passed: true, reasons: [] });
  });
  it('fails when a mode failed, naming it; warnings and skipped modes do not fail', () => {
    expect(
      decideRun({
        a: { cases: 1, verdict: 'fail' },
        b: { cases: 1, verdict: 'warn' },
        c: { cases: 2, verdict: 'skipped' },
      }),
    ).toEqual({ passed: false, reasons: ['failing failure modes: a'] });
    expect(decideRun({ b: { cases: 1, verdict: 'warn' }, c: { cases: 2, verdict: 'pass' } })).toEqual({
      passed: true,
      reasons: [],
    });
  });
});
