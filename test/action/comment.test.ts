import {
  buildCommentBody,
  commentMarker,
  digestOf,
  errorCommentBody,
  findOwnComment,
  MAX_COMMENT_CHARS,
  planComment,
  reportDigest,
  runningCommentBody,
  truncateBody,
} from '../../src/action/comment.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { makeCase, makeResults } from '../report/fixtures.js';

const marker = commentMarker('tracegate');

describe('findOwnComment', () => {
  const comments = [
    { id: 1, body: 'LGTM', user: { login: 'dev' } },
    { id: 2, body: `${marker}\nstale copy`, user: { login: 'someone-else' } },
    { id: 3, body: `${commentMarker('nightly')}\nother workflow`, user: { login: 'github-actions[bot]' } },
    { id: 4, body: `${marker}\nmine`, user: { login: 'github-actions[bot]' } },
    { id: 5, body: `${marker}\nmine too, newer`, user: { login: 'github-actions[bot]' } },
  ];
  test('the first comment with the marker by the token user', () => {
    expect(findOwnComment(comments, marker, 'github-actions[bot]')?.id).toBe(4);
    expect(findOwnComment(comments, marker, 'GitHub-Actions[bot]')?.id).toBe(4);
  });
  test('a marked comment by another user is never picked', () => {
    expect(findOwnComment(comments.slice(0, 3), marker, 'github-actions[bot]')).toBeUndefined();
  });
  test('each comment-id has its own comment', () => {
    expect(findOwnComment(comments, commentMarker('nightly'), 'github-actions[bot]')?.id).toBe(3);
  });
});

describe('planComment', () => {
  const results = makeResults({
    cases: [makeCase({ id: 'a', failure_mode: 'hallucination', passed: false })],
    modes: { hallucination: {} },
  });
  const body = buildCommentBody(renderMarkdownReport(results), marker, reportDigest(results));

  test('create when there is none, unless creating is not wanted', () => {
    expect(planComment(undefined, body, { create: true })).toEqual({ action: 'create', body });
    expect(planComment(undefined, body, { create: false }).action).toBe('skip');
  });
  test('update an existing comment (also when creating is not wanted: a stale red comment turns green)', () => {
    expect(planComment({ id: 9, body: runningCommentBody(marker) }, body, { create: false })).toEqual({
      action: 'update',
      id: 9,
      body,
    });
  });
  test('skip when the same results are shown, even from a run with other timings', () => {
    const later = {
      ...results,
      duration_ms: results.duration_ms + 999,
      started_at: '2026-11-21T00:00:00.000Z',
    };
    const laterBody = buildCommentBody(
      renderMarkdownReport(later, { detailsUrl: 'https://x.example/runs/2' }),
      marker,
      reportDigest(later),
    );
    expect(laterBody).not.toBe(body);
    expect(digestOf(laterBody)).toBe(digestOf(body));
    expect(planComment({ id: 9, body }, laterBody, { create: true })).toMatchObject({
      action: 'skip',
      id: 9,
    });
  });
  test('update when the results differ', () => {
    const fixed = makeResults({ cases: [], modes: { hallucination: { extra_passed: 1 } } });
    const fixedBody = buildCommentBody(renderMarkdownReport(fixed), marker, reportDigest(fixed));
    expect(planComment({ id: 9, body }, fixedBody, { create: true }).action).toBe('update');
  });
  test('the "running…" body is always replaced', () => {
    const first = runningCommentBody(marker, 'https://x.example/runs/1');
    expect(digestOf(first)).toBe('running');
    // A second run re-announcing (its own run link) must update: two "running" digests are not "the same
    // results". Without the planner's running guard this would be a skip.
    const second = runningCommentBody(marker, 'https://x.example/runs/2');
    expect(digestOf(second)).toBe('running');
    expect(planComment({ id: 9, body: first }, second, { create: true })).toEqual({
      action: 'update',
      id: 9,
      body: second,
    });
    // And the results replace it even when creating is not wanted.
    expect(planComment({ id: 9, body: second }, body, { create: false })).toEqual({
      action: 'update',
      id: 9,
      body,
    });
  });
  test('an error body is replaced too, even by another error body with the same text', () => {
    const error = errorCommentBody(marker, 'boom', 'https://x.example/runs/1');
    const again = errorCommentBody(marker, 'boom', 'https://x.example/runs/2');
    expect(planComment({ id: 9, body: error }, again, { create: true }).action).toBe('update');
  });
});

describe('truncateBody', () => {
  test('bodies under the limit are kept as they are', () => {
    expect(truncateBody('short')).toBe('short');
  });
  test('long bodies are cut at a line break, open <details> closed, with a note', () => {
    const body =
      `${marker}\n<details open><summary>x</summary>\n\n` +
      Array.from({ length: 5000 }, (_, i) => `| row ${i} | ${'x'.repeat(20)} |`).join('\n');
    const cut = truncateBody(body);
    expect(body.length).toBeGreaterThan(MAX_COMMENT_CHARS);
    expect(cut.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(cut.startsWith(marker)).toBe(true);
    expect(cut).toMatch(
      /\| row \d+ \| x{20} \|\n\n<\/details>\n\n> ✂️ This comment was cut at GitHub's 65,536-character limit/,
    );
  });
});

describe('errorCommentBody', () => {
  test('quotes the error inertly and is always replaced by the next results', () => {
    const body = errorCommentBody(
      marker,
      'Invalid config:\n  task: @here <img src=x>',
      'https://github.com/acme/app/actions/runs/1',
    );
    expect(body).toContain('> Invalid config:\n> task: `@here` &lt;img src=x&gt;');
    expect(body).toContain('[workflow run](https://github.com/acme/app/actions/runs/1)');
    expect(digestOf(body)).toBe('error');
    expect(
      planComment({ id: 1, body }, body.replace('Invalid', 'Still invalid'), { create: true }).action,
    ).toBe('update');
  });
});
