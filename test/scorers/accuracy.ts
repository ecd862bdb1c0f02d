/**
 * Accuracy of the hallucination scorers on public labelled data (HaluEval QA, development split): the figures
 * docs/scorer-accuracy.md quotes, computed the same way by the conformance test (which asserts the floors) and
 * by `node scripts/accuracy.mjs` (which prints the tables). Pure measurement: no assertions here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unsupportedClaims, loadClaimExtractor } from '../../scorers/unsupported-claims.js';
import { citationGrounding } from '../../scorers/citation-grounding.js';
import type { Score } from '../../scorers/types.js';

/** One HaluEval QA row: a question, its knowledge paragraph, an answer, and whether the answer is supported. */
export interface HaluRow {
  id: string;
  question: string;
  context: string;
  answer: string;
  label: 'supported' | 'hallucinated';
}

/** Read `halueval-qa-dev.jsonl` from the conformance folder. */
export function readHalueval(dir: string): HaluRow[] {
  return readFileSync(path.join(dir, 'halueval-qa-dev.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as HaluRow);
}

/** A detector's confusion counts with "hallucinated" as the positive class. */
export interface BinaryFigures {
  cases: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Precision, recall and F1 from flags and labels (`true` = flagged / hallucinated). */
export function binaryFigures(pairs: Array<{ flagged: boolean; positive: boolean }>): BinaryFigures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  for (const { flagged, positive } of pairs) {
    if (flagged && positive) tp++;
    else if (flagged) fp++;
    else if (positive) fn++;
    else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { cases: pairs.length, tp, fp, fn, tn, precision, recall, f1 };
}

// A short English stop-word list for the baseline (function words, auxiliaries, pronouns).
const STOP = new Set(
  `a an the and or but nor of in on at to for from by with as into onto about over under than then that this these
  those it its is are was were be been being has have had do does did will would shall should can could may might
  must not no yes so such he she they them his her their there here who whom whose which what when where why how
  i you we us our your my me also both either neither each any all some one only very more most much many other`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * The simple baseline the issue names: an answer is flagged when one of its content words (letters or digits,
 * not a stop word, compared lower-case) does not appear among the context's words.
 */
export function contentWordBaseline(answer: string, context: string): boolean {
  const known = new Set(context.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const words = (answer.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));
  return words.some((w) => !known.has(w));
}

/** One flagged or missed row, for looking at what the scorer does. */
export interface RowOutcome {
  id: string;
  label: HaluRow['label'];
  flagged: boolean;
  score: number | null;
  reason?: string;
  unsupported?: Array<{ text: string; kind: string }>;
  byKind?: Record<string, number>;
}

/** unsupported-claims with default options, each answer scored against its context (and its question as input). */
export async function measureUnsupportedClaims(
  rows: HaluRow[],
  options: Record<string, unknown> = {},
): Promise<{ scorer: BinaryFigures; baseline: BinaryFigures; outcomes: RowOutcome[] }> {
  await loadClaimExtractor();
  const score = unsupportedClaims.create(unsupportedClaims.options.parse(options), { cwd: process.cwd() });
  const outcomes: RowOutcome[] = [];
  for (const row of rows) {
    const result: Score = await score({
      input: { question: row.question },
      output: row.answer,
      retrieved: [{ id: 'context', text: row.context }],
    });
    outcomes.push({
      id: row.id,
      label: row.label,
      flagged: result.score !== null && result.score < 1,
      score: result.score,
      reason: result.metadata?.reason as string | undefined,
      unsupported: result.metadata?.unsupported as RowOutcome['unsupported'],
      byKind: result.metadata?.by_kind as Record<string, number>,
    });
  }
  const positive = (r: { label: string }) => r.label === 'hallucinated';
  return {
    scorer: binaryFigures(outcomes.map((o) => ({ flagged: o.flagged, positive: positive(o) }))),
    baseline: binaryFigures(
      rows.map((r) => ({ flagged: contentWordBaseline(r.answer, r.context), positive: positive(r) })),
    ),
    outcomes,
  };
}

/**
 * citation-grounding on the same rows, every answer citing its context: retrieved = the row's own context and
 * another row's (a distractor), the answer cites its own. Flagged = a sentence reported unsupported or mis-cited.
 * Also: supported answers citing the distractor instead, which must be reported mis-cited (the right chunk was
 * retrieved); the baseline is v1's rule, "a cited id was retrieved", which flags nothing.
 */
export async function measureCitationGrounding(rows: HaluRow[]): Promise<{
  scorer: BinaryFigures;
  baseline: BinaryFigures;
  misCited: { cases: number; detected: number; rate: number };
  outcomes: RowOutcome[];
}> {
  await loadClaimExtractor();
  const score = citationGrounding.create(citationGrounding.options.parse({}), { cwd: process.cwd() });
  const outcomes: RowOutcome[] = [];
  const contexts = [...new Set(rows.map((r) => r.context))];
  const distractorOf = (row: HaluRow) => contexts[(contexts.indexOf(row.context) + 7) % contexts.length];
  let misCases = 0;
  let misDetected = 0;
  for (const row of rows) {
    const retrieved = [
      { id: 'doc-1', text: row.context },
      { id: 'doc-2', text: distractorOf(row) },
    ];
    const answer = `${row.answer.trim()} [doc-1]`;
    const result = await score({
      input: { question: row.question },
      output: JSON.stringify({ answer }),
      retrieved,
    });
    outcomes.push({
      id: row.id,
      label: row.label,
      flagged: result.score !== null && result.score < 1,
      score: result.score,
      reason: result.metadata?.reason as string | undefined,
    });
    if (row.label === 'supported') {
      const wrong = await score({
        input: { question: row.question },
        output: JSON.stringify({ answer: `${row.answer.trim()} [doc-2]` }),
        retrieved,
      });
      const sentences = (wrong.metadata?.sentences ?? []) as Array<{ verdict: string }>;
      misCases++;
      if (sentences.some((s) => s.verdict === 'mis-cited')) misDetected++;
    }
  }
  const positive = (r: { label: string }) => r.label === 'hallucinated';
  return {
    scorer: binaryFigures(outcomes.map((o) => ({ flagged: o.flagged, positive: positive(o) }))),
    baseline: binaryFigures(rows.map((r) => ({ flagged: false, positive: positive(r) }))),
    misCited: { cases: misCases, detected: misDetected, rate: misCases ? misDetected / misCases : 0 },
    outcomes,
  };
}

/** The paraphrase and summary answers written for this repository (test/scorers/fixtures). */
export function readParaphrases(fixtures: string, rows: HaluRow[]): HaluRow[] {
  const file = JSON.parse(readFileSync(path.join(fixtures, 'halueval-paraphrases.json'), 'utf8')) as {
    answers: Array<{ id: string; answer: string }>;
  };
  const byId = new Map(rows.map((r) => [r.id, r]));
  return file.answers.map((a, i) => {
    const row = byId.get(a.id);
    if (!row) throw new Error(`halueval-paraphrases.json: no HaluEval row ${a.id}`);
    return { ...row, id: `${a.id}-paraphrase-${i}`, answer: a.answer, label: 'supported' as const };
  });
}

const pct = (x: number) => x.toFixed(2);

/** One markdown table row: data set, size, precision, recall, F1. */
function figuresRow(label: string, dataset: string, f: BinaryFigures): string {
  return `| ${label} | ${dataset} | ${f.cases} | ${pct(f.precision)} | ${pct(f.recall)} | ${pct(f.f1)} | ${f.tp} / ${f.fp} / ${f.fn} |`;
}

const HEADER = [
  '| detector | data set | cases | precision | recall | F1 | TP / FP / FN |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];

/** The unsupported-claims table of docs/scorer-accuracy.md, from measured figures. */
export function renderUnsupportedClaimsTable(m: {
  scorer: BinaryFigures;
  baseline: BinaryFigures;
  withInput: BinaryFigures;
  paraphrases: { cases: number; scorer: number; baseline: number };
}): string {
  return [
    ...HEADER,
    figuresRow('unsupported-claims, default options', 'HaluEval QA dev', m.scorer),
    figuresRow('unsupported-claims, `sources: [retrieved, input]`', 'HaluEval QA dev', m.withInput),
    figuresRow('baseline: every content word in the context', 'HaluEval QA dev', m.baseline),
    '',
    `Paraphrases and summaries (${m.paraphrases.cases} faithful answers written for this repository, none should be flagged): unsupported-claims flags ${m.paraphrases.scorer}, the baseline ${m.paraphrases.baseline}.`,
  ].join('\n');
}

/** The citation-grounding table of docs/scorer-accuracy.md, from measured figures. */
export function renderCitationGroundingTable(m: {
  scorer: BinaryFigures;
  baseline: BinaryFigures;
  misCited: { cases: number; detected: number; rate: number };
}): string {
  return [
    ...HEADER,
    figuresRow(
      'citation-grounding, default options',
      'HaluEval QA dev, each answer citing its context',
      m.scorer,
    ),
    figuresRow(
      'baseline: the cited id was retrieved (version 1)',
      'HaluEval QA dev, each answer citing its context',
      m.baseline,
    ),
    '',
    `Mis-citations: each supported answer citing the other retrieved chunk instead (${m.misCited.cases} cases): reported mis-cited in ${m.misCited.detected} (${pct(m.misCited.rate)}); the baseline reports none.`,
  ].join('\n');
}
