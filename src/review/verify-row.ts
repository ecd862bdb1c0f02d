import type { RegressionCase } from '../cases/regression-case.js';
import type { TracegateConfig } from '../config/config-schema.js';
import type { PendingRow } from '../promote/write.js';
import { ScorerResolver } from '../run/resolve-scorers.js';
import { scoreCase, type ScorerOutcome } from '../online/score-case.js';

/** What replaying a row's recorded failing output through its mode's blocking scorers showed. */
export type Verification =
  | {
      verified: true;
      /** The blocking scorers that fail the recorded output, with their scores. */
      caught_by: Array<{ scorer: string; score: number; min_score: number }>;
    }
  | {
      verified: false;
      /** Why the row does not prove itself, and what to add or tighten — one paragraph for people. */
      reason: string;
      scorers: ScorerOutcome[];
    };

/** A resolver for verification, with the config's judge settings (key from its `api_key_env`). */
export function verificationResolver(config: TracegateConfig, cwd: string): ScorerResolver {
  return new ScorerResolver(config, {
    cwd,
    judge: {
      baseUrl: config.judge?.base_url,
      model: config.judge?.model,
      apiKey: process.env[config.judge?.api_key_env ?? 'OPENAI_API_KEY'],
      promptVersion: config.judge?.prompt_version,
    },
  });
}

/**
 * Rows that prove themselves: a regression row made from a failure must fail its own mode's blocking
 * scorers on the output recorded when it failed — otherwise the gate would pass the very failure the
 * row was made from, and the row protects nothing. Golden rows are not checked (they are meant to pass).
 */
export async function verifyRow(
  row: PendingRow,
  resolver: ScorerResolver,
  options: { timeoutMs?: number } = {},
): Promise<Verification> {
  const mode = row.metadata.failure_mode;
  // A model that answered only with a tool call has no output: its recorded calls are what replays.
  const toolCalls = row.context?.tool_calls;
  if (row.output === undefined && !(Array.isArray(toolCalls) && toolCalls.length))
    return {
      verified: false,
      reason: `the row has no recorded output or tool calls, so the ${mode} scorers cannot replay the failure`,
      scorers: [],
    };
  const scorers = (await resolver.forMode(mode)).filter((s) => s.mode === 'blocking');
  const verdict = await scoreCase(
    { ...row, output: row.output ?? null, id: row.id ?? 'pending' } as RegressionCase,
    scorers,
    options,
  );
  const caught = verdict.scorers.filter((s) => typeof s.score === 'number' && s.score < s.min_score);
  if (verdict.status === 'failed' || caught.length) {
    return {
      verified: true,
      caught_by: caught.map((s) => ({ scorer: s.name, score: s.score as number, min_score: s.min_score })),
    };
  }
  const configKey = `failure_modes.${mode}.scorers`;
  if (verdict.status === 'errored')
    return {
      verified: false,
      reason: `the ${mode} scorers could not replay it: ${verdict.reasons.join('; ')}`,
      scorers: verdict.scorers,
    };
  const passing = verdict.scorers.filter((s) => typeof s.score === 'number');
  const silent = verdict.scorers.filter((s) => s.score === null);
  const parts: string[] = [];
  if (passing.length)
    parts.push(
      `${passing.map((s) => `${s.name} scores it ${(s.score as number).toFixed(2)} (≥ min_score ${s.min_score})`).join(', ')}: tighten ${passing.length > 1 ? 'their' : 'its'} options or raise min_score`,
    );
  if (silent.length)
    parts.push(
      `${silent.map((s) => `${s.name} does not apply${s.reason ? ` (${s.reason})` : ''}`).join(', ')}`,
    );
  return {
    verified: false,
    reason:
      `the ${mode} scorers pass the recorded failing output, so this row would not catch the failure it was made from: ` +
      `${parts.join('; ')}${parts.length ? '; ' : ''}or add a scorer that catches it under ${configKey} in tracegate.config ` +
      `(or write it anyway with --allow-unverified: metadata.verified false).`,
    scorers: verdict.scorers,
  };
}

/** Record the verification on the row's metadata (`verified`, and which scorer caught it with what score). */
export function markVerification(row: PendingRow, verification: Verification): void {
  const meta = row.metadata as Record<string, unknown>;
  meta.verified = verification.verified;
  if (verification.verified) meta.verified_by = verification.caught_by;
}
