import { BUILTIN_SCORERS } from '../../scorers/registry.js';
import type { ScorerContext } from '../../scorers/types.js';
import { UsageError } from '../errors.js';
import type { ResolvedScorer } from '../run/resolve-scorers.js';
import type { BaselineIndex } from '../run/compare.js';
import { sha256 } from '../util/stable-json.js';
import type { JudgeScorerDefinition, JudgeContext } from './judge-scorer.js';
import type { JudgeRuntime } from './judge-runtime.js';
import type { JudgeScorerStatus } from './judge-usage.js';

/** The judge scorers a run uses, by name: version, model, prompt hash, and how each runs (and why). */
export function judgeStatuses(
  scorersByMode: Map<string, ResolvedScorer[]>,
  judge: ScorerContext['judge'],
): Record<string, JudgeScorerStatus> {
  const out: Record<string, JudgeScorerStatus> = {};
  for (const [mode, scorers] of [...scorersByMode].sort(([a], [b]) => a.localeCompare(b))) {
    for (const s of scorers) {
      if (s.kind !== 'judge') continue;
      const existing = out[s.name];
      if (existing) {
        if (!existing.failure_modes.includes(mode)) existing.failure_modes.push(mode);
        continue;
      }
      const definition = BUILTIN_SCORERS[s.id] as Partial<JudgeScorerDefinition> | undefined;
      let model: string | null = judge?.model ?? null;
      let promptHash: string | null = null;
      if (definition?.describe) {
        const d = definition.describe(s.options as never, judge as JudgeContext);
        model = d.model;
        promptHash = d.prompt_hash;
      }
      out[s.name] = {
        id: s.id,
        version: s.version,
        model,
        prompt_hash: promptHash,
        declared_mode: s.declaredMode ?? s.mode,
        mode: s.mode,
        ...(s.shadowReason ? { shadow_reason: s.shadowReason } : {}),
        ...(s.skipReason ? { skip_reason: s.skipReason } : {}),
        ...(s.calibration ? { calibration: s.calibration } : {}),
        failure_modes: [mode],
      };
    }
  }
  return out;
}

/**
 * The fingerprint's judge part: the models of the judge scorers in use (none: null, so a `judge.model` set
 * while no judge runs never makes a baseline incomparable), and the prompt: the config's `prompt_version`
 * label if set, else a hash over the judge scorers' template hashes.
 */
export function judgeFingerprint(
  statuses: Record<string, JudgeScorerStatus>,
  promptVersion: string | undefined,
): { model: string | null; prompt: string | null } {
  const list = Object.entries(statuses);
  if (list.length === 0) return { model: null, prompt: null };
  const models = [...new Set(list.map(([, s]) => s.model).filter((m): m is string => Boolean(m)))].sort();
  const hashes = list
    .filter(([, s]) => s.prompt_hash)
    .map(([name, s]) => `${name}:${s.prompt_hash}`)
    .sort();
  return {
    model: models.length ? models.join(',') : null,
    prompt: promptVersion ?? (hashes.length ? sha256(hashes.join('\n')) : null),
  };
}

/** A budget can only be kept when every judge model has a price: say which key to set when one has none. */
export function checkBudgetPrices(statuses: Record<string, JudgeScorerStatus>, runtime: JudgeRuntime): void {
  if (runtime.options.budgetUsd === undefined) return;
  const unpriced = [
    ...new Set(
      Object.values(statuses)
        .filter((s) => !s.skip_reason && s.model && !runtime.priceOf(s.model))
        .map((s) => s.model!),
    ),
  ];
  if (unpriced.length)
    throw new UsageError(
      `--budget-usd needs a price for every judge model; unknown: ${unpriced.join(', ')}`,
      unpriced.map(
        (m) =>
          `set judge.pricing["${m}"] = {"input_per_mtok": …, "output_per_mtok": …} (US dollars per million tokens)`,
      ),
    );
}

/** A note when the baseline ran fewer trials per case than `baseline_trials` asks for. */
export function baselineTrialsNote(baseline: BaselineIndex, wanted: number | undefined): string | undefined {
  if (!wanted || baseline.trials === undefined || baseline.trials >= wanted) return undefined;
  return `the baseline ran ${baseline.trials} trial(s) per case, fewer than baseline_trials ${wanted}: a drop inside the noise shows as flaky, not regressed; run main with --trials ${wanted}`;
}
