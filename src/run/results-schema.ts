import { z } from 'zod';
import type { Results } from './results.js';
import { UsageError } from '../errors.js';

/**
 * The shape of a results.json (version 1) as far as the report, the gate and the merge read it. The merge
 * job may read files built from untrusted code (the fork recipe downloads a fork PR's artifact), so every
 * field that reaches the comment is checked to be what it claims: numbers are numbers, verdicts are
 * verdicts. Unknown fields pass through.
 */
const rate = z.number().min(0).max(1).nullable();
const count = z.number().int().min(0);

const caseSchema = z
  .object({
    id: z.string(),
    failure_mode: z.string(),
    dataset: z.string(),
    line: count,
    passed: z.boolean(),
    status: z.enum(['passed', 'failed', 'errored', 'skipped']),
    scores: z.record(z.string(), z.number().nullable()),
    trials: count,
    pass_rate: z.number(),
    flaky: z.boolean(),
    error: z.string().nullable(),
    reasons: z.array(z.string()),
    origin_url: z.string().nullable(),
    vs_baseline: z.enum(['regressed', 'fixed', 'still-failing', 'passing', 'new', 'flaky']).nullable(),
    hash: z.string(),
    kind: z.enum(['failure', 'golden']),
    duration_ms: z.number(),
    output_excerpt: z.string().optional(),
    shadow_errors: z.record(z.string(), z.string()).optional(),
  })
  .passthrough();

const modeSchema = z
  .object({
    cases: count,
    passed: count,
    failed: count,
    errored: count,
    skipped: count,
    pass_rate: rate,
    mean_score: rate,
    threshold: z.number().min(0).max(1),
    mean_score_threshold: z.number().min(0).max(1).optional(),
    verdict: z.enum(['pass', 'fail', 'warn', 'skipped']),
    reasons: z.array(z.string()),
    baseline_pass_rate: rate,
    regressions: count,
    improvements: count,
    flaky: count,
    scorers: z.record(
      z.string(),
      z
        .object({
          mode: z.enum(['blocking', 'shadow']),
          mean: z.number().nullable(),
          failed: count,
          scored: count,
        })
        .passthrough(),
    ),
    skip_reasons: z.record(z.string(), count).optional(),
    require_cases: z.boolean().optional(),
  })
  .passthrough();

export const resultsSchema = z
  .object({
    version: z.literal(1),
    passed: z.boolean(),
    started_at: z.string(),
    duration_ms: z.number().min(0),
    task: z.string(),
    shard: z.string().nullable(),
    commit: z.string().nullable().optional(),
    gate: z
      .object({
        fail_on: z.enum(['regression', 'threshold', 'both', 'never']),
        on_skipped: z.enum(['fail', 'warn']),
        allow_empty: z.boolean(),
        reasons: z.array(z.string()),
      })
      .passthrough()
      .optional(),
    fingerprint: z
      .object({
        datasets: z.string(),
        scorers: z.record(z.string(), z.string()),
        judge: z.object({ model: z.string().nullable(), prompt: z.string().nullable() }).passthrough(),
      })
      .passthrough(),
    baseline: z
      .object({
        path: z.string(),
        comparable: z.boolean(),
        notes: z.array(z.string()),
        missing_cases: count.optional(),
        missing_ids: z.array(z.string()).optional(),
      })
      .passthrough()
      .nullable(),
    failure_modes: z.record(z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/), modeSchema),
    cases: z.array(caseSchema),
    usage: z
      .object({
        task: z.object({ cost_usd: z.number() }).passthrough(),
        // cost_usd is null when a judge model's price is unknown (shown as "unknown", never $0).
        judge: z.object({ calls: z.number(), cost_usd: z.number().nullable() }).passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

/** Check a parsed results.json; the error names the first few bad fields by path. */
export function parseResults(value: unknown, file: string): Results {
  const parsed = resultsSchema.safeParse(value);
  if (parsed.success) return parsed.data as unknown as Results;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new UsageError(`${file} is not a valid tracegate results.json (version 1): ${problems.join('; ')}`);
}
