/**
 * Property-based tests (fast-check) over what turns untrusted input into text and traces:
 * - `neutralise` / `neutraliseLines`: no control character, escape, CR or line break survives (or, for the
 *   multi-line form, no line the runner would read as a workflow command);
 * - the terminal renderer: never throws; no control character, escape or workflow command at a line start;
 * - the PR comment renderer: never throws; the body (with the action's marker, through its last guard) is
 *   at most 65,536 characters; every failing mode keeps its heading; no raw HTML tag from the input;
 * - every trace importer in src/traces: never throws, never hangs, only yields traces or typed skips.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { neutralise, neutraliseLines } from '../../src/util/neutralise.js';
import { createRedactor, REDACTED } from '../../src/util/redact.js';
import { renderTerminalSummary } from '../../src/report/terminal.js';
import { MAX_REPORT_CHARS, renderMarkdownReport } from '../../src/report/markdown.js';
import { escapeMarkdown } from '../../src/report/escape.js';
import {
  buildCommentBody,
  commentMarker,
  MAX_COMMENT_CHARS,
  reportDigest,
} from '../../src/action/comment.js';
import { importTraces } from '../../src/traces/import.js';
import type { RawRecord } from '../../src/traces/json-stream.js';
import type { CaseResult, Results } from '../../src/run/results.js';
import { makeCase, makeResults } from '../report/fixtures.js';

/** Strings that are mostly hostile: controls, escapes, workflow commands, markdown and HTML. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .array(
      fc.constantFrom(
        '\u001b[2J',
        '\u001b]8;;https://evil.example\u0007',
        '\u001b]0;title\u001b\\',
        '\u009b31m',
        '\r',
        '\n',
        '\r\n',
        '\u2028',
        '::set-output name=passed::true',
        '::add-mask::x',
        '::stop-commands::tok',
        '  ::error::x',
        '##[warning]',
        '@here',
        'https://evil.example/a',
        '#12',
        '</details>',
        '<img src=x>',
        '|',
        '`',
        '\u202e',
        'plain',
        ' ',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join('')),
);

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('neutralise', () => {
  test('one-line form: no control character, escape or line break; never starts a workflow command', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        const out = neutralise(s);
        expect(out).not.toMatch(CONTROL);
        expect(out).not.toMatch(/[\n\u2028\u2029]/);
        expect(out).not.toMatch(/^\s*::/);
        expect(out).not.toContain('##[');
      }),
      { numRuns: 500 },
    );
  });
  test('multi-line form: every line is safe', () => {
    fc.assert(
      fc.property(hostileString, (s) => {
        for (const line of neutraliseLines(s).split('\n')) {
          expect(line).not.toMatch(CONTROL);
          expect(line).not.toMatch(/^\s*::/);
          expect(line).not.toContain('##[');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('createRedactor', () => {
  // Case results are redacted before any renderer sees them; this is the second line of defence at each
  // write point, for text a renderer escaped (a token a renderer rewrites further, e.g. "@sk-…" shown as
  // code, relies on the first).
  test('a secret inside any text is gone, in raw, JSON, XML and markdown-escaped forms', () => {
    const secret = 'sk-proj-A1_b2*C3[d4]&<e5>"f6';
    const redact = createRedactor([secret]);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (a, b) => {
        const text = `${a} ${secret} ${b}`;
        for (const form of [
          text,
          JSON.stringify(text),
          escapeMarkdown(text, 10_000),
          text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
        ]) {
          const out = redact(form);
          expect(out).not.toContain('A1_b2');
          expect(out).toContain(REDACTED);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Generated runs: hostile ids, datasets, reasons, errors, origins, outputs; many modes; many cases. */
const caseArb = (mode: string) =>
  fc
    .record({
      id: hostileString,
      dataset: hostileString,
      line: fc.nat({ max: 100_000 }),
      status: fc.constantFrom<CaseResult['status']>('passed', 'failed', 'errored', 'skipped'),
      reason: hostileString,
      error: fc.option(hostileString, { nil: null }),
      origin: fc.option(hostileString, { nil: null }),
      output: fc.option(hostileString, { nil: undefined }),
      vs: fc.constantFrom<CaseResult['vs_baseline']>(
        null,
        'regressed',
        'fixed',
        'still-failing',
        'new',
        'flaky',
      ),
      flaky: fc.boolean(),
    })
    .map((c) =>
      makeCase({
        id: c.id || 'x',
        failure_mode: mode,
        dataset: c.dataset,
        line: c.line,
        status: c.status,
        passed: c.status === 'passed',
        reasons: c.status === 'passed' ? [] : [c.reason],
        error: c.status === 'errored' ? (c.error ?? 'boom') : null,
        origin_url: c.origin,
        output_excerpt: c.output,
        vs_baseline: c.vs,
        flaky: c.flaky,
      }),
    );

