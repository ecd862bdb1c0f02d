import { describeCase, planAnnotations, VERDICT_ERROR_SLOTS } from '../../src/action/annotations.js';
import { COMPARABLE_BASELINE, makeCase, makeResults } from '../report/fixtures.js';

describe('planAnnotations', () => {
  const failing = Array.from({ length: 14 }, (_, i) =>
    makeCase({
      id: `hal-${i}`,
      failure_mode: 'hallucination',
      line: i + 1,
      passed: false,
      vs_baseline: i >= 11 ? 'regressed' : 'still-failing',
    }),
  );
  const errored = makeCase({
    id: 'hal-err',
    failure_mode: 'hallucination',
    line: 40,
    status: 'errored',
    passed: false,
    error: 'timed out after 100 ms',
  });
  const tolerated = makeCase({ id: 'fmt-1', failure_mode: 'format-violation', line: 2, passed: false });
  const results = makeResults({
    cases: [...failing, errored, tolerated],
    modes: {
      hallucination: { baseline_pass_rate: 1 },
      'format-violation': { threshold: 0.5, extra_passed: 3 },
    },
    baseline: COMPARABLE_BASELINE,
  });

  test('errors for failing modes, regressions first, then errored; 9 of the 10 slots (one is the verdict’s); the rest counted', () => {
    const plan = planAnnotations(results, (d) => `apps/support/${d}`);
    const errors = plan.annotations.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(10 - VERDICT_ERROR_SLOTS);
    expect(errors.slice(0, 4).map((a) => a.title)).toEqual([
      'tracegate hallucination: hal-11 regressed',
      'tracegate hallucination: hal-12 regressed',
      'tracegate hallucination: hal-13 regressed',
      'tracegate hallucination: hal-err errored',
    ]);
    expect(errors[0]).toMatchObject({ file: 'apps/support/datasets/hallucination.jsonl', line: 12 });
    expect(errors[3].message).toBe(
      'timed out after 100 ms Origin: https://www.braintrust.dev/app/acme/object?object_type=project_logs&object_id=proj-1&id=row-hal-err',
    );
    expect(plan.moreErrors).toBe(15 - 9);
  });

  test('failing cases a passing mode tolerates are warnings', () => {
    const plan = planAnnotations(results);
    expect(plan.annotations.filter((a) => a.level === 'warning')).toEqual([
      expect.objectContaining({
        file: 'datasets/format-violation.jsonl',
        line: 2,
        title: 'tracegate format-violation: fmt-1 failed',
      }),
    ]);
    expect(plan.moreWarnings).toBe(0);
  });

  test('cases the report view dropped are counted from the per-mode totals', () => {
    const view = {
      ...results,
      failure_modes: {
        ...results.failure_modes,
        hallucination: { ...results.failure_modes.hallucination, failed: 514 },
      },
    };
    expect(planAnnotations(view).moreErrors).toBe(514 + 1 - 9);
  });

  test('a green run has nothing to annotate', () => {
    const green = makeResults({ cases: [], modes: { hallucination: { extra_passed: 3 } } });
    expect(planAnnotations(green)).toEqual({ annotations: [], moreErrors: 0, moreWarnings: 0 });
  });

  test('describeCase says it regressed, why, and where it came from', () => {
    expect(describeCase(failing[12])).toBe(
      'Regressed (passed on the baseline): contains 0.00: missing "30 days" Origin: https://www.braintrust.dev/app/acme/object?object_type=project_logs&object_id=proj-1&id=row-hal-12',
    );
  });

  test('the slots are spread over the failing modes: each mode gets its regressions, then its other cases, in turns', () => {
    const many = (mode: string, n: number, regressed: number) =>
      Array.from({ length: n }, (_, i) =>
        makeCase({
          id: `${mode}-${i}`,
          failure_mode: mode,
          line: i + 1,
          passed: false,
          vs_baseline: i < regressed ? 'regressed' : 'still-failing',
        }),
      );
    const spreadResults = makeResults({
      cases: [
        ...many('hallucination', 30, 1),
        ...many('retrieval-miss', 30, 0),
        ...many('format-violation', 2, 2),
      ],
      modes: {
        hallucination: { baseline_pass_rate: 1 },
        'retrieval-miss': { baseline_pass_rate: 1 },
        'format-violation': { baseline_pass_rate: 1 },
      },
      baseline: COMPARABLE_BASELINE,
    });
    const titles = planAnnotations(spreadResults).annotations.map((a) => a.title.replace('tracegate ', ''));
    expect(titles).toEqual([
      // Regressions first, in turns over the modes that have them.
      'format-violation: format-violation-0 regressed',
      'hallucination: hallucination-0 regressed',
      'format-violation: format-violation-1 regressed',
      // Then the other failing cases, in turns, so no mode takes every slot.
      'hallucination: hallucination-1 failed',
      'retrieval-miss: retrieval-miss-0 failed',
      'hallucination: hallucination-2 failed',
      'retrieval-miss: retrieval-miss-1 failed',
      'hallucination: hallucination-3 failed',
      'retrieval-miss: retrieval-miss-2 failed',
    ]);
  });

  test('describeCase cuts a long reason with …', () => {
    const long = makeCase({
      id: 'x',
      failure_mode: 'hallucination',
      passed: false,
      reasons: ['y'.repeat(5000)],
      origin_url: null,
    });
    const text = describeCase(long);
    expect(text).toHaveLength(1000);
    expect(text.endsWith('y…')).toBe(true);
  });
});
