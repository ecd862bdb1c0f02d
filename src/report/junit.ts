import type { CaseResult, FailureModeSummary, Results } from '../run/results.js';
import { escapeXml } from './xml-escape.js';

/** The XML declaration and the <testsuites> element with the run's totals. */
export function junitHead(results?: Pick<Results, 'failure_modes' | 'duration_ms'>): string {
  const modes = Object.values(results?.failure_modes ?? {});
  const sum = (k: 'cases' | 'failed' | 'errored' | 'skipped') => modes.reduce((n, m) => n + m[k], 0);
  const time = ((results?.duration_ms ?? 0) / 1000).toFixed(3);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="tracegate" tests="${sum('cases')}" failures="${sum('failed')}" errors="${sum('errored')}" skipped="${sum('skipped')}" time="${time}">\n`
  );
}

/** Opening tag of one failure mode's <testsuite>. */
export function junitSuiteOpen(mode: string, summary: FailureModeSummary, durationMs: number): string {
  return `  <testsuite name="${escapeXml(mode)}" tests="${summary.cases}" failures="${summary.failed}" errors="${summary.errored}" skipped="${summary.skipped}" time="${(durationMs / 1000).toFixed(3)}">\n`;
}

export function junitSuiteClose(): string {
  return '  </testsuite>\n';
}

export function junitTail(): string {
  return '</testsuites>\n';
}

/** One <testcase>: failed cases carry <failure>, errored ones <error>, skipped ones <skipped/>. */
export function junitCase(c: CaseResult): string {
  const attrs = `name="${escapeXml(c.id)}" classname="tracegate.${escapeXml(c.failure_mode)}" file="${escapeXml(c.dataset)}" line="${c.line}" time="${seconds(c.duration_ms)}"`;
  // Most cases pass: return before building the failure detail.
  if (c.status === 'passed') return `    <testcase ${attrs}/>\n`;
  if (c.status === 'skipped')
    return `    <testcase ${attrs}><skipped message="${escapeXml(c.reasons[0] ?? 'skipped')}"/></testcase>\n`;
  const detail = [
    ...c.reasons,
    c.origin_url ? `origin: ${c.origin_url}` : '',
    c.vs_baseline ? `vs baseline: ${c.vs_baseline}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const tag = c.status === 'errored' ? 'error' : 'failure';
  const message = escapeXml(c.error ?? c.reasons[0] ?? c.status);
  return `    <testcase ${attrs}><${tag} message="${message}" type="${escapeXml(c.failure_mode)}">${escapeXml(detail)}</${tag}></testcase>\n`;
}

/** Whole milliseconds as seconds with three decimals, without toFixed (called once per case). */
function seconds(ms: number): string {
  const whole = Math.round(ms);
  const frac = whole % 1000;
  return `${(whole - frac) / 1000}.${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}`;
}

/** The whole junit.xml for a Results object whose `cases` are complete: one testsuite per failure mode. */
export function renderJunit(results: Results): string {
  let xml = junitHead(results);
  for (const [mode, summary] of Object.entries(results.failure_modes)) {
    xml += junitSuiteOpen(mode, summary, results.duration_ms);
    for (const c of results.cases) if (c.failure_mode === mode) xml += junitCase(c);
    xml += junitSuiteClose();
  }
  return xml + junitTail();
}
