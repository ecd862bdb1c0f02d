import type { z } from 'zod';
import type { JudgeConfig } from '../src/judge/judge-config.js';
import type { JudgeRuntime } from '../src/judge/judge-runtime.js';

/**
 * What a scorer is called with: the autoevals argument shape (`input`, `output`, `expected`, `metadata`)
 * plus the case's recorded context and what the task reported (tool calls, retrieved chunks).
 */
export interface ScorerArgs {
  input: unknown;
  output: unknown;
  expected?: unknown;
  metadata?: Record<string, unknown>;
  context?: Record<string, unknown>;
  toolCalls?: Array<{ name: string; arguments?: unknown; [key: string]: unknown }>;
  retrieved?: Array<{ id: string; text?: string; score?: number; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** autoevals' Score: `score` in 0..1, or null when the scorer does not apply (left out of aggregates). */
export interface Score {
  name: string;
  score: number | null;
  metadata?: Record<string, unknown>;
}

/** The autoevals scorer contract: any autoevals scorer is a ScorerFn. */
export type ScorerFn = (args: ScorerArgs) => Score | Promise<Score>;

/** What a scorer factory may use besides its options. */
export interface ScorerContext {
  /** Directory that relative paths in options resolve against (the config file's directory). */
  cwd: string;
  /** Judge settings from the config, for judge scorers. */
  judge?: {
    baseUrl?: string;
    model?: string;
    apiKey?: string;
    promptVersion?: string;
    /** The environment variable the key is read from (named in skip reasons). */
    apiKeyEnv?: string;
    /** The whole `judge` config section (defaults applied). */
    config?: JudgeConfig;
    /** The run's judge: one client, cache, usage ledger and budget shared by every judge scorer. */
    runtime?: JudgeRuntime;
  };
  /** The scorer's name in results (its id, or the config entry's `name`). */
  scorerName?: string;
}

/** A registered scorer: an id, a version (part of the results fingerprint), its options and a factory. */
export interface ScorerDefinition<Options = any> {
  id: string;
  version: string;
  kind: 'code' | 'judge';
  /** Failure modes this scorer is written for (documentation, and defaults). */
  failureModes: string[];
  /** One line for the README and `tracegate scorers`. */
  description: string;
  options: z.ZodType<Options>;
  create(options: Options, context: ScorerContext): ScorerFn;
  /**
   * The version for these options and settings, when it depends on them (a judge scorer's version is the
   * hash of its template, model and parameters); otherwise `version` is used.
   */
  versionFor?(options: Options, context: ScorerContext): string;
}

/** Clamp to 0..1; NaN becomes 0 so a broken computation fails loudly rather than passing. */
export function clampScore(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(1, Math.max(0, value));
}

/** Parse a task output that should be JSON: strings are parsed, objects pass through. */
export function outputAsJson(output: unknown): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof output !== 'string') return { ok: true, value: output };
  try {
    return { ok: true, value: JSON.parse(output) };
  } catch (error) {
    return { ok: false, error: `output is not JSON: ${(error as Error).message}` };
  }
}

/** Render any output as text for string scorers. */
export function outputAsText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (output === undefined || output === null) return '';
  return JSON.stringify(output);
}
