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

describe('renderJunit, explicitly', () => {
  const xml = renderJunit(results);
  it('counts every case, failure, error and skip in the totals and in the suite', () => {
    expect(xml).toContain(
      '<testsuites name="tracegate" tests="4" failures="1" errors="1" skipped="1" time="1.500">',
    );
    expect(xml).toContain('<testsuite name="format-violation" tests="4" failures="1" errors="1" skipped="1"');
    expect(xml.match(/<testcase /g)).toHaveLength(4);
  });
  it('gives the failing case its reason, origin and baseline status, escaped', () => {
    expect(xml).toContain(
      '<testcase name="bad &lt;1&gt; &amp; &quot;q&quot;" classname="tracegate.format-violation" file="datasets/format-violation.jsonl" line="3" time="0.012"><failure message="json-schema 0.00: /email must match format &quot;email&quot;" type="format-violation">',
    );
    expect(xml).toContain('vs baseline: regressed</failure>');
    expect(xml).toContain('<error message="timed out after 100 ms" type="format-violation">');
    expect(xml).toContain('<skipped message="judge skipped: no key"/>');
  });
});

describe('renderTerminalSummary, explicitly', () => {
  const base = { ...results };
  it('lists regressions first, then errored, each with its dataset line, id and reason', () => {
    const text = renderTerminalSummary(base);
    const failing = text.slice(text.indexOf('Failing cases:'));
    expect(failing.indexOf('bad <1> & "q" [regressed]')).toBeLessThan(failing.indexOf('err-1 [errored]'));
    expect(text).toContain('  datasets/format-violation.jsonl:3 err-1 [errored]: timed out after 100 ms\n');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      'tracegate: FAILED — failing failure modes: format-violation',
    );
  });

  it('says "baseline not comparable" above the failing cases', () => {
    const text = renderTerminalSummary({
      ...base,
      baseline: { path: 'b.json', comparable: false, notes: ['scorer json-schema changed version 1 → 2'] },
    });
    const warning = text.indexOf(
      'Baseline not comparable: scorer json-schema changed version 1 → 2 (regressions were not checked)',
    );
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(text.indexOf('Failing cases:'));
  });

  it('marks flaky cases, failing or passing', () => {
    const text = renderTerminalSummary({
      ...base,
      cases: [
        kase('wobbly-fail', 'failed', { flaky: true, trials: 3, pass_rate: 1 / 3 }),
        kase('wobbly-pass', 'passed', { flaky: true, trials: 3, pass_rate: 2 / 3 }),
      ],
    });
    expect(text).toContain('wobbly-fail [regressed, flaky]: ');
    expect(text).toContain('Flaky cases (passed some trials, failed others):');
    expect(text).toContain(
      '  datasets/format-violation.jsonl:3 wobbly-pass [flaky: 66.7% of 3 trials passed]',
    );
  });

  it('cuts a long reason at 200 characters with …', () => {
    const text = renderTerminalSummary({
      ...base,
      cases: [kase('long', 'failed', { reasons: ['why '.repeat(200)] })],
    });
    const line = text.split('\n').find((l) => l.includes(' long [regressed]: '))!;
    const reason = line.slice(line.indexOf(': ') + 2);
    expect(reason).toHaveLength(200);
    expect(reason.endsWith('…')).toBe(true);
  });

  it('neutralises hostile ids, reasons and origins: no escape, no line of their own, no workflow command', () => {
    const text = renderTerminalSummary({
      ...base,
      cases: [
        kase('\u001b[2Jid\r::set-output name=passed::true', 'failed', {
          reasons: ['why\n::error::forged'],
          origin_url: 'https://x.example/\u001b]8;;https://evil\u0007y',
          dataset: '::add-mask::d.jsonl',
        }),
      ],
    });
    expect(text).not.toMatch(/[\u001b\u0007\r]/);
    expect(text.split('\n').filter((l) => /^\s*::/.test(l))).toEqual([]);
    expect(text).toContain(
      '  ‹::›add-mask::d.jsonl:3 id ⏎ ::set-output name=passed::true [regressed]: why ⏎ ::error::forged',
    );
    expect(text).toContain('      origin: https://x.example/y');
  });
});
