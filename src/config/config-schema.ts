import { z } from 'zod';
import { failureModeSchema } from '../cases/regression-case.js';
import { judgeConfigSchema, JUDGE_FIX_HINTS } from '../judge/judge-config.js';

/** A scorer in the config: an id (built-in, `autoevals:Name`, or `file:./scorers/x.ts#export`) with options. */
export const scorerEntrySchema = z.union([
  z.string().min(1),
  z
    .object({
      id: z.string().min(1),
      /** Name in reports when the same scorer is used twice with different options. */
      name: z.string().optional(),
      options: z.record(z.string(), z.unknown()).default({}),
      /** `blocking` scorers decide whether a case passes; `shadow` scorers are reported and never gate. */
      mode: z.enum(['blocking', 'shadow']).default('blocking'),
      /** The minimum score for this scorer to count as a pass on a case. */
      min_score: z.number().min(0).max(1).default(1),
    })
    .strict(),
]);

/**
 * A threshold: a minimum pass rate (a number), or minimums for pass rate and/or mean score. An object
 * must name at least one bound (`{}` could never fail); an unset pass rate in it is 1.
 */
export const thresholdSchema = z.union([
  z.number().min(0).max(1),
  z
    .object({
      pass_rate: z.number().min(0).max(1).optional(),
      mean_score: z.number().min(0).max(1).optional(),
    })
    .strict()
    .refine((t) => t.pass_rate !== undefined || t.mean_score !== undefined, {
      message: 'names no bound, so it could never fail',
    }),
]);

export const failureModeConfigSchema = z
  .object({
    threshold: thresholdSchema.default(1),
    /** At least one scorer (a mode nothing scores cannot be gated); omit the key for the defaults. */
    scorers: z.array(scorerEntrySchema).optional(),
    /** With no case of this mode in the datasets, fail the gate instead of warning. */
    require_cases: z.boolean().default(false),
  })
  .strict();

export const configSchema = z
  .object({
    /** Task spec: `module:path#export`, `cmd:command`, `http(s)://url`, or `replay`. */
    task: z.string().default('replay'),
    datasets: z.union([z.string(), z.array(z.string())]).default('datasets/**/*.jsonl'),
    out: z.string().default('.tracegate'),
    trials: z.number().int().min(1).max(100).default(1),
    /** With trials > 1: the fraction of a case's trials that must pass for the case to pass. */
    trial_pass_rate: z.number().min(0).max(1).default(1),
    concurrency: z.number().int().min(1).max(10000).default(8),
    timeout_ms: z.number().int().min(1).default(60000),
    /** Longest dataset line accepted, in bytes; a longer one is an error at its file:line. */
    max_line_bytes: z
      .number()
      .int()
      .min(1024)
      .max(512 * 1024 * 1024)
      .default(64 * 1024 * 1024),
    /** What fails the gate: a threshold miss, a regression against the baseline, both, or nothing. */
    fail_on: z.enum(['regression', 'threshold', 'both', 'never']).default('both'),
    /**
     * What a case no scorer could check (e.g. a judge without a key) does: `fail` the gate (the default),
     * or `warn` (e.g. the fork-PR recipe, where secrets are absent by design).
     */
    on_skipped: z.enum(['fail', 'warn']).default('fail'),
    /** Let a run that selects no case pass (exit 0) instead of exit 2. */
    allow_empty: z.boolean().default(false),
    failure_modes: z.record(failureModeSchema, failureModeConfigSchema).default({}),
    /** Scorers applied to every failure mode in addition to its own. */
    scorers: z.array(scorerEntrySchema).default([]),
    /** Link to a case's origin span: placeholders {object_type} {object_id} {id} {span_id}. */
    origin_url_template: z.string().optional(),
    braintrust: z
      .object({
        app_url: z.string().default('https://www.braintrust.dev'),
        org: z.string().optional(),
        project: z.string().optional(),
      })
      .strict()
      .optional(),
    /** The LLM judge: endpoint, pinned model, concurrency, retries, prices, cache, calibration (docs/judges.md). */
    judge: judgeConfigSchema.optional(),
    /**
     * How many trials per case the baseline (main's run) is expected to have. A PR run whose baseline has
     * fewer says so: with one baseline trial, a judge's drop inside the noise cannot be told from a regression.
     */
    baseline_trials: z.number().int().min(1).max(100).optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    // A mode whose own list is empty and that gets no global scorer has nothing to gate it with.
    if (config.scorers.length > 0) return;
    for (const [mode, settings] of Object.entries(config.failure_modes)) {
      if (settings.scorers && settings.scorers.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['failure_modes', mode, 'scorers'],
          message: 'is empty: a failure mode needs at least one scorer',
          input: settings.scorers,
        });
    }
  });

export type TracegateConfig = z.infer<typeof configSchema>;
export type ScorerEntry = z.infer<typeof scorerEntrySchema>;
export type Threshold = z.infer<typeof thresholdSchema>;
/** What a config file may contain (before defaults are applied). */
export type TracegateConfigInput = z.input<typeof configSchema>;

/** Identity helper for `tracegate.config.ts`: gives editor completion and type checks. */
export function defineConfig(config: TracegateConfigInput): TracegateConfigInput {
  return config;
}

/** How to fix the most common mistakes, by the last key of the failing path. */
export const FIX_HINTS: Record<string, string> = {
  task: 'use "module:./app.js#run", "cmd:python app.py", "http://localhost:3000/eval" or "replay"',
  threshold: 'use a pass rate between 0 and 1, e.g. 0.95, or {"pass_rate": 0.95, "mean_score": 0.8}',
  mode: 'use "blocking" (gates the PR) or "shadow" (reported only)',
  fail_on: 'use "regression", "threshold", "both" or "never"',
  trials: 'use a whole number from 1 to 100',
  concurrency: 'use a whole number from 1 to 10000',
  timeout_ms: 'use milliseconds, e.g. 30000',
  max_line_bytes: 'use a whole number of bytes from 1024 to 536870912, e.g. 67108864 (64 MiB)',
  min_score: 'use a number between 0 and 1',
  failure_modes: 'keys are kebab-case failure modes, e.g. "format-violation"',
  baseline_trials: 'use a whole number from 1 to 100, e.g. 5',
  ...JUDGE_FIX_HINTS,
  scorers:
    'list at least one scorer, e.g. ["exact-match"] or [{"id": "json-schema", "options": {…}}], or omit the key for the defaults',
  on_skipped: 'use "fail" (the default: a case no scorer could check fails the gate) or "warn"',
  allow_empty: 'use true or false',
  require_cases: 'use true or false',
};
