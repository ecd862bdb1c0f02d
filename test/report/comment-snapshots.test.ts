/**
 * The redesigned PR comment as the action posts it (marker, digest, report; links to the run, the commit
 * and the dataset lines at the PR's head): snapshots of the four states a reader meets — pass,
 * regressed, 1,000 failing cases, and a run that could not finish — plus the re-running banner, each
 * with explicit assertions on what a reader relies on.
 */
import {
  buildCommentBody,
  commentMarker,
  errorCommentBody,
  MAX_COMMENT_CHARS,
  reportDigest,
  runningCommentBody,
} from '../../src/action/comment.js';
import { renderMarkdownReport, type MarkdownOptions } from '../../src/report/markdown.js';
import type { Results } from '../../src/run/results.js';
import { COMPARABLE_BASELINE, makeCase, makeResults } from './fixtures.js';

const marker = commentMarker('tracegate');
const SHA = '3f2c1e0d9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e';
const RUN = 'https://github.com/acme/app/actions/runs/4242';
const options: MarkdownOptions = {
  detailsUrl: RUN,
  commit: SHA,
  datasetLink: (dataset, line) => `https://github.com/acme/app/blob/${SHA}/${dataset}#L${line}`,
};

function comment(results: Results): string {
  return buildCommentBody(renderMarkdownReport(results, options), marker, reportDigest(results));
}

const MODES = [
  'format-violation',
  'hallucination',
  'retrieval-miss',
  'tool-argument-error',
  'instruction-follow-failure',
];

const pass = makeResults({
  cases: [],
  modes: Object.fromEntries(MODES.map((m) => [m, { extra_passed: 12, baseline_pass_rate: 1 }])),
  baseline: COMPARABLE_BASELINE,
});

const regressed = makeResults({
  cases: [
    makeCase({
      id: 'hal-0002',
      failure_mode: 'hallucination',
      line: 2,
      passed: false,
      vs_baseline: 'regressed',
      reasons: [
        'unsupported-claims 0.00: unsupported: "free returns for 90 days" (number) — not in the retrieved context, input or allow-list',
      ],
      output_excerpt:
        'Thanks for reaching out! I checked your order and everything looks fine on our side. Good news: we offer free returns for 90 days on all items, so you can send it back any time. Anything else?',
    }),
    makeCase({
      id: 'hal-0003',
      failure_mode: 'hallucination',
      line: 3,
      passed: false,
      vs_baseline: 'regressed',
      reasons: ['contains 0.00: missing "one year"'],
      output_excerpt: 'Warranty? No idea.',
    }),
    makeCase({
      id: 'tool-0005',
      failure_mode: 'tool-argument-error',
      line: 5,
      passed: false,
      vs_baseline: 'still-failing',
      reasons: ['tool-call 0.00: refund_order.amount expected 42, got "42"'],
    }),
    makeCase({
      id: 'tool-0006',
      failure_mode: 'tool-argument-error',
      line: 6,
      passed: true,
      vs_baseline: 'fixed',
    }),
  ],
  modes: {
    hallucination: { extra_passed: 10, baseline_pass_rate: 1 },
    'tool-argument-error': { extra_passed: 8, baseline_pass_rate: 0.9 },
    'format-violation': { extra_passed: 6, baseline_pass_rate: 1 },
  },
  baseline: COMPARABLE_BASELINE,
});

const thousand = makeResults({
  cases: Array.from({ length: 1000 }, (_, i) =>
    makeCase({
      id: `${i % 2 ? 'fmt' : 'hal'}-${String(i + 1).padStart(4, '0')}`,
      failure_mode: i % 2 ? 'format-violation' : 'hallucination',
      line: i + 1,
      passed: false,
      vs_baseline: i < 6 ? 'regressed' : 'still-failing',
      reasons: [`json-schema 0.00: /items/${i} must have required property 'sku'`],
      output_excerpt: `{"items": [{"name": "widget ${i}", "price": ${i}.99, "notes": "${'n'.repeat(150)}"}]}`,
    }),
  ),
  modes: {
    'format-violation': { baseline_pass_rate: 1 },
    hallucination: { baseline_pass_rate: 1 },
    'retrieval-miss': { extra_passed: 40, baseline_pass_rate: 1 },
  },
  baseline: COMPARABLE_BASELINE,
});

