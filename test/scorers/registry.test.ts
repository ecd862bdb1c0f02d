import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as autoevals from 'autoevals';
import {
  BUILTIN_SCORERS,
  BUILTIN_SCORER_LIST,
  DEFAULT_SCORERS_BY_MODE,
  defaultScorersFor,
} from '../../scorers/registry.js';
import * as scorersIndex from '../../scorers/index.js';
import { exactMatch } from '../../scorers/exact-match.js';
import { contains } from '../../scorers/contains.js';
import { levenshtein } from '../../scorers/levenshtein.js';
import { findScorer } from '../../src/run/resolve-scorers.js';
import { makeScorer } from './helpers.js';
import type { ScorerDefinition } from '../../scorers/types.js';

const MODES = [
  'format-violation',
  'tool-argument-error',
  'retrieval-miss',
  'hallucination',
  'instruction-follow-failure',
];

describe('registry', () => {
  it('registers every built-in once, with id, version, options schema, failure modes and a description', () => {
    expect(Object.keys(BUILTIN_SCORERS).sort()).toEqual(
      [
        'citation-format',
        'citation-grounding',
        'constraints',
        'contains',
        'exact-match',
        'factuality',
        'faithfulness',
        'json-parse',
        'json-schema',
        'levenshtein',
        'retrieval-recall',
        'rubric',
        'tool-call',
        'tool-sequence',
        'unsupported-claims',
      ].sort(),
    );
    // Judge scorers are versioned by template + model + parameters: test/judge/judge-scorers.test.ts.
    const judges = BUILTIN_SCORER_LIST.filter((s) => s.kind === 'judge').map((s) => s.id);
    expect(judges.sort()).toEqual(['factuality', 'faithfulness', 'rubric']);
    for (const s of BUILTIN_SCORER_LIST.filter((d) => d.kind !== 'judge')) {
      expect(s.kind).toBe('code');
      expect(s.version).toMatch(/^\d+$/);
      expect(s.description.length).toBeGreaterThan(20);
      expect(s.failureModes.length).toBeGreaterThan(0);
      expect(s.failureModes.every((m) => MODES.includes(m))).toBe(true);
      // Defaults parse, and unknown keys are rejected (strict options).
      expect(s.options.safeParse({}).success).toBe(true);
      expect(s.options.safeParse({ no_such_option: 1 }).success).toBe(false);
    }
  });

  it('gives each failure mode its natural scorers by default', () => {
    expect(DEFAULT_SCORERS_BY_MODE).toEqual({
      'format-violation': ['json-parse', 'json-schema'],
      'tool-argument-error': ['tool-call'],
      'retrieval-miss': ['retrieval-recall'],
      hallucination: ['citation-grounding', 'unsupported-claims'],
      'instruction-follow-failure': ['constraints'],
    });
    for (const ids of Object.values(DEFAULT_SCORERS_BY_MODE))
      for (const id of ids) expect(BUILTIN_SCORERS[id]).toBeDefined();
    expect(defaultScorersFor('my-custom-mode')).toEqual(['exact-match']);
  });

  it('defaults are not applicable (null) on a case without the data they need', async () => {
    const bare = { input: { question: 'hi' }, output: 'Hello!' };
    const needsData = Object.values(DEFAULT_SCORERS_BY_MODE)
      .flat()
      .filter((id) => id !== 'json-parse'); // json-parse needs nothing but the output
    for (const id of needsData) {
      const result = await makeScorer(BUILTIN_SCORERS[id])(bare);
      expect([id, result.score]).toEqual([id, null]);
      expect(typeof result.metadata?.reason).toBe('string');
    }
  });

  it('exports every scorer from scorers/index', () => {
    for (const s of BUILTIN_SCORER_LIST) expect(Object.values(scorersIndex)).toContain(s);
  });
});

