/**
 * Issue 8, item 9: judges that never ran do not look green. Without a judge key, a mode scored only by a
 * judge fails by default with the reason; on_skipped: "warn" (config or --on-skipped) relaxes that, and
 * the headline always says what was not checked and why.
 */
import { evalIn, jsonl, makeTempProject, row } from './gate-helpers.js';

// A blocking scorer that, like a judge without its key, cannot score and says why (the generic rule:
// skipped cases with reasons). An uncalibrated judge runs as shadow, which warns (gate-scorers.test.ts).
const NEEDS_KEY = `export default function needsKey() {
  if (!process.env.JUDGE_KEY) return { name: 'needs-key', score: null, metadata: { skipped: true, reason: 'judge skipped: no judge API key' } };
  return { name: 'needs-key', score: 1 };
}
`;

function project(extra: Record<string, unknown> = {}) {
  return makeTempProject({
    'needs-key.mjs': NEEDS_KEY,
    'tracegate.config.json': {
      task: 'replay',
      failure_modes: {
        hallucination: { scorers: ['file:./needs-key.mjs'] },
        'format-violation': { scorers: ['exact-match'] },
      },
      ...extra,
    },
    'datasets/a.jsonl': jsonl([
      row('h1', 'hallucination', { input: 'Capital of France?', expected: 'Paris', output: 'Paris' }),
      row('h2', 'hallucination', { input: 'Capital of Spain?', expected: 'Madrid', output: 'Madrid' }),
      row('f1', 'format-violation', { expected: 'ok', output: 'ok' }),
    ]),
  });
}

describe('not checked is not passed', () => {
  it('without a judge key the judge-only mode fails with the reason, in the terminal and the report', async () => {
    const p = project();
    const run = await evalIn(p.dir);
    expect(run.code).toBe(1);
    expect(run.results.failure_modes.hallucination).toMatchObject({
      cases: 2,
      skipped: 2,
      passed: 0,
      verdict: 'fail',
      reasons: ['not checked: no case could be scored — judge skipped: no judge API key (2)'],
      skip_reasons: { 'judge skipped: no judge API key': 2 },
    });
    expect(run.results.passed).toBe(false);
    expect(run.stdout).toContain(
      'Not checked (skipped cases):\n  hallucination: 2 of 2 — judge skipped: no judge API key (2)',
    );
    expect(run.stdout).toContain('tracegate: FAILED — failing failure modes: hallucination');
    expect(run.report).toContain(
      '⏭️ **Not checked:** `hallucination` 2 of 2 case(s) — judge skipped: no judge API key (2)',
    );
    expect(run.report).not.toContain('✅ tracegate: all');
    p.cleanup();
  });

  it.each([
    ['the config', { on_skipped: 'warn' }, []],
    ['--on-skipped warn', {}, ['--on-skipped', 'warn']],
  ])(
    'on_skipped warn through %s: exit 0, the mode is skipped, and the headline still says why',
    async (_how, extra, args) => {
      const p = project(extra);
      const run = await evalIn(p.dir, args);
      expect(run.code).toBe(0);
      expect(run.results.failure_modes.hallucination).toMatchObject({
        skipped: 2,
        passed: 0,
        verdict: 'skipped',
      });
      expect(run.results.gate.on_skipped).toBe('warn');
      expect(run.stdout).toMatch(
        /tracegate: PASSED — 3 cases, 2 failure modes, [\d.]+ s \(2 not checked, see above\)/,
      );
      expect(run.report).toMatch(/^### ⚠️ tracegate: passed, but 2 case\(s\) were not checked/);
      expect(run.report).toContain('judge skipped: no judge API key (2)');
      p.cleanup();
    },
  );
});
