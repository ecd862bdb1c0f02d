import type { CaseResult, Results } from '../run/results.js';

/** GitHub shows at most this many error (and, separately, warning) annotations per step. */
export const MAX_ANNOTATIONS_PER_LEVEL = 10;

/** One annotation on a dataset line. */
export interface Annotation {
  level: 'error' | 'warning';
  file: string;
  line: number;
  title: string;
  message: string;
}

/** The annotations to write and how many failing cases they leave out. */
export interface AnnotationPlan {
  annotations: Annotation[];
  /** Failing cases in failing modes that got no error annotation (the report lists them). */
  moreErrors: number;
  /** Failing cases in passing modes that got no warning annotation. */
  moreWarnings: number;
}

/**
 * Choose the annotations: failing cases of failing failure modes are errors, regressions first, then
 * errored, then failed; failing cases the gate tolerates (a mode under its threshold allowance, or
 * `fail-on` ignoring them) are warnings. At most `max` of each; `more*` counts the rest, from the per-mode
 * totals so cases the report view dropped are counted too. `file` maps a dataset path to the path GitHub
 * expects (relative to the repository root). Pure.
 */
export function planAnnotations(
  results: Results,
  file: (dataset: string) => string = (d) => d,
  max = MAX_ANNOTATIONS_PER_LEVEL,
): AnnotationPlan {
  const failingModes = new Set(
    Object.entries(results.failure_modes)
      .filter(([, m]) => m.verdict === 'fail')
      .map(([mode]) => mode),
  );
  const failing = results.cases
    .filter((c) => !c.passed && (c.status === 'failed' || c.status === 'errored'))
    .sort(byImportance);
  const errors = failing.filter((c) => failingModes.has(c.failure_mode));
  const warnings = failing.filter((c) => !failingModes.has(c.failure_mode));
  const toAnnotation = (level: Annotation['level']) => (c: CaseResult) => ({
    level,
    file: file(c.dataset),
    line: c.line,
    title: `tracegate ${c.failure_mode}: ${c.id} ${c.vs_baseline === 'regressed' ? 'regressed' : c.status}`,
    message: describeCase(c),
  });
  let totalErrors = 0;
  let totalWarnings = 0;
  for (const [mode, m] of Object.entries(results.failure_modes)) {
    if (failingModes.has(mode)) totalErrors += m.failed + m.errored;
    else totalWarnings += m.failed + m.errored;
  }
  const shownErrors = errors.slice(0, max);
  const shownWarnings = warnings.slice(0, max);
  return {
    annotations: [...shownErrors.map(toAnnotation('error')), ...shownWarnings.map(toAnnotation('warning'))],
    moreErrors: Math.max(0, Math.max(totalErrors, errors.length) - shownErrors.length),
    moreWarnings: Math.max(0, Math.max(totalWarnings, warnings.length) - shownWarnings.length),
  };
}

function rank(c: CaseResult): number {
  if (c.vs_baseline === 'regressed') return 0;
  if (c.status === 'errored') return 1;
  return 2;
}

function byImportance(a: CaseResult, b: CaseResult): number {
  return (
    rank(a) - rank(b) ||
    a.failure_mode.localeCompare(b.failure_mode) ||
    a.dataset.localeCompare(b.dataset) ||
    a.line - b.line
  );
}

/** One line saying why the case failed, with the origin link when there is one. */
export function describeCase(c: CaseResult): string {
  const why = c.error ?? (c.reasons.length ? c.reasons.join('; ') : 'failed');
  const regressed = c.vs_baseline === 'regressed' ? 'Regressed (passed on the baseline): ' : '';
  const origin = c.origin_url ? ` Origin: ${c.origin_url}` : '';
  const text = `${regressed}${why}${origin}`;
  return text.length > 1000 ? text.slice(0, 1000) + '…' : text;
}
