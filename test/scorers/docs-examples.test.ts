/**
 * The worked examples of docs/scorers.md run as written: each `Row:` line (a dataset row), its optional
 * `with tool_calls: […]` line (what the task reported), and the `→ scorer score: reason` line it promises. A row
 * with neither an `output` nor tool calls is an incomplete illustration and is not run; the rest must agree.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_SCORERS } from '../../scorers/registry.js';
import { loadClaimExtractor } from '../../scorers/unsupported-claims.js';
import { makeScorer, repoRoot } from './helpers.js';

interface Example {
  line: number;
  row: Record<string, any>;
  toolCalls?: unknown[];
  scorer: string;
  score: number;
  reason: string;
}

/** Every runnable example of the page, in order. */
function examples(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const out: Example[] = [];
  let row: Record<string, any> | undefined;
  let toolCalls: unknown[] | undefined;
  lines.forEach((text, i) => {
    const rowMatch = /^Row: `(.*)`$/.exec(text);
    if (rowMatch) {
      row = JSON.parse(rowMatch[1]);
      toolCalls = undefined;
      return;
    }
    const withMatch = /^(?:with|The same row with) `tool_calls: (.*)`/.exec(text);
    if (withMatch) {
      toolCalls = JSON.parse(withMatch[1]);
      return;
    }
    const arrow = /^→ `([a-z-]+) (\d\.\d\d): (.*)`$/.exec(text);
    if (arrow && row && (row.output !== undefined || toolCalls)) {
      out.push({ line: i + 1, row, toolCalls, scorer: arrow[1], score: Number(arrow[2]), reason: arrow[3] });
    }
  });
  return out;
}

const page = readFileSync(path.join(repoRoot, 'docs', 'scorers.md'), 'utf8');
const runnable = examples(page);

beforeAll(() => loadClaimExtractor());

it('runs the examples the page promises for the scorers issue 12 changed', () => {
  const scorers = new Set(runnable.map((e) => e.scorer));
  for (const id of ['tool-call', 'tool-sequence', 'citation-grounding', 'unsupported-claims'])
    expect(scorers).toContain(id);
  expect(runnable.length).toBeGreaterThanOrEqual(7);
});

it.each(runnable.map((e) => [`docs/scorers.md:${e.line} ${e.scorer}`, e] as const))('%s', async (_, e) => {
  const definition = BUILTIN_SCORERS[e.scorer];
  expect(definition).toBeDefined();
  const result = await makeScorer(definition)({
    input: e.row.input,
    output: e.row.output,
    expected: e.row.expected,
    metadata: e.row.metadata,
    context: e.row.context,
    retrieved: e.row.context?.retrieved,
    toolCalls: e.toolCalls as never,
  });
  expect(result.score?.toFixed(2)).toBe(e.score.toFixed(2));
  expect(result.metadata?.reason).toBe(e.reason);
});
