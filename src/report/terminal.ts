import type { Results } from '../run/results.js';
import { judgeSummaryLine } from '../judge/judge-summary.js';
import { describeSkipReasons } from '../run/gate.js';

const ICON: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skipped: 'SKIP' };

/** The terminal summary: one line per failure mode, the failing cases (up to `maxCases`), and the verdict. */
export function renderTerminalSummary(results: Results, maxCases = 20): string {
  const lines: string[] = [];
  const modes = Object.entries(results.failure_modes);
  const width = Math.max(12, ...modes.map(([m]) => m.length));
  lines.push(`${'failure mode'.padEnd(width)}  verdict  pass rate        threshold  baseline  regressions`);
  for (const [mode, m] of modes) {
    const rate = m.pass_rate === null ? '—' : `${(m.pass_rate * 100).toFixed(1)}%`;
    const counts = `(${m.passed}/${m.cases - m.skipped})`;
    const base = m.baseline_pass_rate === null ? '—' : `${(m.baseline_pass_rate * 100).toFixed(1)}%`;
    lines.push(
      `${mode.padEnd(width)}  ${ICON[m.verdict].padEnd(7)}  ${`${rate} ${counts}`.padEnd(15)}  ${`${(m.threshold * 100).toFixed(0)}%`.padEnd(9)}  ${base.padEnd(8)}  ${m.regressions}`,
    );
    for (const reason of m.verdict === 'pass' ? [] : m.reasons)
      lines.push(`${' '.repeat(width)}  ↳ ${reason}`);
  }
  const failing = results.cases.filter((c) => c.status === 'failed' || c.status === 'errored');
  if (failing.length) {
    lines.push('', 'Failing cases:');
    for (const c of failing.slice(0, maxCases)) {
      const tag = c.vs_baseline === 'regressed' ? ' [regressed]' : c.status === 'errored' ? ' [errored]' : '';
      lines.push(
        `  ${c.dataset}:${c.line} ${c.id}${tag}: ${(c.error ?? c.reasons.join('; ')).slice(0, 160)}`,
      );
      if (c.origin_url) lines.push(`      origin: ${c.origin_url}`);
    }
    const more = failing.length - maxCases + (results.omitted_cases ?? 0);
    if (more > 0) lines.push(`  … and ${more} more (see results.json)`);
  }
  const judges = judgeSummaryLine(results);
  if (judges) lines.push('', judges);
  if (results.baseline && !results.baseline.comparable)
    lines.push('', `Baseline not comparable: ${results.baseline.notes.join('; ')}`);
  // "Not checked" is never silent: every skipped case is counted here with why, pass or fail.
  const notChecked = modes.filter(([, m]) => m.skipped > 0);
  if (notChecked.length) {
    lines.push('', 'Not checked (skipped cases):');
    for (const [mode, m] of notChecked)
      lines.push(`  ${mode}: ${m.skipped} of ${m.cases} — ${describeSkipReasons(m.skip_reasons)}`);
  }
  const total = modes.reduce((n, [, m]) => n + m.cases, 0);
  const skipped = notChecked.reduce((n, [, m]) => n + m.skipped, 0);
  const failed = modes.filter(([, m]) => m.verdict === 'fail').map(([mode]) => mode);
  const runReasons = (results.gate?.reasons ?? []).filter((r) => !r.startsWith('failing failure modes'));
  lines.push(
    '',
    results.passed
      ? `tracegate: PASSED — ${total} cases, ${modes.length} failure modes, ${(results.duration_ms / 1000).toFixed(1)} s${skipped ? ` (${skipped} not checked, see above)` : ''}`
      : `tracegate: FAILED — ${[...(failed.length ? [`failing failure modes: ${failed.join(', ')}`] : []), ...runReasons].join('; ')}`,
  );
  return lines.join('\n') + '\n';
}
