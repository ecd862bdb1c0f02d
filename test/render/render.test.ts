import { renderJunit } from '../../src/report/junit.js';
import { escapeXml } from '../../src/report/xml-escape.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { createProgress } from '../../src/run/progress.js';
import type { CaseResult, Results } from '../../src/run/results.js';

function kase(id: string, status: CaseResult['status'], extra: Partial<CaseResult> = {}): CaseResult {
  return {
    id,
    failure_mode: 'format-violation',
    dataset: 'datasets/format-violation.jsonl',
    line: 3,
    passed: status === 'passed',
    status,
    scores: { 'json-schema': status === 'passed' ? 1 : 0 },
    trials: 1,
    pass_rate: status === 'passed' ? 1 : 0,
    flaky: false,
    error: status === 'errored' ? 'timed out after 100 ms' : null,
    reasons: status === 'failed' ? ['json-schema 0.00: /email must match format "email"'] : [],
    origin_url: 'https://www.braintrust.dev/app/acme/object?object_type=project_logs&object_id=p&id=r',
    vs_baseline: status === 'failed' ? 'regressed' : null,
    hash: 'sha256:0',
    kind: 'failure',
    duration_ms: 12,
    ...extra,
  };
}

const results: Results = {
  version: 1,
  passed: false,
  started_at: '2026-11-25T10:00:00.000Z',
  duration_ms: 1500,
  task: 'module:./app.js#answer',
  shard: null,
  fingerprint: {
    datasets: 'sha256:abc',
    scorers: { 'json-schema': '2' },
    judge: { model: null, prompt: null },
  },
  baseline: { path: 'main/results.json', comparable: true, notes: [] },
  failure_modes: {
    'format-violation': {
      cases: 4,
      passed: 1,
      failed: 1,
      errored: 1,
      skipped: 1,
      pass_rate: 1 / 3,
      mean_score: 1 / 3,
      threshold: 1,
      verdict: 'fail',
      reasons: ['pass rate 0.33 < threshold 1.00', '1 regression(s) against the baseline'],
      baseline_pass_rate: 1,
      regressions: 1,
      improvements: 0,
      flaky: 0,
      scorers: { 'json-schema': { mode: 'blocking', mean: 1 / 3, failed: 2, scored: 3 } },
    },
  },
  cases: [
    kase('ok-1', 'passed'),
    kase('bad <1> & "q"', 'failed'),
    kase('err-1', 'errored'),
    kase('skip-1', 'skipped', { reasons: ['judge skipped: no key'] }),
  ],
  usage: { task: { cost_usd: 0, input_tokens: 0, output_tokens: 0 }, judge: { calls: 0, cost_usd: 0 } },
};

describe('renderJunit', () => {
  it('renders one testsuite per failure mode and one testcase per case, escaped', () => {
    expect(renderJunit(results)).toMatchSnapshot();
  });
  it('drops characters XML cannot carry and escapes markup', () => {
    expect(escapeXml('a\u0000b<c>&"d\'\u0007')).toBe('ab&lt;c&gt;&amp;&quot;d&apos;');
    expect(escapeXml('plain-id_1')).toBe('plain-id_1');
  });
});

describe('renderTerminalSummary', () => {
  it('shows each mode, the reasons, the failing cases with origins, and the verdict', () => {
    expect(renderTerminalSummary(results)).toMatchSnapshot();
  });
});

describe('createProgress', () => {
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return {
      stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream,
      writes,
    };
  }
  it('redraws a bar in place on a TTY', () => {
    const { stream, writes } = fakeStream(true);
    const progress = createProgress(4, stream, 0);
    progress.tick(true);
    progress.tick(false);
    progress.done();
    expect(writes[0]).toMatch(/^\r\[#{8}-{22}\] 1\/4 · 0 failing/);
    expect(writes.at(-1)).toMatch(/^\r\[#{15}-{15}\] 2\/4 · 1 failing · [\d.]+s\n$/);
  });
  it('prints plain lines, at most one per interval, when not a TTY', () => {
    const { stream, writes } = fakeStream(false);
    const progress = createProgress(1000, stream, 60_000);
    for (let i = 0; i < 1000; i++) progress.tick(i % 10 !== 0);
    progress.done();
    expect(writes).toEqual([
      expect.stringMatching(/^tracegate: 1000\/1000 cases done, 100 failing, [\d.]+s\n$/),
    ]);
  });
});