describe('the PR comment, redesigned', () => {
  test('pass: one line says it all; a table; the footer with commit, run and time', () => {
    const body = comment(pass);
    const lines = body.split('\n');
    expect(lines[2]).toBe('### ✅ tracegate: all 5 failure modes pass (60 cases)');
    expect(body).toContain('| ✅\u00a0`hallucination` | 100%\u00a0(12/12) | 100% | 100%\u00a0(±0) | 0 | 0 |');
    expect(body).not.toContain('<details');
    expect(body).toContain(
      `<sub>tracegate · commit 3f2c1e0 · [workflow run](${RUN}) · 2026-11-20 10:00 UTC · `,
    );
    expect(body).toMatchSnapshot();
  });

  test('regressed: the headline counts failing modes and regressions; regressions open, the rest collapsed; excerpt centred on the claim; lines linked at the head commit', () => {
    const body = comment(regressed);
    expect(body.split('\n')[2]).toBe(
      '### ❌ tracegate: 2 of 3 failure modes failing: `hallucination`, `tool-argument-error` · 2 regressions',
    );
    // Table cells do not wrap: the values are joined by non-breaking spaces.
    expect(body).toContain(
      '| ❌\u00a0`hallucination` | 83.3%\u00a0(10/12) | 100% | 100%\u00a0(−16.7\u00a0pts) | **2** | 0 |',
    );
    const hal = body.slice(
      body.indexOf('#### ❌ hallucination'),
      body.indexOf('#### ❌ tool-argument-error'),
    );
    expect(hal).not.toContain('<details>'); // both regressions are open
    expect(hal).toContain(
      'output: “…looks fine on our side. Good news: we offer free returns for 90 days on all items, so you can send it back any time.…”',
    );
    expect(hal).toContain(
      `[datasets/hallucination.jsonl:2](https://github.com/acme/app/blob/${SHA}/datasets/hallucination.jsonl#L2)`,
    );
    const tool = body.slice(body.indexOf('#### ❌ tool-argument-error'));
    // No regression in this mode: its first failing case is open, the rest collapsed.
    expect(tool.indexOf('tool-0005')).toBeLessThan(tool.indexOf('<details>'));
    expect(tool).toContain('<details><summary>1 fixed or flaky case</summary>');
    expect(body).toMatchSnapshot();
  });

  test('1,000 failing cases: under 65,536 characters, every failing mode keeps its heading and first regressions, the cut is said', () => {
    const body = comment(thousand);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.split('\n')[2]).toBe(
      '### ❌ tracegate: 2 of 3 failure modes failing: `format-violation`, `hallucination` · 6 regressions',
    );
    for (const mode of ['format-violation', 'hallucination']) {
      const at = body.indexOf(`#### ❌ ${mode}`);
      expect(at).toBeGreaterThan(0);
      // The first three regressions of the mode are open, before its collapsed block.
      const section = body.slice(at, body.indexOf('<details>', at));
      expect(section.match(/🔻\u00a0regressed/g)).toHaveLength(3);
    }
    const shown = body.match(/^\| (fmt|hal)-\d{4}/gm)?.length ?? 0;
    expect(shown).toBeGreaterThan(20);
    expect(body).toContain(
      `> ✂️ ${1000 - shown} more cases not shown to keep this comment under GitHub's size limit; all are listed in [the full results](${RUN}).`,
    );
    expect(body.match(/<details/g)?.length).toBe(body.match(/<\/details>/g)?.length);
    expect(body).toMatch(/<sub>tracegate · commit 3f2c1e0 · /);
    expect(body).toMatchSnapshot();
  });

  test('error: the run could not finish; no verdict claimed; earlier results stay below, marked', () => {
    const fresh = errorCommentBody(
      marker,
      'Invalid config in tracegate.config.json:\n  treshold: unknown key (did you mean "threshold"?)',
      RUN,
    );
    expect(fresh).toContain(
      '### ⚠️ tracegate could not run\n\n> Invalid config in tracegate.config.json:\n> treshold: unknown key (did you mean "threshold"?)',
    );
    expect(fresh).toContain(
      `No verdict for this pull request yet. See the [workflow run](${RUN}) for details.`,
    );
    expect(fresh).toMatchSnapshot();
    const afterResults = errorCommentBody(marker, 'Task module not found: ./app.js', RUN, comment(regressed));
    expect(afterResults).toContain(
      'No verdict for the latest commit; the results below are from the previous run.',
    );
    expect(afterResults).toContain('### ❌ tracegate: 2 of 3 failure modes failing');
    expect(afterResults.match(/<!-- tracegate:comment:tracegate -->/g)).toHaveLength(1);
  });

  test('re-running: the banner on top, the last verdict readable below, one marker', () => {
    const body = runningCommentBody(marker, RUN, comment(regressed), SHA);
    expect(body).toContain(
      `> ⏳ **tracegate is re-running** for commit 3f2c1e0 ([workflow run](${RUN})). The results below are from the previous run`,
    );
    expect(body).toContain('### ❌ tracegate: 2 of 3 failure modes failing');
    expect(body.match(/<!-- tracegate:comment:tracegate -->/g)).toHaveLength(1);
    // Re-running twice does not stack banners.
    const twice = runningCommentBody(marker, RUN, body, SHA);
    expect(twice.match(/re-running/g)).toHaveLength(1);
    expect(twice).toBe(body);
  });
});
