import { renderMarkdownReport, MAX_REPORT_CHARS } from '../../src/report/markdown.js';
import { escapeMarkdown, safeLinkUrl } from '../../src/report/escape.js';
import { COMPARABLE_BASELINE, HOSTILE_OUTPUT, makeCase, makeResults } from './fixtures.js';

const MODES = ['format-violation', 'hallucination', 'tool-argument-error'];

/** Markdown a comment must never contain when it quotes untrusted text. */
function expectInert(md: string) {
  // Mentions, bare URLs and references may appear only inside code spans (GitHub links nothing there),
  // and never through invisible characters that would end up in copied text.
  const outsideCode = md.replace(/`[^`\n]*`/g, '').replace(/\]\((?:https?:\/\/[^)\s]+)\)/g, ']');
  expect(outsideCode).not.toMatch(/@here|@acme\/security-team|https?:\/\/|(?<![\w&\\])#\d/);
  expect(md).not.toMatch(/[\u200b-\u200d\u2060\ufeff]/);
  expect(md).not.toMatch(/<img|<table|<!-- hidden|(?<!\\)\]\(javascript:/);
  expect(md).not.toContain('```');
  expect(md).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
  expect(md.match(/<details/g)?.length ?? 0).toBe(md.match(/<\/details>/g)?.length ?? 0);
  // Every table row keeps its column count: no unescaped pipe broke a cell.
  for (const line of md
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Failure mode') && !l.startsWith('| Case'))) {
    const cols = line.split('|').length;
    expect([6, 8]).toContain(cols);
  }
}

