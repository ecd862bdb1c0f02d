import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { loadConfig } from '../config/load-config.js';
import type { ScorerEntry, TracegateConfig } from '../config/config-schema.js';
import { UsageError } from '../errors.js';
import { ScorerResolver, type ResolvedScorer } from '../run/resolve-scorers.js';
import { writeAtomic } from '../output/write-atomic.js';
import { sha256 } from '../util/stable-json.js';
import { BUILTIN_SCORERS } from '../../scorers/registry.js';
import type { JudgeContext, JudgeScorerDefinition } from './judge-scorer.js';
import { prepareJudge } from './prepare-judge.js';
import {
  calibrationFileName,
  checkMinimums,
  computeCalibration,
  type CalibrationRecord,
} from './calibration.js';
import type { RetryPolicy } from './retry.js';

/** One human-labelled example: a dataset row (with the recorded `output`) plus the person's verdict. */
export interface LabelledExample {
  id: string;
  line: number;
  label: 'pass' | 'fail';
  reviewer?: string;
  row: Record<string, unknown>;
}

/** The judge's verdict on one labelled example. */
export interface CalibrationExample {
  id: string;
  line: number;
  label: 'pass' | 'fail';
  /** The judge's score, null when the scorer did not apply. */
  score: number | null;
  judge: 'pass' | 'fail' | 'not-applicable' | 'error';
  reason: string;
}

/** What `tracegate calibrate` asks for. */
export interface CalibrateOptions {
  cwd?: string;
  config?: string;
  /** The scorer: a name or id from the config's scorer lists, or a built-in judge id. */
  scorer: string;
  /** The labels JSONL file. */
  labels: string;
  /** The score at or above which the judge's verdict counts as pass (default: the config entry's min_score). */
  minScore?: number;
  cache?: boolean;
  /** Compute and report, but write no record. */
  dryRun?: boolean;
  judge?: { apiKey?: string; baseUrl?: string; retry?: Partial<RetryPolicy> };
}

/** What a calibration found, and where the record went. */
export interface CalibrateOutcome {
  record?: CalibrationRecord;
  /** The record file, relative to the working directory (undefined: not written). */
  file?: string;
  examples: CalibrationExample[];
  /** Examples the judge got wrong (its verdict differs from the person's). */
  wrong: CalibrationExample[];
  /** Why the record does not let the scorer block (empty: it does). */
  shortfalls: string[];
  /** Examples the judge could not score (errors): no record is written while any remain. */
  errors: CalibrationExample[];
  minimums: { min_tpr_lower: number; min_tnr_lower: number };
  offlineModel?: string;
  /** 0: a record that lets the scorer block; 1: judged, but too weak or with errors; (2 is thrown). */
  exitCode: 0 | 1;
}

/**
 * Run a judge scorer over human-labelled examples and measure it against people: agreement, Cohen's kappa,
 * TPR and TNR with 95% Wilson intervals, the confusion matrix, the examples it got wrong, a suggested
 * threshold; then write a calibration record for its exact version to `calibrations/`. "pass" is the
 * positive class: TPR = P(judge pass | person pass), TNR = P(judge fail | person fail).
 */
export async function calibrateJudge(options: CalibrateOptions): Promise<CalibrateOutcome> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const { config, dir: configDir } = await loadConfig(cwd, options.config);
  const labelsFile = path.resolve(cwd, options.labels);
  const examples = readLabels(labelsFile, path.relative(cwd, labelsFile) || labelsFile);
  const entry = findScorerEntry(config, options.scorer);
  if (options.minScore !== undefined && !(options.minScore >= 0 && options.minScore <= 1))
    throw new UsageError(`--min-score ${options.minScore}: use a number between 0 and 1`);
  const minScore = options.minScore ?? entry.min_score;
  const judge = await prepareJudge({
    config: config.judge,
    configDir,
    apiKey: options.judge?.apiKey,
    baseUrl: options.judge?.baseUrl,
    cache: options.cache,
    retry: options.judge?.retry,
  });
  try {
    const single: TracegateConfig = {
      ...config,
      failure_modes: {
        calibration: { threshold: 1, require_cases: false, scorers: [{ ...entry, min_score: minScore }] },
      },
      scorers: [],
    };
    const [scorer] = await new ScorerResolver(single, { cwd: configDir, judge: judge.context }).forMode(
      'calibration',
    );
    if (scorer.kind !== 'judge')
      throw new UsageError(`"${options.scorer}" is not a judge scorer: only judge scorers are calibrated.`);
    if (scorer.skipReason)
      throw new UsageError(`Cannot calibrate ${scorer.name}: ${scorer.skipReason}.`, [
        `Set ${config.judge?.api_key_env ?? 'OPENAI_API_KEY'} to the judge's key (or configure judge.offline).`,
      ]);
    const results = await judgeExamples(scorer, examples, minScore);
    const errors = results.filter((r) => r.judge === 'error');
    const scored = results.filter((r) => r.judge === 'pass' || r.judge === 'fail');
    const figures = computeCalibration(
      scored.map((r) => ({ human: r.label === 'pass', judge: r.judge === 'pass' })),
    );
    const minimums = config.judge?.calibration ?? { min_tpr_lower: 0.8, min_tnr_lower: 0.8 };
    const shortfalls = checkMinimums(figures, minimums);
    const described = describeJudge(scorer, judge.context as JudgeContext);
    const record: CalibrationRecord = {
      version: 1,
      scorer: scorer.name,
      scorer_id: scorer.id,
      scorer_version: scorer.version,
      judge_model: described.model,
      prompt_hash: described.promptHash,
      min_score: minScore,
      labels: {
        file: path.relative(configDir, labelsFile).split(path.sep).join('/'),
        sha256: sha256(readFileSync(labelsFile, 'utf8')),
        examples: examples.length,
        pass: examples.filter((e) => e.label === 'pass').length,
        fail: examples.filter((e) => e.label === 'fail').length,
        reviewers: [
          ...new Set(examples.map((e) => e.reviewer).filter((r): r is string => Boolean(r))),
        ].sort(),
      },
      figures,
      created_at: new Date().toISOString(),
    };
    let file: string | undefined;
    if (!options.dryRun && errors.length === 0) {
      const dir = path.resolve(configDir, config.judge?.calibrations_dir ?? 'calibrations');
      await mkdir(dir, { recursive: true });
      const target = path.join(dir, calibrationFileName(scorer.name, scorer.version));
      await writeAtomic(target, JSON.stringify(record, null, 2) + '\n');
      file = path.relative(cwd, target);
    }
    if (scored.length === 0 && errors.length === 0)
      shortfalls.push('the judge scored none of the examples (all not applicable)');
    return {
      record,
      file,
      examples: results,
      wrong: scored.filter((r) => r.judge !== r.label),
      shortfalls,
      errors,
      minimums,
      offlineModel: judge.offlineModel,
      exitCode: errors.length === 0 && shortfalls.length === 0 ? 0 : 1,
    };
  } finally {
    await judge.close();
  }
}

