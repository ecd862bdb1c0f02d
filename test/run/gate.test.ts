import {
  decideOverall,
  decideVerdict,
  normaliseThreshold,
  type FailOn,
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
      FailOn,
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
    ['every case skipped', { skipped: 10, pass_rate: null }, 1, 'both', none, 'skipped', /skipped/],
    [
      'shadow-only mode with failures warns',
      { hasBlocking: false, shadowFailures: 2, pass_rate: 1 },
      1,
      'both',
      none,
      'warn',
      /shadow/,
    ],
    ['shadow-only mode with no failures passes', { hasBlocking: false }, 1, 'both', none, 'pass', null],
  ])('%s', (_name, figures, threshold, failOn, baseline, verdict, reason) => {
    const decided = decideVerdict({ ...base, ...figures }, normaliseThreshold(threshold), failOn, baseline);
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
