import type { ModelPrice } from './judge-config.js';

/**
 * List prices in US dollars per million tokens (standard tier, no cached-input discount), as published by
 * the providers in 2025. They change: override or extend them in the config's `judge.pricing`. A model that
 * matches nothing here has an unknown price, which is reported as `unknown`, never as $0.
 */
export const DEFAULT_MODEL_PRICES: Record<string, ModelPrice> = {
  'gpt-4o': { input_per_mtok: 2.5, output_per_mtok: 10 },
  'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 },
  'gpt-4.1': { input_per_mtok: 2, output_per_mtok: 8 },
  'gpt-4.1-mini': { input_per_mtok: 0.4, output_per_mtok: 1.6 },
  'gpt-4.1-nano': { input_per_mtok: 0.1, output_per_mtok: 0.4 },
  'gpt-5': { input_per_mtok: 1.25, output_per_mtok: 10 },
  'gpt-5-mini': { input_per_mtok: 0.25, output_per_mtok: 2 },
  'gpt-5-nano': { input_per_mtok: 0.05, output_per_mtok: 0.4 },
  o3: { input_per_mtok: 2, output_per_mtok: 8 },
  'o3-mini': { input_per_mtok: 1.1, output_per_mtok: 4.4 },
  'o4-mini': { input_per_mtok: 1.1, output_per_mtok: 4.4 },
  'claude-3-5-haiku': { input_per_mtok: 0.8, output_per_mtok: 4 },
  'claude-3-7-sonnet': { input_per_mtok: 3, output_per_mtok: 15 },
  'claude-sonnet-4': { input_per_mtok: 3, output_per_mtok: 15 },
  'claude-opus-4': { input_per_mtok: 15, output_per_mtok: 75 },
  'gemini-2.5-flash': { input_per_mtok: 0.3, output_per_mtok: 2.5 },
  'gemini-2.5-pro': { input_per_mtok: 1.25, output_per_mtok: 10 },
};

/**
 * The price of a model: an exact entry, else the longest entry that is a prefix of the id followed by `-`
 * (so a dated snapshot `gpt-4.1-mini-2025-04-14` takes `gpt-4.1-mini`'s price, never `gpt-4.1`'s), else
 * undefined. Configured prices come first.
 */
export function findModelPrice(
  model: string,
  configured: Record<string, ModelPrice> = {},
): ModelPrice | undefined {
  for (const table of [configured, DEFAULT_MODEL_PRICES]) {
    if (table[model]) return table[model];
    let best: string | undefined;
    for (const id of Object.keys(table)) {
      if (model.startsWith(id + '-') && (!best || id.length > best.length)) best = id;
    }
    if (best) return table[best];
  }
  return undefined;
}

/** Cost of one call in US dollars, or null when the price is unknown. */
export function costOf(
  price: ModelPrice | undefined,
  tokens: { input_tokens: number; output_tokens: number },
): number | null {
  if (!price) return null;
  return (tokens.input_tokens * price.input_per_mtok + tokens.output_tokens * price.output_per_mtok) / 1e6;
}

/** A cost for people: `$0.0123`, `$12.40`, or `unknown`. */
export function formatCost(cost: number | null): string {
  if (cost === null) return 'unknown';
  if (cost === 0) return '$0';
  if (cost < 0.01) return `$${cost.toPrecision(2)}`;
  return `$${cost.toFixed(cost < 1 ? 4 : 2)}`;
}
