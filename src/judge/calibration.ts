import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cohensKappa, wilsonInterval } from './noise.js';

/** A rate with its 95% Wilson interval. */
export interface RateWithInterval {
  value: number;
  lower: number;
  upper: number;
  /** successes / n, for people. */
  of: string;
}

/** The judge's verdicts against people's, "pass" being the positive class. */
export interface ConfusionMatrix {
  /** Person pass, judge pass. */
  tp: number;
  /** Person fail, judge pass (a failure the judge let through). */
  fp: number;
  /** Person pass, judge fail (a good answer the judge failed). */
  fn: number;
  /** Person fail, judge fail. */
  tn: number;
}

/** Agreement figures of a calibration. */
export interface CalibrationFigures {
  examples: number;
  agreement: RateWithInterval;
  kappa: number;
  /** True-positive rate: P(judge pass | person pass). */
  tpr: RateWithInterval;
  /** True-negative rate: P(judge fail | person fail). */
  tnr: RateWithInterval;
  confusion: ConfusionMatrix;
  /** A pass-rate threshold for the judge's modes that leaves room for its measured disagreement. */
  suggested_threshold: number;
}

/** A calibration record, as written to `calibrations/`. */
export interface CalibrationRecord {
  version: 1;
  /** The scorer's name in the config (its id unless the entry sets `name`). */
  scorer: string;
  scorer_id: string;
  /** The judge scorer's version (template + model + parameters) the figures hold for. */
  scorer_version: string;
  judge_model: string;
  prompt_hash: string;
  /** The score at or above which the judge's verdict counted as pass. */
  min_score: number;
  labels: { file: string; sha256: string; examples: number; pass: number; fail: number; reviewers: string[] };
  figures: CalibrationFigures;
  created_at: string;
}

/** The minimum 95% lower bounds a record must show for its scorer to block. */
export interface CalibrationMinimums {
  min_tpr_lower: number;
  min_tnr_lower: number;
}

function rate(successes: number, n: number): RateWithInterval {
  const [lower, upper] = wilsonInterval(successes, n);
  return { value: n ? successes / n : 0, lower, upper, of: `${successes}/${n}` };
}

/** Agreement, Cohen's kappa, TPR and TNR with 95% Wilson intervals, from paired verdicts. */
export function computeCalibration(pairs: Array<{ human: boolean; judge: boolean }>): CalibrationFigures {
  const confusion: ConfusionMatrix = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const { human, judge } of pairs) {
    if (human && judge) confusion.tp++;
    else if (!human && judge) confusion.fp++;
    else if (human && !judge) confusion.fn++;
    else confusion.tn++;
  }
  const n = pairs.length;
  const agreement = rate(confusion.tp + confusion.tn, n);
  return {
    examples: n,
    agreement,
    kappa: cohensKappa(confusion),
    tpr: rate(confusion.tp, confusion.tp + confusion.fn),
    tnr: rate(confusion.tn, confusion.tn + confusion.fp),
    confusion,
    // Round the agreement's lower bound down to a multiple of 0.05: a gate stricter than the judge's own
    // agreement with people would fail good builds on the judge's mistakes.
    suggested_threshold: Math.floor(agreement.lower * 20 + 1e-9) / 20,
  };
}

/** Whether figures clear the minimums, and if not, why (one line per shortfall). */
export function checkMinimums(figures: CalibrationFigures, minimums: CalibrationMinimums): string[] {
  const problems: string[] = [];
  if (figures.tpr.lower < minimums.min_tpr_lower)
    problems.push(
      `TPR lower bound ${figures.tpr.lower.toFixed(2)} < ${minimums.min_tpr_lower} (${figures.tpr.of} labelled-pass examples judged pass)`,
    );
  if (figures.tnr.lower < minimums.min_tnr_lower)
    problems.push(
      `TNR lower bound ${figures.tnr.lower.toFixed(2)} < ${minimums.min_tnr_lower} (${figures.tnr.of} labelled-fail examples judged fail)`,
    );
  return problems;
}

/** The file a record is written to: one per scorer name and version, so records for old versions stay. */
export function calibrationFileName(scorer: string, version: string): string {
  return `${scorer.replace(/[^a-zA-Z0-9._-]+/g, '_')}--${version.replace(/^sha256:/, '').slice(0, 16)}.json`;
}

/** Every readable calibration record in a directory (unreadable files are skipped: they cannot vouch). */
export function readCalibrationRecords(dir: string): Array<{ file: string; record: CalibrationRecord }> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: Array<{ file: string; record: CalibrationRecord }> = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as CalibrationRecord;
      if (record && record.version === 1 && typeof record.scorer_version === 'string' && record.figures?.tpr)
        out.push({ file, record });
    } catch {
      // not a record
    }
  }
  return out;
}

/** Whether a judge scorer may block: a valid record for its exact version, or the reason it runs as shadow. */
export type CalibrationStatus =
  { ok: true; file: string; record: CalibrationRecord } | { ok: false; reason: string; file?: string };

/**
 * Look for a record for this scorer (by name and id) and exact version, made at the same min_score, whose
 * TPR and TNR lower bounds clear the minimums. Anything else says why, and how to calibrate.
 */
export function checkCalibration(
  dir: string,
  scorer: { name: string; id: string; version: string; minScore: number },
  minimums: CalibrationMinimums,
  displayDir = dir,
): CalibrationStatus {
  const how = `run \`tracegate calibrate --scorer ${scorer.name} --labels FILE\``;
  const mine = readCalibrationRecords(dir).filter(
    ({ record }) => record.scorer === scorer.name && record.scorer_id === scorer.id,
  );
  const exact = mine.filter(({ record }) => record.scorer_version === scorer.version);
  if (exact.length === 0) {
    return mine.length
      ? {
          ok: false,
          reason: `not calibrated for this version (${scorer.version}): ${displayDir}/ has records for ${[...new Set(mine.map((m) => m.record.scorer_version))].join(', ')} only; the prompt, model or parameters changed since; ${how}`,
        }
      : { ok: false, reason: `not calibrated: no record in ${displayDir}/; ${how}` };
  }
  // The newest record for this version decides.
  exact.sort((a, b) => String(b.record.created_at).localeCompare(String(a.record.created_at)));
  const { file, record } = exact[0];
  if (record.min_score !== scorer.minScore)
    return {
      ok: false,
      file,
      reason: `calibrated at min_score ${record.min_score}, but the config uses ${scorer.minScore}; ${how}`,
    };
  const problems = checkMinimums(record.figures, minimums);
  if (problems.length) return { ok: false, file, reason: `calibration too weak: ${problems.join('; ')}` };
  return { ok: true, file, record };
}
