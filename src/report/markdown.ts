import type { CaseResult, FailureModeSummary, Results, Verdict } from '../run/results.js';
import { codeSpan, escapeMarkdown, safeLinkUrl } from './escape.js';
import { judgeSummaryLine } from '../judge/judge-summary.js';
import { describeSkipReasons } from '../run/gate.js';

/** GitHub rejects comment bodies over 65,536 characters; stay clear of it with room for the action's marker. */
export const MAX_REPORT_CHARS = 65_000;

const VERDICT_ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', warn: '⚠️', skipped: '⏭️' };
const STATUS_LABEL: Record<string, string> = {
  regressed: '🔻 regressed',
  fixed: '🟢 fixed',
  flaky: '🎲 flaky',
  'still-failing': 'still failing',
  new: 'new',
  passing: 'passing',
};

/** Options for rendering; `maxChars` exists so tests can exercise truncation on small inputs. */
export interface MarkdownOptions {
  maxChars?: number;
  /** A link to the full results (e.g. the workflow run), shown where cases were cut. */
  detailsUrl?: string;
}

/**
 * The PR comment body (report.md): verdict line, one table row per failure mode with threshold, pass rate
 * and baseline delta, then per failing mode the failing cases (regressions first) with their reason and a
 * link to the origin span, in collapsible blocks; a footer with the fingerprint. Always under `maxChars`:
 * case rows are cut with a note saying how many were left out.
 */
