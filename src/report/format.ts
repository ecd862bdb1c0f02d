/**
 * The one way tracegate writes a rate as a percentage, everywhere (terminal, comment, summary, logs): a
 * whole percentage without decimals (`100%`, `90%`), else one decimal (`33.3%`), never rounded up to 100%
 * or down to 0% when it is not; `—` when there is no rate (nothing was scored).
 */
export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const pct = rate * 100;
  if (Number.isInteger(Math.round(pct * 1e9) / 1e9)) return `${Math.round(pct)}%`;
  let text = pct.toFixed(1);
  if (text === '100.0') text = '99.9';
  if (text === '0.0') text = '0.1';
  return `${text}%`;
}

/** A change in pass rate, in percentage points: `+12.5 pts`, `−33.3 pts`, `±0`; `—` without both rates. */
export function formatDelta(now: number | null, before: number | null): string {
  if (now === null || before === null) return '—';
  const d = (now - before) * 100;
  if (Math.abs(d) < 0.05) return '±0';
  return `${d > 0 ? '+' : '−'}${Math.abs(d).toFixed(1)} pts`;
}
