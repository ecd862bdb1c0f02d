import type { HarvestOutcome } from './harvest.js';
import { plainText } from './terminal-text.js';

/** The outcome as terminal lines. */
export function renderHarvest(outcome: HarvestOutcome): string[] {
  const out: string[] = [];
  const s = outcome.scored;
  out.push(
    `scored ${s.stats.scored} trace(s), ${s.stats.failed} failing; ${s.review?.proposed ?? 0} failing verdict(s) queued for review`,
  );
  for (const a of outcome.added) out.push(`  added ${a.row_id} to ${a.dataset} (review item ${a.id})`);
  for (const d of outcome.duplicates) out.push(`  unchanged ${d.id}: ${plainText(d.reason, 200)}`);
  for (const h of outcome.held) out.push(`  held ${h.id}: ${plainText(h.reason, 200)}`);
  for (const r of outcome.refused) out.push(`  refused ${r.id}: ${plainText(r.reason, 400)}`);
  const p = outcome.pull;
  if (p?.action === 'created')
    out.push(`opened pull request #${p.number} (${outcome.branch} → ${outcome.base}): ${p.url}`);
  else if (p?.action === 'updated') out.push(`updated pull request #${p.number}: ${p.url}`);
  else if (outcome.added.length === 0)
    out.push(`nothing new to harvest${p ? `; pull request #${p.number} left as it is` : ''}`);
  return out;
}
