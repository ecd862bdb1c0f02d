import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScorerArgs, ScorerDefinition, Score } from '../../scorers/types.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Build a scorer the way the runner does: options through its zod schema (defaults applied), then create. */
export function makeScorer(def: ScorerDefinition, options: Record<string, unknown> = {}, cwd = repoRoot) {
  const fn = def.create(def.options.parse(options), { cwd });
  return (args: Partial<ScorerArgs>): Promise<Score> =>
    Promise.resolve(fn({ input: undefined, output: undefined, ...args }));
}

/** The demo app's tools, in OpenAI `tools` format. */
export const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Look up the shipping status of an order.',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string', pattern: '^ORD-[0-9]{5}$' } },
        required: ['order_id'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'create_ticket',
      description: 'Open a support ticket for a human agent.',
      parameters: {
        type: 'object',
        properties: {
          priority: { type: 'string', enum: ['low', 'normal', 'urgent'] },
          summary: { type: 'string', minLength: 1 },
        },
        required: ['priority', 'summary'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'add_seats',
      description: 'Add seats to a subscription.',
      parameters: {
        type: 'object',
        properties: {
          quantity: { type: 'integer', minimum: 1 },
          plan: { type: 'string' },
          price: { type: 'number' },
        },
        required: ['quantity'],
      },
    },
  },
];

/** A retrieved chunk list. */
export const RETRIEVED = [
  { id: 'kb-1', text: 'Refunds are available within 30 days of purchase for annual plans.', score: 2 },
  {
    id: 'kb-2',
    text: 'The Pro plan costs $12 per user per month. The Team plan costs $20 per user per month.',
    score: 2,
  },
];
