import type { Results } from '../run/results.js';
import { formatCost } from './pricing.js';
import type { JudgeEstimate } from './judge-runtime.js';

/**
 * One line about the run's judges, for the PR comment and the terminal: calls, cache hits, tokens, cost
 * (`unknown` when a price is unknown), what was not scored, which judges run as shadow or were skipped and
 * why, and how many cases were flaky. Undefined when the run used no judge.
 */
export function judgeSummaryLine(
  results: Pick<Results, 'usage' | 'judges' | 'failure_modes'>,
): string | undefined {
  const judges = Object.entries(results.judges ?? {});
  const usage = results.usage.judge;
  const flaky = Object.entries(results.failure_modes).filter(([, m]) => m.flaky > 0);
  if (judges.length === 0 && usage.calls === 0) return undefined;
  const parts = [
    `${usage.calls} call${usage.calls === 1 ? '' : 's'}`,
    `${usage.cached ?? 0} cache hit${usage.cached === 1 ? '' : 's'}`,
    `${(usage.tokens ?? 0).toLocaleString('en-US')} tokens`,
    formatCost(usage.cost_usd),
  ];
  if (usage.not_scored)
    parts.push(`${usage.not_scored} not scored${usage.budget_reached ? ' (budget reached)' : ''}`);
  const skipped = judges.filter(([, j]) => j.skip_reason);
  if (skipped.length) parts.push(`skipped ${skipped.map(([n, j]) => `${n} (${j.skip_reason})`).join(', ')}`);
  const shadow = judges.filter(([, j]) => j.shadow_reason && !j.skip_reason);
  if (shadow.length) parts.push(`shadow ${shadow.map(([n, j]) => `${n} (${j.shadow_reason})`).join(', ')}`);
  if (flaky.length) parts.push(`flaky: ${flaky.map(([mode, m]) => `${m.flaky} in ${mode}`).join(', ')}`);
  return `Judges: ${parts.join(' · ')}`;
}

/** What `tracegate eval --estimate` prints. */
export function renderEstimate(estimate: JudgeEstimate, budgetUsd?: number): string {
  const lines = [
    `Judge estimate: ${estimate.calls} call${estimate.calls === 1 ? '' : 's'} to make, ${estimate.cached} answer${estimate.cached === 1 ? '' : 's'} already cached`,
    `  ≈ ${estimate.input_tokens.toLocaleString('en-US')} input + ${estimate.output_tokens.toLocaleString('en-US')} output tokens ≈ ${formatCost(estimate.cost_usd)}${estimate.models.length ? ` (${estimate.models.join(', ')})` : ''}`,
  ];
  if (estimate.cost_usd === null)
    lines.push('  cost unknown: a judge model has no price; set judge.pricing["<model>"] in the config');
  if (budgetUsd !== undefined && estimate.cost_usd !== null && estimate.cost_usd > budgetUsd)
    lines.push(`  over the budget of ${formatCost(budgetUsd)}: some cases would not be scored`);
  lines.push('Nothing was called and no results were written.');
  return lines.join('\n') + '\n';
}
