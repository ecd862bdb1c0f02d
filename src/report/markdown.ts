import type { CaseResult, FailureModeSummary, Results, Verdict } from '../run/results.js';
import { codeSpan, escapeMarkdown, safeLinkUrl } from './escape.js';
import { excerptAround } from './excerpt.js';
import { formatDelta, formatPercent } from './format.js';
import { judgeSummaryLine } from '../judge/judge-summary.js';
import { describeSkipReasons } from '../run/gate.js';

/** GitHub rejects comment bodies over 65,536 characters; stay clear of it with room for the action's marker. */
export const MAX_REPORT_CHARS = 65_000;

/** Regressions shown open (outside the collapsed block) per failing mode. */
export const OPEN_REGRESSIONS = 3;

const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', warn: '⚠️', skipped: '⏭️' };
const STATUS_LABEL: Record<string, string> = {
  regressed: '🔻 regressed',
  fixed: '🟢 fixed',
  flaky: '🎲 flaky',
  'still-failing': 'still failing',
  new: 'new',
  passing: 'passing',
};
const NBSP = '\u00a0';

/** Options for rendering; `maxChars` exists so tests can exercise truncation on small inputs. */
export interface MarkdownOptions {
  maxChars?: number;
  /** A link to the full results (the workflow run): shown in the footer and where cases were cut. */
  detailsUrl?: string;
  /** The commit under test (the PR's head), shown in the footer. */
  commit?: string;
  /** Link a dataset line to the file at the commit under test; undefined leaves `file:line` unlinked. */
  datasetLink?: (dataset: string, line: number) => string | undefined;
}

/**
 * The PR comment body (report.md): a one-line headline, one table row per failure mode (pass rate,
 * threshold, baseline and change, regressions), then per failing mode its heading with the reason and its
 * failing cases: the first few regressions open, the rest collapsed, each with the reason, an output
 * excerpt centred on the evidence, its dataset line and its origin span. A footer with the commit, the
 * run and the time. Always under `maxChars`: every failing mode keeps its heading and first cases; the
 * rest of the rows are cut with a note saying how many.
 */
export function renderMarkdownReport(results: Results, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? MAX_REPORT_CHARS;
  const modes = Object.entries(results.failure_modes);
  const head = [renderHeadline(results, modes), '', renderModeTable(modes), ''];
  const judges = judgeSummaryLine(results);
  if (judges) head.push(`> 🧑‍⚖️ ${escapeMarkdown(judges, 800)}`, '');
  // What was not checked, and why, is said under the headline whatever the verdict.
  const notChecked = modes.filter(([, m]) => m.skipped > 0);
  if (notChecked.length)
    head.push(
      `> ⏭️ **Not checked:** ${notChecked.map(([mode, m]) => `\`${escapeMarkdown(mode)}\` ${m.skipped} of ${m.cases} case(s) — ${escapeMarkdown(describeSkipReasons(m.skip_reasons))}`).join('; ')}.`,
      '',
    );
  if (results.baseline && !results.baseline.comparable) {
    head.push(
      `> ⚠️ **Baseline not comparable**, regressions were not checked: ${results.baseline.notes.map((n) => escapeMarkdown(n)).join('; ')}.`,
      '',
    );
  } else if (results.baseline?.notes.length) {
    head.push(`> ℹ️ ${results.baseline.notes.map((n) => escapeMarkdown(n)).join('; ')}.`, '');
  } else if (!results.baseline) {
    head.push('> ℹ️ No baseline given: verdicts come from thresholds only.', '');
  }
  const experiment = renderExperimentLine(results);
  if (experiment) head.push(experiment, '');
  const shown = new Map<string, CaseResult[]>();
  for (const c of results.cases) {
    if (!isShown(c)) continue;
    const list = shown.get(c.failure_mode);
    if (list) list.push(c);
    else shown.set(c.failure_mode, [c]);
  }
  // Modes that warn or were skipped with no case to show still say why (e.g. no judge key); a
  // non-comparable baseline is already said once above.
  const notes: string[] = [];
  for (const [mode, m] of modes) {
    if ((m.verdict !== 'warn' && m.verdict !== 'skipped') || shown.has(mode)) continue;
    const reasons = m.reasons.filter((r) => !r.startsWith('baseline not comparable'));
    if (reasons.length)
      notes.push(
        `- ${VERDICT_ICON[m.verdict]} \`${escapeMarkdown(mode)}\`: ${reasons.map((r) => escapeMarkdown(r)).join('; ')}`,
      );
  }
  let body = head.join('\n') + (notes.length ? notes.join('\n') + '\n' : '');
  const footer = renderFooter(results, options);
  const sections = modes
    .filter(([mode]) => shown.has(mode))
    .map(([mode, m]) => planSection(mode, m, (shown.get(mode) ?? []).sort(byImportance), options));
  // Budget: the head and footer, then every section's heading and open cases (so a cut comment still
  // names each failing mode and its first cases), then collapsed rows in order while they fit.
  const budget = maxChars - footer.length - 400; // room for the truncation note
  const core = (s: Section) => s.heading + (s.open.length ? TABLE_HEAD + s.open.join('') + '\n' : '');
  let used = body.length + sections.reduce((n, s) => n + core(s).length, 0);
  // With very many failing modes, fewer open rows each; headings always stay.
  while (used > budget && sections.some((s) => s.open.length > 0)) {
    for (const s of sections) {
      if (s.open.length === 0) continue;
      const before = core(s).length;
      s.rest.unshift(s.open.pop()!);
      used -= before - core(s).length;
    }
  }
  let cut = 0;
  for (const s of sections) {
    body += core(s);
    if (s.rest.length === 0) continue;
    const wrapOpen = `<details><summary>${s.summary(s.rest.length)}</summary>\n\n${TABLE_HEAD}`;
    const close = '\n</details>\n';
    let rows = '';
    let kept = 0;
    for (const row of s.rest) {
      if (used + wrapOpen.length + rows.length + row.length + close.length > budget) break;
      rows += row;
      kept++;
    }
    if (kept > 0) {
      body += wrapOpen + rows + close;
      used += wrapOpen.length + rows.length + close.length;
    }
    cut += s.rest.length - kept;
  }
  const omitted = (results.omitted_cases ?? 0) + cut;
  if (omitted > 0) {
    const details = safeLinkUrl(options.detailsUrl);
    const where = details ? ` in [the full results](${details})` : ' in results.json and junit.xml';
    body += `\n> ✂️ ${omitted} more case${omitted === 1 ? '' : 's'} not shown to keep this comment under GitHub's size limit; all are listed${where}.\n`;
  }
  return body + '\n' + footer;
}