export function renderMarkdownReport(results: Results, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? MAX_REPORT_CHARS;
  const modes = Object.entries(results.failure_modes);
  const head = [renderVerdictLine(results, modes), '', renderModeTable(modes), ''];
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
  const footer = renderFooter(results);
  let body = head.join('\n');
  const budget = maxChars - footer.length - 400; // room for the truncation note
  let cut = 0;
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
  if (notes.length) body += notes.join('\n') + '\n';
  for (const [mode, summary] of modes) {
    const cases = (shown.get(mode) ?? []).sort(byImportance);
    if (cases.length === 0) continue;
    const section = renderModeSection(mode, summary, cases, budget - body.length);
    body += section.text;
    cut += section.cut;
  }
  const omitted = (results.omitted_cases ?? 0) + cut;
  if (omitted > 0) {
    const details = safeLinkUrl(options.detailsUrl);
    const where = details ? ` in [the full results](${details})` : ' in results.json and junit.xml';
    body += `\n> ✂️ ${omitted} more case${omitted === 1 ? '' : 's'} not shown to keep this comment under GitHub's size limit; all are listed${where}.\n`;
  }
  return body + '\n' + footer;
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

function renderVerdictLine(results: Results, modes: Array<[string, FailureModeSummary]>): string {
  const failing = modes.filter(([, m]) => m.verdict === 'fail');
  const total = modes.reduce((n, [, m]) => n + m.cases, 0);
  if (modes.length === 0) return '### ⚠️ tracegate: no cases ran';
  if (results.passed) {
    const warned = modes.filter(([, m]) => m.verdict === 'warn' || m.verdict === 'skipped').length;
    const skipped = modes.reduce((n, [, m]) => n + m.skipped, 0);
    if (skipped > 0)
      return `### ⚠️ tracegate: passed, but ${skipped} case(s) were not checked (${total} cases)${warned ? ` — ${warned} failure mode(s) with warnings` : ''}`;
    return `### ✅ tracegate: all ${modes.length} failure modes pass (${total} cases)${warned ? ` — ${warned} with warnings` : ''}`;
  }
  if (failing.length === 0)
    return `### ❌ tracegate: ${escapeMarkdown((results.gate?.reasons ?? ['the gate failed']).join('; '))}`;
  const regressed = failing.filter(([, m]) => m.regressions > 0);
  const names = failing.map(([mode]) => `\`${escapeMarkdown(mode)}\``).join(', ');
  const regressionNote = regressed.length
    ? ` · ${regressed.reduce((n, [, m]) => n + m.regressions, 0)} regression(s) against the baseline`
    : '';
  return `### ❌ tracegate: ${failing.length} of ${modes.length} failure modes failing: ${names}${regressionNote}`;
}

function pct(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 1)}%`;
}

function delta(now: number | null, before: number | null): string {
  if (now === null || before === null) return '—';
  const d = (now - before) * 100;
  if (Math.abs(d) < 0.05) return '±0';
  return `${d > 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} pts`;
}

function renderModeTable(modes: Array<[string, FailureModeSummary]>): string {
  const rows = modes.map(([mode, m]) => {
    const counts = `${m.passed}/${m.cases - m.skipped}${m.errored ? ` · ${m.errored} errored` : ''}${m.skipped ? ` · ${m.skipped} skipped` : ''}`;
    const threshold = `${pct(m.threshold)}${m.mean_score_threshold !== undefined ? ` · mean ≥ ${m.mean_score_threshold.toFixed(2)}` : ''}`;
    const regressions = m.regressions ? `**${m.regressions}**` : '0';
    return `| ${VERDICT_ICON[m.verdict]} \`${escapeMarkdown(mode)}\` | ${pct(m.pass_rate)} (${counts}) | ${threshold} | ${pct(m.baseline_pass_rate)} | ${delta(m.pass_rate, m.baseline_pass_rate)} | ${regressions} | ${m.improvements} |`;
  });
  return [
    '| Failure mode | Pass rate | Threshold | Baseline | Δ | Regressions | Fixed |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

function renderModeSection(
  mode: string,
  m: FailureModeSummary,
  cases: CaseResult[],
  budget: number,
): { text: string; cut: number } {
  const failing = cases.filter((c) => !c.passed).length;
  const regressed = cases.filter((c) => c.vs_baseline === 'regressed').length;
  const why = m.reasons.length ? ` — ${m.reasons.map((r) => escapeMarkdown(r)).join('; ')}` : '';
  const summaryBits = [
    `${failing} failing`,
    regressed ? `${regressed} regressed` : '',
    cases.length - failing ? `${cases.length - failing} fixed or flaky` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const open = m.verdict === 'fail' ? ' open' : '';
  let text = `\n#### ${VERDICT_ICON[m.verdict]} ${escapeMarkdown(mode)}${why}\n\n<details${open}><summary>${summaryBits}</summary>\n\n| Case | Status | Reason | Origin |\n|---|---|---|---|\n`;
  const close = '\n</details>\n';
  let shown = 0;
  for (const c of cases) {
    const row = renderCaseRow(c);
    if (text.length + row.length + close.length > budget) break;
    text += row;
    shown++;
  }
  if (shown === 0 && text.length + close.length > budget) return { text: '', cut: cases.length };
  return { text: text + close, cut: cases.length - shown };
}

function renderCaseRow(c: CaseResult): string {
  const status = c.vs_baseline && c.vs_baseline !== 'new' ? STATUS_LABEL[c.vs_baseline] : c.status;
  const reason = c.error ?? c.reasons.join('; ');
  const where = `${escapeMarkdown(c.dataset)}:${c.line}`;
  const link = safeLinkUrl(c.origin_url);
  const origin = link ? `[span](${link})` : '—';
  // The model's own words, quoted inertly: escaped, one line, short.
  const output =
    !c.passed && c.output_excerpt ? `<br><sub>output: “${escapeMarkdown(c.output_excerpt, 120)}”</sub>` : '';
  return `| ${escapeMarkdown(c.id, 80)}<br><sub>${where}</sub> | ${status} | ${escapeMarkdown(reason || '—')}${output} | ${origin} |\n`;
}

/** One line linking the Braintrust experiment the run was logged to, when it was. */
function renderExperimentLine(results: Results): string | undefined {
  const e = results.braintrust_experiment;
  if (!e) return undefined;
  const link = safeLinkUrl(e.url);
  const name = escapeMarkdown(e.name, 120);
  return `🧪 Braintrust experiment: ${link ? `[${name}](${link})` : name}`;
}

function renderFooter(results: Results): string {
  const scorers = Object.entries(results.fingerprint.scorers)
    .map(([id, v]) => `${escapeMarkdown(id)}@${escapeMarkdown(String(v), 20)}`)
    .join(', ');
  const judge = results.fingerprint.judge.model
    ? `judge ${escapeMarkdown(results.fingerprint.judge.model)} (${escapeMarkdown(results.fingerprint.judge.prompt ?? 'default prompt')})`
    : 'no judge';
  const total = Object.values(results.failure_modes).reduce((n, m) => n + m.cases, 0);
  const shard = results.shard ? ` · shard ${escapeMarkdown(String(results.shard), 20)}` : '';
  return `<sub>tracegate · task ${codeSpan(results.task)} · ${total} cases in ${(results.duration_ms / 1000).toFixed(1)} s${shard} · datasets ${escapeMarkdown(String(results.fingerprint.datasets).slice(0, 19))}… · scorers ${scorers || 'none'} · ${judge}</sub>\n`;
}