const resultsArb: fc.Arbitrary<Results> = fc
  .uniqueArray(
    fc.oneof(fc.constantFrom('hallucination', 'retrieval-miss', 'tool-argument-error'), hostileString),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .chain((modes) =>
    fc
      .tuple(
        ...modes.map((m) =>
          fc.tuple(fc.array(caseArb(m), { maxLength: 40 }), fc.nat({ max: 2000 }), fc.nat({ max: 3 })),
        ),
      )
      .map((perMode) => {
        // Some modes get hundreds of long failing cases, so the size limit is exercised.
        const cases = perMode.flatMap(([cs, extra, copies], i) =>
          Array.from({ length: copies }, () => cs)
            .flat()
            .concat(
              Array.from({ length: Math.min(extra, 250) }, (_, k) =>
                makeCase({
                  id: `${modes[i]}-${k}-${'x'.repeat(60)}`,
                  failure_mode: modes[i],
                  passed: false,
                  reasons: ['r'.repeat(250)],
                  output_excerpt: 'o'.repeat(290),
                }),
              ),
            ),
        );
        return makeResults({
          cases,
          modes: Object.fromEntries(modes.map((m) => [m, { baseline_pass_rate: 1 }])),
          baseline: { path: 'b.json', comparable: true, notes: [] },
        });
      }),
  );

describe('renderers over generated runs', () => {
  test('terminal: never throws; no control character, escape or workflow command in any line', () => {
    fc.assert(
      fc.property(resultsArb, (results) => {
        const text = renderTerminalSummary(results);
        for (const line of text.split('\n')) {
          expect(line).not.toMatch(CONTROL);
          expect(line).not.toMatch(/^\s*::/);
          expect(line).not.toContain('##[');
        }
      }),
      { numRuns: 60 },
    );
  });

  test('comment: never throws; at most 65,536 characters; every failing mode heading kept; no raw HTML from the input', () => {
    const marker = commentMarker('tracegate');
    fc.assert(
      fc.property(resultsArb, (results) => {
        const report = renderMarkdownReport(results, { detailsUrl: 'https://github.com/a/b/actions/runs/1' });
        expect(report.length).toBeLessThanOrEqual(MAX_REPORT_CHARS);
        const body = buildCommentBody(report, marker, reportDigest(results));
        expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
        for (const [mode, m] of Object.entries(results.failure_modes)) {
          if (m.verdict === 'fail' && results.cases.some((c) => c.failure_mode === mode && !c.passed))
            expect(body).toContain(`\n#### ❌ ${escapeMarkdown(mode, 100)}`);
        }
        expect(body).not.toMatch(/<img|<\/table|\u001b|\u202e/);
        expect(body.match(/<details/g)?.length ?? 0).toBe(body.match(/<\/details>/g)?.length ?? 0);
      }),
      { numRuns: 25 },
    );
  });
});

/** Records shaped like each supported format, with arbitrary values where the importers read fields. */
const anyValue = fc.anything({ maxDepth: 3, maxKeys: 5, withBigInt: false });
const recordArb = fc.oneof(
  anyValue,
  fc.record(
    {
      id: anyValue,
      span_id: anyValue,
      root_span_id: anyValue,
      span_parents: anyValue,
      input: anyValue,
      output: anyValue,
      metadata: anyValue,
      span_attributes: anyValue,
      _xact_id: anyValue,
    },
    { requiredKeys: [] },
  ),
  fc.record({
    resourceSpans: fc.array(
      fc.record(
        {
          resource: anyValue,
          scopeSpans: fc.array(
            fc.record(
              {
                scope: anyValue,
                spans: fc.array(
                  fc.record(
                    {
                      traceId: anyValue,
                      spanId: anyValue,
                      parentSpanId: anyValue,
                      name: anyValue,
                      attributes: anyValue,
                      startTimeUnixNano: anyValue,
                    },
                    { requiredKeys: [] },
                  ),
                  { maxLength: 3 },
                ),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  }),
  fc.record(
    {
      id: anyValue,
      projectId: anyValue,
      name: anyValue,
      input: anyValue,
      output: anyValue,
      observations: fc.array(
        fc.record(
          {
            id: anyValue,
            traceId: anyValue,
            type: anyValue,
            parentObservationId: anyValue,
            input: anyValue,
            output: anyValue,
            model: anyValue,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      trace_id: fc.string(),
      root_span_id: fc.string(),
      source: anyValue,
      spans: anyValue,
      input: anyValue,
      output: anyValue,
    },
    { requiredKeys: ['trace_id', 'root_span_id', 'source'] },
  ),
);

async function drain(
  source: AsyncIterable<RawRecord> | string,
  format: 'auto' | 'braintrust' | 'otlp' | 'langfuse' | 'jsonl',
) {
  const items: unknown[] = [];
  const run = (async () => {
    for await (const item of importTraces(source, { format })) items.push(item);
  })();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('importer hung for 5 s')), 5000);
  });
  try {
    await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
  for (const item of items) {
    const keys = Object.keys(item as object);
    expect(keys.length === 1 && (keys[0] === 'trace' || keys[0] === 'skipped')).toBe(true);
  }
  return items;
}

describe('trace importers over generated records', () => {
  test.each(['auto', 'braintrust', 'otlp', 'langfuse', 'jsonl'] as const)(
    'format %s: no throw, no hang, only traces or skipped records with a reason',
    async (format) => {
      await fc.assert(
        fc.asyncProperty(fc.array(recordArb, { maxLength: 12 }), async (values) => {
          async function* records(): AsyncGenerator<RawRecord> {
            for (const [i, value] of values.entries()) yield { value, position: `record ${i + 1}`, path: [] };
          }
          await drain(records(), format);
        }),
        { numRuns: 80 },
      );
    },
  );

  test('files of arbitrary bytes and broken JSON: no throw, no hang', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tracegate-fuzz-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 400 }),
            fc
              .array(recordArb, { maxLength: 6 })
              .map((rs) => rs.map((r) => JSON.stringify(r) ?? 'null').join('\n')),
            fc.array(recordArb, { maxLength: 6 }).map((rs) => JSON.stringify(rs) ?? '[]'),
            fc.array(recordArb, { maxLength: 6 }).map((rs) => (JSON.stringify(rs) ?? '[]').slice(0, -3)),
          ),
          async (text) => {
            const file = path.join(dir, 'traces.json');
            writeFileSync(file, text);
            await drain(file, 'auto');
          },
        ),
        { numRuns: 80 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