const TABLE_HEAD = '| Case | Status | Why | Origin |\n|---|---|---|---|\n';

/** One failing mode's rendered parts, before the budget decides what fits. */
interface Section {
  heading: string;
  open: string[];
  rest: string[];
  summary(count: number): string;
}

function planSection(
  mode: string,
  m: FailureModeSummary,
  cases: CaseResult[],
  options: MarkdownOptions,
): Section {
  const rows = cases.map((c) => renderCaseRow(c, options));
  const failing = cases.filter((c) => !c.passed).length;
  const why = m.reasons.length ? ` — ${m.reasons.map((r) => escapeMarkdown(r, 200)).join('; ')}` : '';
  const heading = `\n#### ${VERDICT_ICON[m.verdict]} ${escapeMarkdown(mode, 100)}${why}\n\n`;
  // Open: the first few regressions; a failing mode with none shows its first failing case.
  let openCount = cases.slice(0, OPEN_REGRESSIONS).filter((c) => c.vs_baseline === 'regressed').length;
  if (openCount === 0 && m.verdict === 'fail' && failing > 0) openCount = 1;
  const open = rows.slice(0, openCount);
  const rest = rows.slice(openCount);
  const restCases = cases.slice(openCount);
  const restFailing = restCases.filter((c) => !c.passed).length;
  const summary = (count: number) => {
    const parts = [
      restFailing ? `${restFailing} ${openCount ? 'more ' : ''}failing` : '',
      count - restFailing ? `${count - restFailing} fixed or flaky` : '',
    ].filter(Boolean);
    return `${parts.join(', ')} case${count === 1 ? '' : 's'}`;
  };
  return { heading, open, rest, summary };
}

/** Regressions first, then errored, failed, flaky, fixed; stable within each group. */
function rank(c: CaseResult): number {
  if (c.vs_baseline === 'regressed') return 0;
  if (c.status === 'errored') return 1;
  if (!c.passed) return 2;
  if (c.flaky) return 3;
  return 4;
}

function byImportance(a: CaseResult, b: CaseResult): number {
  return rank(a) - rank(b);
}

function isShown(c: CaseResult): boolean {
  return !c.passed || c.flaky || c.vs_baseline === 'regressed' || c.vs_baseline === 'fixed';
}

/** One line: the verdict, how many modes fail, and the regressions; names only while they stay short. */
function renderHeadline(results: Results, modes: Array<[string, FailureModeSummary]>): string {
  const total = modes.reduce((n, [, m]) => n + m.cases, 0);
  if (modes.length === 0) return '### ⚠️ tracegate: no cases ran';
  const regressions = modes.reduce((n, [, m]) => n + m.regressions, 0);
  const regressionNote = regressions ? ` · ${regressions} regression${regressions === 1 ? '' : 's'}` : '';
  if (results.passed) {
    const warned = modes.filter(([, m]) => m.verdict === 'warn' || m.verdict === 'skipped').length;
    const skipped = modes.reduce((n, [, m]) => n + m.skipped, 0);
    if (skipped > 0)
      return `### ⚠️ tracegate: passed, but ${skipped} case(s) were not checked (${total} cases)${warned ? ` — ${warned} failure mode(s) with warnings` : ''}`;
    return `### ✅ tracegate: all ${modes.length} failure modes pass (${total} cases)${warned ? ` — ${warned} with warnings` : ''}`;
  }
  const failing = modes.filter(([, m]) => m.verdict === 'fail');
  if (failing.length === 0)
    return `### ❌ tracegate: ${escapeMarkdown((results.gate?.reasons ?? ['the gate failed']).join('; '), 160)}`;
  const names = failing.map(([mode]) => `\`${escapeMarkdown(mode, 60)}\``).join(', ');
  const named = names.length <= 60 ? `: ${names}` : '';
  return `### ❌ tracegate: ${failing.length} of ${modes.length} failure modes failing${named}${regressionNote}`;
}