describe('renderMarkdownReport snapshots', () => {
  test('all green', () => {
    const results = makeResults({
      cases: [],
      modes: Object.fromEntries(MODES.map((m) => [m, { extra_passed: 4, baseline_pass_rate: 1 }])),
      baseline: COMPARABLE_BASELINE,
    });
    const md = renderMarkdownReport(results);
    expect(md).toContain('### ✅ tracegate: all 3 failure modes pass (12 cases)');
    expect(md).toMatchSnapshot();
  });

  test('threshold failure (no baseline): failing and errored cases with reasons, output and origin links', () => {
    const cases = [
      makeCase({
        id: 'hal-0004',
        failure_mode: 'hallucination',
        line: 4,
        passed: false,
        output_excerpt: 'Refunds are accepted within 90 days.',
      }),
      makeCase({
        id: 'hal-0007',
        failure_mode: 'hallucination',
        line: 7,
        status: 'errored',
        passed: false,
        error: 'timed out after 60000 ms',
        reasons: ['timed out after 60000 ms'],
      }),
    ];
    const results = makeResults({
      cases,
      modes: {
        hallucination: { threshold: 0.95, extra_passed: 18 },
        'format-violation': { extra_passed: 6 },
      },
    });
    const md = renderMarkdownReport(results);
    expect(md).toContain('### ❌ tracegate: 1 of 2 failure modes failing: `hallucination`');
    expect(md).toContain('> ℹ️ No baseline given');
    expect(md.indexOf('hal-0007')).toBeLessThan(md.indexOf('hal-0004')); // errored before failed
    expect(md).toMatchSnapshot();
  });

  test('regression against the baseline: regressed first, then still failing, flaky, fixed', () => {
    const cases = [
      makeCase({
        id: 'tool-0002',
        failure_mode: 'tool-argument-error',
        line: 2,
        passed: false,
        vs_baseline: 'still-failing',
        reasons: ['tool-call 0.00: refund_order.amount expected 42, got "42"'],
      }),
      makeCase({
        id: 'tool-0005',
        failure_mode: 'tool-argument-error',
        line: 5,
        passed: false,
        vs_baseline: 'regressed',
        reasons: ['tool-call 0.00: missing required argument order_id'],
      }),
      makeCase({
        id: 'tool-0006',
        failure_mode: 'tool-argument-error',
        line: 6,
        passed: true,
        vs_baseline: 'fixed',
      }),
      makeCase({
        id: 'tool-0009',
        failure_mode: 'tool-argument-error',
        line: 9,
        passed: true,
        flaky: true,
        pass_rate: 0.67,
        trials: 3,
        vs_baseline: 'flaky',
      }),
      makeCase({
        id: 'hal-0003',
        failure_mode: 'hallucination',
        line: 3,
        passed: false,
        vs_baseline: 'regressed',
        output_excerpt: 'Our warranty lasts a lifetime.',
      }),
    ];
    const results = makeResults({
      cases,
      modes: {
        'tool-argument-error': { extra_passed: 11, baseline_pass_rate: 0.9375 },
        hallucination: { extra_passed: 9, baseline_pass_rate: 1 },
        'format-violation': { extra_passed: 5, baseline_pass_rate: 1 },
      },
      baseline: COMPARABLE_BASELINE,
    });
    const md = renderMarkdownReport(results);
    expect(md).toContain(
      '### ❌ tracegate: 2 of 3 failure modes failing: `hallucination`, `tool-argument-error` · 2 regressions\n',
    );
    const section = md.slice(md.indexOf('#### ❌ tool-argument-error'));
    const order = ['tool-0005', 'tool-0002', 'tool-0009', 'tool-0006'].map((id) => section.indexOf(id));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(md).toContain(
      '| ❌\u00a0`hallucination` | 90%\u00a0(9/10) | 100% | 100%\u00a0(−10.0\u00a0pts) | **1** | 0 |',
    );
    // The first regression of each failing mode is open; the rest of tool-argument-error is collapsed.
    const open = section.slice(0, section.indexOf('<details>'));
    expect(open).toContain('tool-0005');
    expect(open).not.toContain('tool-0002');
    expect(section.slice(section.indexOf('<details>'))).toMatch(
      /^<details><summary>1 more failing, 2 fixed or flaky cases<\/summary>/,
    );
    expect(md).toMatchSnapshot();
  });

  test('non-comparable baseline: warns, shows no deltas, checks no regressions', () => {
    const results = makeResults({
      cases: [
        makeCase({
          id: 'fmt-0003',
          failure_mode: 'format-violation',
          line: 3,
          passed: true,
          vs_baseline: null,
        }),
      ],
      modes: { 'format-violation': { extra_passed: 7 }, hallucination: { extra_passed: 10 } },
      baseline: {
        path: 'baseline/results.json',
        comparable: false,
        notes: [
          'scorer json-schema changed version 1 → 2',
          'judge model changed gpt-4.1-2025-04-14 → gpt-4.1-mini',
        ],
      },
    });
    const md = renderMarkdownReport(results);
    expect(md).toContain(
      '> ⚠️ **Baseline not comparable**, regressions were not checked: scorer json-schema changed version 1 → 2; judge model changed',
    );
    expect(md).toContain('| ⚠️\u00a0`hallucination` | 100%\u00a0(10/10) |');
    expect(md).not.toMatch(/pts \|/);
    expect(md).toMatchSnapshot();
  });

  test('5,000 failing cases: cut under the size limit with a note on what was cut', () => {
    const cases = Array.from({ length: 5000 }, (_, i) =>
      makeCase({
        id: `fmt-${String(i + 1).padStart(4, '0')}`,
        failure_mode: 'format-violation',
        line: i + 1,
        passed: false,
        reasons: [`json-schema 0.00: /items/${i} must have required property 'sku'`],
        output_excerpt: `{"items": [{"name": "widget ${i}"}]}`,
      }),
    );
    const results = makeResults({
      cases,
      modes: { 'format-violation': {}, hallucination: { extra_passed: 3 } },
    });
    const md = renderMarkdownReport(results, { detailsUrl: 'https://github.com/acme/app/actions/runs/4242' });
    expect(md.length).toBeLessThanOrEqual(MAX_REPORT_CHARS);
    const shown = md.match(/^\| fmt-\d{4}/gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(50);
    expect(md).toContain(
      `> ✂️ ${5000 - shown} more cases not shown to keep this comment under GitHub's size limit; all are listed in [the full results](https://github.com/acme/app/actions/runs/4242).`,
    );
    expect(md).toMatch(/<\/details>\n[\s\S]*<sub>tracegate · /); // the block is closed and the footer kept
    expect(md).toContain('#### ❌ format-violation');
    expect(md).toMatchSnapshot();
  });

  test('hostile model output: no HTML, no mention, no code, no broken table or <details>', () => {
    const cases = [
      makeCase({
        id: 'hal-0666 <b>@here</b>',
        failure_mode: 'hallucination',
        line: 12,
        passed: false,
        vs_baseline: 'regressed',
        reasons: [`contains 0.00: output was ${HOSTILE_OUTPUT}`],
        output_excerpt: HOSTILE_OUTPUT,
        origin_url: 'https://viewer.example/trace/a)b|c <x> "q"?id=`1`&next=[2]',
      }),
      makeCase({
        id: 'hal-0667',
        failure_mode: 'hallucination',
        line: 13,
        status: 'errored',
        passed: false,
        error: `task threw: ${HOSTILE_OUTPUT}`,
        origin_url: 'javascript:alert(1)',
      }),
    ];
    const results = makeResults({
      cases,
      modes: { hallucination: { extra_passed: 2, baseline_pass_rate: 1 } },
      baseline: COMPARABLE_BASELINE,
    });
    const md = renderMarkdownReport(results);
    expectInert(md);
    expect(md).toContain(
      '[span](https://viewer.example/trace/a%29b%7Cc%20%3Cx%3E%20%22q%22?id=%601%60&next=%5B2%5D)',
    );
    expect(md).not.toContain('[span](javascript');
    expect(md).toContain('`@here`');
    expect(md).toContain('`@acme/security-team`');
    expect(md).toMatchSnapshot();
  });
});

describe('escapeMarkdown and safeLinkUrl', () => {
  test.each([
    ['<script>', '&lt;script&gt;'],
    ['@here', '`@here`'],
    ['ask @acme/security-team now', 'ask `@acme/security-team` now'],
    ['see https://evil.example/x?a=1 now', 'see `https://evil.example/x?a=1` now'],
    ['www.evil.example', '`www.evil.example`'],
    ['mail bob@evil.example', 'mail `bob@evil.example`'],
    ['fixes acme/app#3 and GH-4', 'fixes `acme/app#3` and `GH-4`'],
    ['#12#13', '`#12`\\#13'],
    ['@a @b', '`@a` `@b`'],
    ['`x`', '&#96;x&#96;'],
    ['a|b', 'a&#124;b'],
    ['[x](y)', '\\[x\\](y)'],
    ['$x$', '\\$x\\$'],
    ['#12', '`#12`'],
    ['C#', 'C\\#'],
    ['a\nb\r\nc', 'a b c'],
    ['\u202Eabc', 'abc'],
    ['&lt;', '&amp;lt;'],
  ])('escapeMarkdown(%j) = %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  test('cuts long text with an ellipsis', () => {
    expect(escapeMarkdown('x'.repeat(400), 10)).toBe('xxxxxxxxxx…');
  });

  test.each([
    ['https://a.example/x?y=1&z=2', 'https://a.example/x?y=1&z=2'],
    ['http://127.0.0.1:3000/app/acme/object?id=row-1', 'http://127.0.0.1:3000/app/acme/object?id=row-1'],
    ['https://a.example/(x)', 'https://a.example/%28x%29'],
    ['https://a.example/😀', 'https://a.example/%F0%9F%98%80'],
    // A lone surrogate (JSON "\ud800") used to make encodeURIComponent throw and the whole render fail.
    ['https://a.example/\ud800x', 'https://a.example/%EF%BF%BDx'],
    ['javascript:alert(1)', null],
    ['data:text/html,<b>', null],
    ['', null],
    [null, null],
  ])('safeLinkUrl(%j) = %j', (input, expected) => {
    expect(safeLinkUrl(input)).toBe(expected);
  });
});