/** The config entry for a scorer name or id (any failure mode's list, then the global list), else a bare id. */
function findScorerEntry(config: TracegateConfig, name: string): Exclude<ScorerEntry, string> {
  const all = [...Object.values(config.failure_modes).flatMap((m) => m.scorers ?? []), ...config.scorers];
  for (const e of all) {
    const spec = typeof e === 'string' ? { id: e, options: {}, mode: 'blocking' as const, min_score: 1 } : e;
    if ((spec as { name?: string }).name === name || (!(spec as { name?: string }).name && spec.id === name))
      return spec;
  }
  return { id: name, options: {}, mode: 'blocking', min_score: 1 };
}

function describeJudge(scorer: ResolvedScorer, judge: JudgeContext): { model: string; promptHash: string } {
  const definition = BUILTIN_SCORERS[scorer.id] as Partial<JudgeScorerDefinition> | undefined;
  if (definition?.describe) {
    const d = definition.describe(scorer.options as never, judge);
    return { model: d.model, promptHash: d.prompt_hash };
  }
  return { model: judge.model ?? 'unknown', promptHash: sha256(`${scorer.id}@${scorer.version}`) };
}

async function judgeExamples(
  scorer: ResolvedScorer,
  examples: LabelledExample[],
  minScore: number,
): Promise<CalibrationExample[]> {
  // The judge client bounds requests in flight; this only bounds pending promises.
  const limit = pLimit(64);
  return Promise.all(
    examples.map((e) =>
      limit(async (): Promise<CalibrationExample> => {
        const row = e.row as Record<string, any>;
        const base = { id: e.id, line: e.line, label: e.label };
        try {
          const score = await scorer.fn({
            input: row.input,
            output: row.output,
            expected: row.expected,
            metadata: row.metadata ?? {},
            context: row.context,
            toolCalls: row.context?.tool_calls,
            retrieved: row.context?.retrieved,
            trial: 0,
          });
          const value = typeof score?.score === 'number' ? score.score : null;
          const reason = String(score?.metadata?.reason ?? '');
          if (value === null) return { ...base, score: null, judge: 'not-applicable', reason };
          return { ...base, score: value, judge: value >= minScore ? 'pass' : 'fail', reason };
        } catch (error) {
          return { ...base, score: null, judge: 'error', reason: (error as Error).message };
        }
      }),
    ),
  );
}

/** Read and check a labels file: one JSON object a line with `id`, `output` and `label` ("pass" | "fail"). */
export function readLabels(file: string, display: string): LabelledExample[] {
  if (!existsSync(file)) throw new UsageError(`Labels file not found: ${display}`);
  const problems: string[] = [];
  const examples: LabelledExample[] = [];
  const seen = new Set<string>();
  const lines = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\n');
  lines.forEach((raw, i) => {
    const text = raw.trim();
    if (!text) return;
    const where = `${display}:${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (error) {
      problems.push(`${where}: not JSON (${(error as Error).message})`);
      return;
    }
    if (!row || typeof row !== 'object' || Array.isArray(row))
      return void problems.push(`${where}: not a JSON object`);
    const r = row as Record<string, unknown>;
    if (typeof r.id !== 'string' || !r.id)
      return void problems.push(`${where}: "id" must be a non-empty string`);
    if (r.label !== 'pass' && r.label !== 'fail')
      return void problems.push(
        `${where}: "label" must be "pass" or "fail", got ${JSON.stringify(r.label ?? null)}`,
      );
    if (!('output' in r))
      return void problems.push(`${where}: "output" is required (the answer the person labelled)`);
    if (r.reviewer !== undefined && typeof r.reviewer !== 'string')
      return void problems.push(`${where}: "reviewer" must be a string`);
    if (seen.has(r.id)) return void problems.push(`${where}: duplicate id "${r.id}"`);
    seen.add(r.id);
    examples.push({
      id: r.id,
      line: i + 1,
      label: r.label,
      reviewer: r.reviewer as string | undefined,
      row: r,
    });
  });
  if (problems.length) throw new UsageError(`Invalid labels file ${display}:`, problems.slice(0, 20));
  if (examples.length === 0) throw new UsageError(`Labels file ${display} has no examples.`);
  return examples;
}