function renderModeTable(modes: Array<[string, FailureModeSummary]>): string {
  const rows = modes.map(([mode, m]) => {
    const counts = `${m.passed}/${m.cases - m.skipped}`;
    const extra = [m.errored ? `${m.errored} errored` : '', m.skipped ? `${m.skipped} skipped` : '']
      .filter(Boolean)
      .join(', ');
    const rate = `${formatPercent(m.pass_rate)}${NBSP}(${counts}${extra ? `,${NBSP}${extra.replace(/ /g, NBSP)}` : ''})`;
    const threshold = `${formatPercent(m.threshold)}${m.mean_score_threshold !== undefined ? `,${NBSP}mean${NBSP}≥${NBSP}${m.mean_score_threshold.toFixed(2)}` : ''}`;
    const baseline =
      m.baseline_pass_rate === null
        ? '—'
        : `${formatPercent(m.baseline_pass_rate)}${NBSP}(${formatDelta(m.pass_rate, m.baseline_pass_rate).replace(/ /g, NBSP)})`;
    const regressions = m.regressions ? `**${m.regressions}**` : '0';
    return `| ${VERDICT_ICON[m.verdict]}${NBSP}\`${escapeMarkdown(mode, 60)}\` | ${rate} | ${threshold} | ${baseline} | ${regressions} | ${m.improvements} |`;
  });
  return [
    '| Failure mode | Pass rate | Threshold | Baseline | Regressed | Fixed |',
    '|:--|--:|--:|--:|--:|--:|',
    ...rows,
  ].join('\n');
}

function renderCaseRow(c: CaseResult, options: MarkdownOptions): string {
  const status =
    c.vs_baseline && c.vs_baseline !== 'new'
      ? STATUS_LABEL[c.vs_baseline]
      : c.flaky
        ? STATUS_LABEL.flaky
        : c.status;
  const reason = c.error ?? c.reasons.join('; ');
  const where = `${escapeMarkdown(c.dataset, 120)}:${c.line}`;
  const fileLink = safeLinkUrl(options.datasetLink?.(c.dataset, c.line));
  const located = fileLink ? `[${where}](${fileLink})` : where;
  const link = safeLinkUrl(c.origin_url);
  const origin = link ? `[span](${link})` : '—';
  // The model's own words, quoted inertly: escaped, one line, centred on what the reason points at.
  const excerpt = !c.passed && c.output_excerpt ? excerptAround(c.output_excerpt, c.reasons, 120) : '';
  const output = excerpt ? `<br><sub>output: “${escapeMarkdown(excerpt, 140)}”</sub>` : '';
  return `| ${escapeMarkdown(c.id, 80)}<br><sub>${located}</sub> | ${status.replace(/ /g, NBSP)} | ${escapeMarkdown(reason || '—')}${output} | ${origin} |\n`;
}

/** One line linking the Braintrust experiment the run was logged to, when it was. */
function renderExperimentLine(results: Results): string | undefined {
  const e = results.braintrust_experiment;
  if (!e) return undefined;
  const link = safeLinkUrl(e.url);
  const name = escapeMarkdown(e.name, 120);
  return `🧪 Braintrust experiment: ${link ? `[${name}](${link})` : name}`;
}

function renderFooter(results: Results, options: MarkdownOptions): string {
  const scorers = Object.entries(results.fingerprint.scorers)
    .map(([id, v]) => `${escapeMarkdown(id)}@${escapeMarkdown(String(v), 20)}`)
    .join(', ');
  const judge = results.fingerprint.judge.model
    ? `judge ${escapeMarkdown(results.fingerprint.judge.model)} (${escapeMarkdown(results.fingerprint.judge.prompt ?? 'default prompt')})`
    : 'no judge';
  const total = Object.values(results.failure_modes).reduce((n, m) => n + m.cases, 0);
  const shard = results.shard ? ` · shard ${escapeMarkdown(String(results.shard), 20)}` : '';
  const commit =
    options.commit && /^[0-9a-f]{7,40}$/i.test(options.commit)
      ? ` · commit ${options.commit.slice(0, 7)}`
      : '';
  const run = safeLinkUrl(options.detailsUrl);
  const runLink = run ? ` · [workflow run](${run})` : '';
  const time = formatTime(results.started_at);
  return `<sub>tracegate${commit}${runLink}${time ? ` · ${time}` : ''} · task ${codeSpan(results.task)} · ${total} cases in ${(results.duration_ms / 1000).toFixed(1)} s${shard} · scorers ${scorers || 'none'} · ${judge} · datasets ${escapeMarkdown(String(results.fingerprint.datasets).slice(0, 19))}…</sub>\n`;
}

/** `2026-11-20 10:00 UTC`, or '' when the time is unknown. */
function formatTime(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