describe('generic scorers', () => {
  const cases: Array<{
    name: string;
    def: ScorerDefinition;
    options?: Record<string, unknown>;
    output: unknown;
    expected: unknown;
    score: number | null;
    reason?: string;
  }> = [
    { name: 'exact-match equal strings', def: exactMatch, output: '30 days', expected: '30 days', score: 1 },
    { name: 'exact-match differs', def: exactMatch, output: '30 days', expected: '14 days', score: 0 },
    {
      name: 'exact-match JSON structurally',
      def: exactMatch,
      output: '{"a":1,"b":2}',
      expected: { b: 2, a: 1 },
      score: 1,
    },
    {
      name: 'exact-match field',
      def: exactMatch,
      options: { field: 'answer' },
      output: '{"answer":"30 days","x":1}',
      expected: { answer: '30 days' },
      score: 1,
    },
    { name: 'exact-match no expected', def: exactMatch, output: 'x', expected: undefined, score: null },
    {
      name: 'contains all',
      def: contains,
      output: 'Refunds within 30 days',
      expected: ['refunds', '30 days'],
      score: 1,
    },
    {
      name: 'contains partial',
      def: contains,
      output: 'Refunds within 30 days',
      expected: ['refunds', '14 days'],
      score: 0.5,
      reason: 'missing "14 days"',
    },
    { name: 'levenshtein identical', def: levenshtein, output: 'kitten', expected: 'kitten', score: 1 },
    { name: 'levenshtein close', def: levenshtein, output: 'kitten', expected: 'sitting', score: 1 - 3 / 7 },
    {
      name: 'levenshtein on a field',
      def: levenshtein,
      options: { field: 'answer' },
      output: '{"answer":"30 days"}',
      expected: { answer: '30 day' },
      score: 1 - 1 / 7,
    },
    {
      name: 'levenshtein case-insensitive',
      def: levenshtein,
      options: { case_sensitive: false },
      output: 'ABC',
      expected: 'abc',
      score: 1,
    },
    { name: 'levenshtein no expected', def: levenshtein, output: 'x', expected: undefined, score: null },
  ];
  it.each(cases)('$name', async ({ def, options, output, expected, score, reason }) => {
    const result = await makeScorer(def, options)({ output, expected });
    if (score === null) expect(result.score).toBeNull();
    else expect(result.score).toBeCloseTo(score, 10);
    if (reason) expect(result.metadata?.reason).toBe(reason);
  });

  it('levenshtein agrees with autoevals Levenshtein', async () => {
    for (const [output, expected] of [
      ['Refunds within 30 days', 'Refunds within 14 days'],
      ['', 'abc'],
      ['same', 'same'],
    ]) {
      const ours = await makeScorer(levenshtein)({ output, expected });
      const theirs = await autoevals.Levenshtein({ output, expected });
      expect(ours.score).toBe(theirs.score);
    }
  });
});

describe('autoevals scorers by name (autoevals:Name)', () => {
  const cwd = process.cwd();
  const cases: Array<{ name: string; output: unknown; expected: unknown; extra?: Record<string, unknown> }> =
    [
      { name: 'Levenshtein', output: 'kitten', expected: 'sitting' },
      { name: 'ExactMatch', output: '30 days', expected: '30 days' },
      { name: 'JSONDiff', output: { a: 1, b: 'x' }, expected: { a: 1, b: 'y' } },
      { name: 'NumericDiff', output: 10, expected: 12 },
      { name: 'ListContains', output: ['a', 'b'], expected: ['a', 'c'] },
      { name: 'ValidJSON', output: '{"a":1}', expected: undefined },
      {
        name: 'ValidJSON',
        output: '{"a":1}',
        expected: undefined,
        extra: { schema: { type: 'object', required: ['b'] } },
      },
    ];
  it.each(cases)('autoevals:$name is used unchanged', async ({ name, output, expected, extra }) => {
    const def = await findScorer(`autoevals:${name}`, cwd);
    expect(def.id).toBe(`autoevals:${name}`);
    expect(def.kind).toBe('code');
    const options = def.options.safeParse(extra ?? {});
    const fn = def.create((options as { data: Record<string, unknown> }).data, { cwd });
    const ours = await fn({ input: 'q', output, expected, context: {}, toolCalls: [], retrieved: [] });
    const theirs = await (
      autoevals as unknown as Record<string, (a: unknown) => Promise<{ score: number | null; name: string }>>
    )[name]({
      input: 'q',
      output,
      expected,
      ...extra,
    });
    expect(ours.score).toBe(theirs.score);
    expect(ours.name).toBe(theirs.name);
  });

  it('every scorer autoevals exports resolves by name, LLM ones as judges', async () => {
    const names = Object.entries(autoevals)
      .filter(([key, value]) => typeof value === 'function' && /^[A-Z]/.test(key))
      .map(([key]) => key)
      .filter((key) => !/^(OpenAIClassifier|LLMClassifier|LLMClassifierFrom\w+)$/.test(key));
    const codeScorers = new Set([
      'Levenshtein',
      'LevenshteinScorer',
      'ExactMatch',
      'JSONDiff',
      'NumericDiff',
      'ListContains',
      'ValidJSON',
    ]);
    for (const evaluator of autoevals.Evaluators.flatMap((e) => e.methods.map((m) => m.method.name))) {
      if (evaluator) expect(names).toContain(evaluator);
    }
    for (const name of names) {
      const def = await findScorer(`autoevals:${name}`, cwd);
      expect([name, def.kind]).toEqual([name, codeScorers.has(name) ? 'code' : 'judge']);
    }
  });

  it('names a missing autoevals scorer clearly', async () => {
    await expect(findScorer('autoevals:NoSuchScorer', cwd)).rejects.toThrow(
      /autoevals has no scorer "NoSuchScorer"/,
    );
  });
});

