import type { CaseResult, Results } from '../run/results.js';
import { judgeSummaryLine } from '../judge/judge-summary.js';
import { describeSkipReasons } from '../run/gate.js';
import { ellipsis, neutralise } from '../util/neutralise.js';
import { formatPercent } from './format.js';

const ICON: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skipped: 'SKIP' };

/** A failing case's reason is cut to this many characters on the terminal (ending with `…`). */
export const TERMINAL_REASON_CHARS = 200;

/**
 * The terminal summary: one line per failure mode, then a non-comparable baseline (said before the cases,
 * since it changes how to read them), the failing cases (up to `maxCases`, regressions first) and the
 * flaky ones, and the verdict. Every string that comes from a dataset, a task, a scorer or a server goes
 * through `neutralise`: no escape sequence, line break or workflow command reaches the terminal or log.
 */
export function renderTerminalSummary(results: Results, maxCases = 20): string {
  const lines: string[] = [];
  const modes = Object.entries(results.failure_modes);
  const safeModes = modes.map(([mode, m]) => [neutralise(mode), m] as const);
  const width = Math.max(12, ...safeModes.map(([m]) => m.length));
  lines.push(`${'failure mode'.padEnd(width)}  verdict  pass rate        threshold  baseline  regressions`);
  for (const [mode, m] of safeModes) {
    const counts = `(${m.passed}/${m.cases - m.skipped})`;
    lines.push(
      `${mode.padEnd(width)}  ${(ICON[m.verdict] ?? neutralise(m.verdict)).padEnd(7)}  ${`${formatPercent(m.pass_rate)} ${counts}`.padEnd(15)}  ${formatPercent(m.threshold).padEnd(9)}  ${formatPercent(m.baseline_pass_rate).padEnd(8)}  ${m.regressions}`,
    );
    for (const reason of m.verdict === 'pass' ? [] : m.reasons)
      lines.push(`${' '.repeat(width)}  ↳ ${neutralise(reason)}`);
  }
  if (results.baseline && !results.baseline.comparable) {
    lines.push(
      '',
      `Baseline not comparable: ${results.baseline.notes.map(neutralise).join('; ')} (regressions were not checked)`,
    );
  }
  const failing = results.cases
    .filter((c) => c.status === 'failed' || c.status === 'errored')
    .sort((a, b) => rank(a) - rank(b));
  if (failing.length) {
    lines.push('', 'Failing cases:');
    for (const c of failing.slice(0, maxCases)) lines.push(...caseLines(c));
    const more = failing.length - Math.min(maxCases, failing.length) + (results.omitted_cases ?? 0);
    if (more > 0) lines.push(`  … and ${more} more (see results.json)`);
  }
  const flaky = results.cases.filter((c) => c.flaky && c.status !== 'failed' && c.status !== 'errored');
  if (flaky.length) {
    lines.push('', 'Flaky cases (passed some trials, failed others):');
    for (const c of flaky.slice(0, maxCases))
      lines.push(
        `  ${where(c)} ${neutralise(c.id)} [flaky: ${formatPercent(c.pass_rate)} of ${c.trials} trials passed]`,
      );
    if (flaky.length > maxCases) lines.push(`  … and ${flaky.length - maxCases} more (see results.json)`);
  }
  const judges = judgeSummaryLine(results);
  if (judges) lines.push('', neutralise(judges));
  // "Not checked" is never silent: every skipped case is counted here with why, pass or fail.
  const notChecked = safeModes.filter(([, m]) => m.skipped > 0);
  if (notChecked.length) {
    lines.push('', 'Not checked (skipped cases):');
    for (const [mode, m] of notChecked)
      lines.push(
        `  ${mode}: ${m.skipped} of ${m.cases} — ${neutralise(describeSkipReasons(m.skip_reasons))}`,
      );
  }
  const total = modes.reduce((n, [, m]) => n + m.cases, 0);
  const skipped = notChecked.reduce((n, [, m]) => n + m.skipped, 0);
  const failed = safeModes.filter(([, m]) => m.verdict === 'fail').map(([mode]) => mode);
  const runReasons = (results.gate?.reasons ?? [])
    .filter((r) => !r.startsWith('failing failure modes'))
    .map(neutralise);
  lines.push(
    '',
    results.passed
      ? `tracegate: PASSED — ${total} cases, ${modes.length} failure modes, ${(results.duration_ms / 1000).toFixed(1)} s${skipped ? ` (${skipped} not checked, see above)` : ''}`
      : `tracegate: FAILED — ${[...(failed.length ? [`failing failure modes: ${failed.join(', ')}`] : []), ...runReasons].join('; ') || 'see the reasons above'}`,
  );
  return lines.join('\n') + '\n';
}

function rank(c: CaseResult): number {
  if (c.vs_baseline === 'regressed') return 0;
  return c.status === 'errored' ? 1 : 2;
}

function where(c: CaseResult): string {
  return `${neutralise(c.dataset)}:${c.line}`;
}

function caseLines(c: CaseResult): string[] {
  const tags = [
    c.vs_baseline === 'regressed' ? 'regressed' : '',
    c.status === 'errored' ? 'errored' : '',
    c.flaky ? 'flaky' : '',
  ].filter(Boolean);
  const tag = tags.length ? ` [${tags.join(', ')}]` : '';
  const reason = ellipsis(neutralise(c.error ?? c.reasons.join('; ')), TERMINAL_REASON_CHARS);
  const lines = [`  ${where(c)} ${neutralise(c.id)}${tag}: ${reason}`];
  if (c.origin_url) lines.push(`      origin: ${neutralise(c.origin_url)}`);
  return lines;
}
