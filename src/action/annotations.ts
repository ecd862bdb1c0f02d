import type { CaseResult, Results } from '../run/results.js';
import { ellipsis } from '../util/neutralise.js';

/** GitHub shows at most this many error (and, separately, warning) annotations per step. */
export const MAX_ANNOTATIONS_PER_LEVEL = 10;

/**
 * Error slots kept free for the final verdict: `core.setFailed` writes one error annotation, and it is the
 * one line a reader must see.
 */
export const VERDICT_ERROR_SLOTS = 1;

/** Warning slots kept free for the run's own warnings (no baseline, skipped cases, comment problems). */
export const NOTE_WARNING_SLOTS = 3;

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
 * Choose the annotations. Failing cases of failing failure modes are errors; failing cases the gate
 * tolerates (a mode under its threshold allowance, or `fail-on` ignoring them) are warnings. GitHub shows
 * 10 of each per step: one error slot stays free for the final verdict, and the others are spread over
 * the failing modes in turns (every failing mode gets its first case before any gets a second), taking
 * regressions first, then errored, then failed cases. `more*` counts the rest, from the per-mode totals so
 * cases the report view dropped are counted too. `file` maps a dataset path to the path GitHub expects
 * (relative to the repository root). Pure.
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
  const shownErrors = spread(errors, Math.max(0, max - VERDICT_ERROR_SLOTS));
  const shownWarnings = spread(warnings, Math.max(0, max - NOTE_WARNING_SLOTS));
  return {
    annotations: [...shownErrors.map(toAnnotation('error')), ...shownWarnings.map(toAnnotation('warning'))],
    moreErrors: Math.max(0, Math.max(totalErrors, errors.length) - shownErrors.length),
    moreWarnings: Math.max(0, Math.max(totalWarnings, warnings.length) - shownWarnings.length),
  };
}

/**
 * Pick `slots` cases spread over their failure modes: regressions first (in turns over the modes that
 * have them), then the other cases in turns; each mode's own order is kept. The result is in pick order.
 */
function spread(cases: CaseResult[], slots: number): CaseResult[] {
  const picked: CaseResult[] = [];
  for (const tier of [cases.filter((c) => rank(c) === 0), cases.filter((c) => rank(c) !== 0)]) {
    const byMode = new Map<string, CaseResult[]>();
    for (const c of tier) {
      const list = byMode.get(c.failure_mode);
      if (list) list.push(c);
      else byMode.set(c.failure_mode, [c]);
    }
    const queues = [...byMode.values()];
    for (let turn = 0; picked.length < slots; turn++) {
      const round = queues.filter((q) => turn < q.length).map((q) => q[turn]);
      if (round.length === 0) break;
      picked.push(...round.slice(0, slots - picked.length));
    }
  }
  return picked;
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
  return ellipsis(text, 1000);
}
