/**
 * Property-based tests (fast-check) of the gate's promises:
 * - the config loader returns a config or throws a UsageError naming a key, whatever it is given;
 * - every built-in scorer, given arbitrary input/output/expected/context, returns a valid Score (a number
 *   in 0..1 or null) or throws an Error, and never hangs;
 * - no generated run with an errored, skipped, empty or unscored case exits 0 unless its config allows it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { validateConfig } from '../../src/config/load-config.js';
import { UsageError } from '../../src/errors.js';
import { BUILTIN_SCORER_LIST } from '../../scorers/registry.js';
import { runEvaluation } from '../../src/run-evaluation.js';
import { createFunctionTask } from '../../src/run/tasks/module-task.js';
import type { ResolvedScorer } from '../../src/run/resolve-scorers.js';
import type { LoadedCase } from '../../src/cases/regression-case.js';
import { invalidScore } from '../../src/run/run-case.js';

const CONFIG_KEYS = [
  'task',
  'datasets',
  'trials',
  'trial_pass_rate',
  'concurrency',
  'timeout_ms',
  'fail_on',
  'on_skipped',
  'allow_empty',
  'failure_modes',
  'scorers',
  'judge',
  'treshold',
];

describe('the config loader (property)', () => {
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(0, 1, -1, 0.5, 2, 'both', 'warn', 'fail', true, null, {}, []),
  );
  const threshold = fc.oneof(value, fc.record({ pass_rate: value, mean_score: value }, { requiredKeys: [] }));
  const mode = fc.record(
    {
      threshold,
      scorers: fc.oneof(value, fc.array(fc.oneof(value, fc.record({ id: value, mode: value })))),
      require_cases: value,
    },
    { requiredKeys: [] },
  );
  const config = fc.dictionary(
    fc.constantFrom(...CONFIG_KEYS),
    fc.oneof(value, fc.dictionary(fc.constantFrom('x', 'format-violation', 'Bad Mode'), mode)),
  );

  it('returns a config or throws a UsageError whose every problem names a key', () => {
    fc.assert(
      fc.property(fc.oneof(config, fc.jsonValue()), (raw) => {
        try {
          const parsed = validateConfig(raw, 'tracegate.config.json');
          expect(typeof parsed.task).toBe('string');
          // What validates is what the gate can enforce: every configured mode has a scorer and a bound.
          for (const m of Object.values(parsed.failure_modes)) {
            if (m.scorers) expect(m.scorers.length + parsed.scorers.length).toBeGreaterThan(0);
            if (typeof m.threshold === 'object')
              expect(m.threshold.pass_rate !== undefined || m.threshold.mean_score !== undefined).toBe(true);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          const problems = (error as UsageError).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const p of problems) expect(p).toMatch(/^(\(root\)|[a-z_]+)[.:]/);
        }
      }),
      { numRuns: 400 },
    );
  });
});

/** Options that let each built-in scorer be created without files or a judge. */
const OPTIONS: Record<string, unknown> = {
  'json-schema': {
    schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
  },
  contains: { values: ['30 days'] },
  constraints: { max_words: 20 },
};

describe('built-in scorers on arbitrary input (property)', () => {
  const anything = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.string(),
    fc.constantFrom(undefined, null, '', '{"answer":"x","citations":["kb-1"]}', [], {}),
  );
  const chunk = fc.record(
    { id: fc.string(), text: fc.oneof(fc.string(), fc.constant(undefined)) },
    { requiredKeys: ['id'] },
  );
  const args = fc.record({
    input: anything,
    output: anything,
    expected: anything,
    metadata: fc.constant({ failure_mode: 'x' }),
    context: fc.oneof(fc.constant(undefined), fc.record({ retrieved: fc.array(chunk, { maxLength: 3 }) })),
    toolCalls: fc.oneof(
      fc.constant(undefined),
      fc.array(fc.record({ name: fc.string(), arguments: anything }), { maxLength: 3 }),
    ),
    retrieved: fc.oneof(fc.constant(undefined), fc.array(chunk, { maxLength: 3 })),
  });

  it.each(BUILTIN_SCORER_LIST.filter((s) => s.kind === 'code').map((s) => [s.id, s] as const))(
    '%s returns a valid Score or throws an Error, and never hangs',
    async (_id, definition) => {
      const options = definition.options.parse(OPTIONS[definition.id] ?? {});
      const fn = definition.create(options, { cwd: process.cwd() });
      // Warm up first: some scorers load their NLP model on first use (seconds on a loaded machine).
      await fn({ input: 'q', output: 'a', expected: 'a', metadata: { failure_mode: 'x' } });
      await fc.assert(
        fc.asyncProperty(args, async (a) => {
          const started = performance.now();
          try {
            const score = await fn(a as never);
            expect(invalidScore(score)).toBeUndefined();
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
          }
          // A hang detector, not a speed test: no single call may take anywhere near this long.
          expect(performance.now() - started).toBeLessThan(20_000);
        }),
        { numRuns: 150 },
      );
    },
  );
});

