import type { Results } from '../run/results.js';

/** The action's outputs, as strings (what `core.setOutput` writes). Pure. */
export function actionOutputs(
  results: Results,
  paths: { results: string; report: string; junit?: string },
  commentUrl?: string,
): Record<string, string> {
  const modes = Object.fromEntries(
    Object.entries(results.failure_modes).map(([mode, m]) => [
      mode,
      {
        verdict: m.verdict,
        pass_rate: m.pass_rate,
        threshold: m.threshold,
        baseline_pass_rate: m.baseline_pass_rate,
        regressions: m.regressions,
      },
    ]),
  );
  const regressions = Object.values(results.failure_modes).reduce((n, m) => n + m.regressions, 0);
  return {
    passed: String(results.passed),
    'results-path': paths.results,
    'report-path': paths.report,
    'junit-path': paths.junit ?? '',
    'comment-url': commentUrl ?? '',
    regressions: String(regressions),
    'failure-modes': JSON.stringify(modes),
  };
}

/** The one-line reason the step fails: the failing modes and why. */
export function failureMessage(results: Results): string {
  const failing = Object.entries(results.failure_modes).filter(([, m]) => m.verdict === 'fail');
  const parts = failing.map(([mode, m]) => `${mode} (${m.reasons.join('; ') || 'failed'})`);
  return `tracegate gate failed: ${failing.length} failure mode${failing.length === 1 ? '' : 's'} failing: ${parts.join(', ')}`;
}