describe("user scorers from the user's repository", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracegate-user-scorers-'));
  mkdirSync(path.join(dir, 'scorers'));
  mkdirSync(path.join(dir, 'lib'));
  // A TypeScript scorer definition with a zod options schema (types stripped by jiti; zod resolves from tracegate).
  writeFileSync(
    path.join(dir, 'scorers', 'polite.ts'),
    `interface Args { output: unknown }
export const polite = {
  id: 'polite', version: '3', kind: 'code' as const, failureModes: ['instruction-follow-failure'],
  description: 'says please',
  options: { safeParse: (v: Record<string, unknown>) => ({ success: true, data: { word: 'please', ...v } }) },
  create: (opts: { word: string }) => (args: Args) => ({
    name: 'polite', score: String(args.output).toLowerCase().includes(opts.word) ? 1 : 0,
    metadata: { reason: 'no ' + opts.word },
  }),
};
export default polite;
`,
  );
  // A plain JS autoevals-style function.
  writeFileSync(
    path.join(dir, 'scorers', 'short.js'),
    `export default function short({ output, max = 10 }) { return { name: 'short', score: String(output).length <= max ? 1 : 0 }; }\n`,
  );
  writeFileSync(
    path.join(dir, 'lib', 'several.mjs'),
    `export const first = () => ({ name: 'first', score: 0 });\nexport const second = ({ expected, output }) => ({ name: 'second', score: output === expected ? 1 : 0 });\n`,
  );
  writeFileSync(path.join(dir, 'scorers', 'broken.js'), `export const notAScorer = 42;\n`);

  const run = async (id: string, options: Record<string, unknown>, args: Record<string, unknown>) => {
    const def = await findScorer(id, dir);
    const parsed = def.options.safeParse(options) as { success: true; data: unknown };
    return {
      def,
      score: await def.create(parsed.data, { cwd: dir })({ input: undefined, output: undefined, ...args }),
    };
  };

  it('loads scorers/<id>.ts (a TypeScript scorer definition) by bare id', async () => {
    const { def, score } = await run('polite', {}, { output: 'Please wait' });
    expect(def.version).toBe('3');
    expect(score.score).toBe(1);
    expect((await run('polite', { word: 'thanks' }, { output: 'Please wait' })).score.score).toBe(0);
  });

  it('loads scorers/<id>.js (a plain function); options arrive as extra arguments', async () => {
    expect((await run('short', {}, { output: 'tiny' })).score.score).toBe(1);
    expect((await run('short', { max: 2 }, { output: 'tiny' })).score.score).toBe(0);
  });

  it('loads file:path#export', async () => {
    expect((await run('file:./lib/several.mjs#second', {}, { output: 'a', expected: 'a' })).score.score).toBe(
      1,
    );
    expect((await run('file:lib/several.mjs#first', {}, { output: 'a' })).score.score).toBe(0);
  });

  it('explains what is wrong with a bad or missing scorer file', async () => {
    await expect(findScorer('broken', dir)).rejects.toThrow(
      /exports neither a scorer function nor a scorer definition/,
    );
    await expect(findScorer('nope', dir)).rejects.toThrow(/Unknown scorer "nope"[\s\S]*json-schema/);
    await expect(findScorer('file:./lib/several.mjs#third', dir)).rejects.toThrow(/exports neither/);
  });
});