type Behaviour = 'pass' | 'fail' | 'throw' | 'skip' | 'empty' | 'unscored' | 'bad-score';

describe('no run with an errored, skipped, empty or unscored case exits 0 unless allowed (property)', () => {
  const behaviour = fc.constantFrom<Behaviour>(
    'pass',
    'pass',
    'pass',
    'fail',
    'throw',
    'skip',
    'empty',
    'unscored',
    'bad-score',
  );
  const run = fc.record({
    cases: fc.array(fc.record({ mode: fc.constantFrom('a', 'b'), behaviour }), { maxLength: 6 }),
    onSkipped: fc.constantFrom('fail' as const, 'warn' as const, undefined),
    allowEmpty: fc.boolean(),
    threshold: fc.constantFrom(undefined, 1, { mean_score: 0.5 }),
  });

  it('exit 0 only when every case passed, or what did not was explicitly allowed', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'tracegate-prop-'));
    // The scorer reads what to do from the row; the task answers per the row too.
    const scorer: ResolvedScorer = {
      name: 'rule',
      id: 'rule',
      version: '1',
      kind: 'code',
      mode: 'blocking',
      minScore: 1,
      fn: ({ input }) => {
        const b = (input as { b: Behaviour }).b;
        if (b === 'skip')
          return { name: 'rule', score: null, metadata: { skipped: true, reason: 'judge skipped: no key' } };
        if (b === 'unscored') return { name: 'rule', score: null };
        if (b === 'bad-score') return { name: 'rule', score: 2 };
        return { name: 'rule', score: b === 'fail' ? 0 : 1 };
      },
    };
    try {
      await fc.assert(
        fc.asyncProperty(run, async (spec) => {
          const cases: LoadedCase[] = spec.cases.map((c, i) => ({
            case: {
              id: `c${i}`,
              input: { b: c.behaviour },
              metadata: { failure_mode: c.mode },
            } as LoadedCase['case'],
            dataset: 'generated.jsonl',
            line: i + 1,
            hash: `h${i}`,
          }));
          const task = createFunctionTask((input) => {
            const b = (input as { b: Behaviour }).b;
            if (b === 'throw') throw new Error('task crashed');
            return b === 'empty' ? '' : 'an answer';
          });
          const outcome = await runEvaluation({
            cases,
            task,
            scorersByMode: new Map([
              ['a', [scorer]],
              ['b', [scorer]],
            ]),
            fingerprint: {
              datasets: 'sha256:x',
              scorers: { rule: '1' },
              judge: { model: null, prompt: null },
            },
            out,
            trials: 1,
            trialPassRate: 1,
            timeoutMs: 5000,
            concurrency: 4,
            failOn: 'both',
            thresholds: { a: spec.threshold, b: spec.threshold },
            gate: { onSkipped: spec.onSkipped, allowEmpty: spec.allowEmpty },
            origin: {},
          });
          const kinds = new Set(spec.cases.map((c) => c.behaviour));
          const broken = ['fail', 'throw', 'empty', 'unscored', 'bad-score'].some((k) =>
            kinds.has(k as Behaviour),
          );
          const skippedNotAllowed = kinds.has('skip') && spec.onSkipped !== 'warn';
          const emptyNotAllowed = spec.cases.length === 0 && !spec.allowEmpty;
          if (broken || skippedNotAllowed || emptyNotAllowed) expect(outcome.exitCode).toBe(1);
          // And nothing that is fine fails.
          else expect(outcome.exitCode).toBe(0);
          expect(outcome.results.passed).toBe(outcome.exitCode === 0);
        }),
        { numRuns: 120 },
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
