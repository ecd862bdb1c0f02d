import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cli, repo } from '../helpers/cli.js';

// The review workflow through the real CLI: score recorded traces into the queue, list, show, relabel,
// approve (verified, idempotent), reject (remembered by signature), refuse a row its own scorers pass.
const fixture = path.join(repo, 'test/fixtures/traces/braintrust/support-logs.json');
// Each test starts the real CLI several times: give a loaded CI machine room.
jest.setTimeout(180_000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-review-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const readRows = async (file: string) =>
  (await readFile(path.join(dir, file), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

async function queueItems(): Promise<any[]> {
  const q = path.join(dir, '.tracegate/review');
  const items = [];
  for (const name of (await readdir(q)).filter((n) => n.endsWith('.jsonl')).sort())
    items.push(...(await readRows(path.join('.tracegate/review', name))));
  return items;
}

test('score → list → show → approve (verified) → approve again (idempotent) → reject → rescore', async () => {
  const scored = await cli(['score', '--from', fixture], dir);
  expect(scored.stderr).toBe('');
  expect(scored.code).toBe(0);
  expect(scored.stdout).toMatch(/scored 2 of 2 trace\(s\)/);
  expect(scored.stdout).toMatch(/tool-argument-error\s+1\s+1\s+100\.0%/);
  expect(scored.stdout).toMatch(/queued for review in \.tracegate\/review/);

  const items = await queueItems();
  expect(items.map((i) => [i.proposed_mode, i.status, i.needs_person]).sort()).toEqual([
    ['hallucination', 'pending', true],
    ['retrieval-miss', 'pending', true],
    ['tool-argument-error', 'pending', false],
  ]);
  const tool = items.find((i) => i.proposed_mode === 'tool-argument-error');
  // Scrubbed like a promoted row: the customer's email and phone never reach the queue.
  const raw = await readFile(path.join(dir, '.tracegate/review/tool-argument-error.jsonl'), 'utf8');
  expect(raw).not.toMatch(/@example\.com|555/);
  expect(raw).toMatch(/<EMAIL_1>/);
  expect(tool.signature_basis).toBe('tool-argument-error|tool:lookup_order|arg:order_id');
  expect(tool.evidence.scorers[0]).toMatchObject({ name: 'tool-call', score: 0, kind: 'code' });
  expect(tool.cluster).toMatchObject({ size: 1 });
  expect(tool.id).toMatch(/^rv-[0-9a-f]{12}$/);
  // Ambiguous: the retrieval miss also failed the hallucination mode on the same trace (and vice versa).
  const miss = items.find((i) => i.proposed_mode === 'retrieval-miss');
  expect(miss.needs_person_reasons).toEqual(['ambiguous mode: hallucination also failed']);

  const list = await cli(['review', 'list'], dir);
  expect(list.code).toBe(0);
  expect(list.stdout.trim().split('\n')).toHaveLength(3);
  expect(list.stdout).toMatch(new RegExp(`${tool.id}\\s+pending\\s+tool-argument-error`));
  expect(list.stdout).toMatch(/\[needs a person\]/);

  const show = await cli(['review', 'show', tool.id.slice(0, 8)], dir);
  expect(show.code).toBe(0);
  expect(show.stdout).toMatch(
    /tool-call \(code, blocking\): 0\.00 \/ min 1 — lookup_order\/order_id must match pattern/,
  );
  expect(show.stdout).toMatch(/check tool-arguments: lookup_order argument \/order_id must match pattern/);
  expect(show.stdout).toContain(
    'input: {"question":"Where is my order A-1234? Reach me at <EMAIL_1> or <PHONE_1>."}',
  );

  const approve = await cli(['review', 'approve', tool.id], dir);
  expect(approve.stderr).toBe('');
  expect(approve.code).toBe(0);
  expect(approve.stdout).toMatch(
    /approved → datasets\/tool-argument-error\.jsonl as tool-0001 \(verified: tool-call 0\.00 < 1\)/,
  );
  const [row] = await readRows('datasets/tool-argument-error.jsonl');
  expect(row.metadata).toMatchObject({
    failure_mode: 'tool-argument-error',
    review_status: 'approved',
    verified: true,
    verified_by: [{ scorer: 'tool-call', score: 0, min_score: 1 }],
    signature: tool.signature,
    review_item: tool.id,
  });
  const before = await readFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8');
  const again = await cli(['review', 'approve', tool.id], dir);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/already holds it/);
  expect(await readFile(path.join(dir, 'datasets/tool-argument-error.jsonl'), 'utf8')).toBe(before);

  const hal = items.find((i) => i.proposed_mode === 'hallucination');
  const reject = await cli(['review', 'reject', hal.id, '--note', 'the KB was stale that day'], dir);
  expect(reject.code).toBe(0);
  expect(reject.stdout).toMatch(/will not be proposed again/);

  // The same traces scored again: nothing new is proposed, the rejection and approval stand, and the same
  // traces do not count as new occurrences.
  const rescored = await cli(['score', '--from', fixture], dir);
  expect(rescored.code).toBe(0);
  const after = await queueItems();
  expect(after.find((i) => i.id === hal.id)).toMatchObject({
    status: 'rejected',
    cluster: { size: 1 },
    decision: { action: 'rejected', note: 'the KB was stale that day' },
  });
  expect(after.find((i) => i.id === tool.id)).toMatchObject({ status: 'approved', cluster: { size: 1 } });
  const pending = await cli(['review', 'list'], dir);
  expect(pending.stdout.trim().split('\n')).toHaveLength(1);
});

test('a row its own scorers pass is refused, naming the scorer to add; --allow-unverified writes it marked', async () => {
  expect((await cli(['score', '--from', fixture], dir)).code).toBe(0);
  const tool = (await queueItems()).find((i) => i.proposed_mode === 'tool-argument-error');

  const relabel = await cli(['review', 'relabel', tool.id, 'instruction-follow-failure'], dir);
  expect(relabel.code).toBe(0);
  expect(relabel.stdout).toMatch(
    /relabelled tool-argument-error → instruction-follow-failure \(still pending\)/,
  );

  // instruction-follow-failure's default scorer (constraints) has nothing to check on this row.
  const refused = await cli(['review', 'approve', tool.id], dir);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(
    /not written: the instruction-follow-failure scorers pass the recorded failing output/,
  );
  expect(refused.stderr).toMatch(/constraints does not apply/);
  expect(refused.stderr).toMatch(
    /add a scorer that catches it under failure_modes\.instruction-follow-failure\.scorers/,
  );
  expect(existsSync(path.join(dir, 'datasets'))).toBe(false);
  expect((await queueItems()).find((i) => i.id === tool.id).status).toBe('pending');

  const forced = await cli(['review', 'approve', tool.id, '--allow-unverified'], dir);
  expect(forced.code).toBe(0);
  expect(forced.stdout).toMatch(/as ins-0001 \(UNVERIFIED/);
  const [row] = await readRows('datasets/instruction-follow-failure.jsonl');
  expect(row.metadata.verified).toBe(false);
  expect(row.metadata.failure_mode).toBe('instruction-follow-failure');
  expect(row.metadata.signature_basis).toBe('instruction-follow-failure|tool:lookup_order|arg:order_id');
});

test('promote refuses rows whose scorers pass the recorded output, and records the catching scorer', async () => {
  const promoted = await cli(['promote', '--from', fixture, '--auto-label'], dir);
  expect(promoted.code).toBe(0);
  const [tool] = await readRows('datasets/tool-argument-error.jsonl');
  expect(tool.metadata).toMatchObject({ verified: true, verified_by: [{ scorer: 'tool-call', score: 0 }] });

  // Both traces filed as retrieval misses: only the one whose expected document was not retrieved fails
  // retrieval-recall; the tool failure's row would pass it and is refused.
  const labelled = await cli(
    ['promote', '--from', fixture, '--label', 'retrieval-miss', '--to', 'other'],
    dir,
  );
  expect(labelled.code).toBe(1);
  expect(labelled.stdout).toMatch(/appended 1 row\(s\) to other\/retrieval-miss\.jsonl: ret-0001/);
  expect(labelled.stdout).toMatch(/refused \(retrieval-miss\|q:where is my order/);
  expect(labelled.stdout).toMatch(/retrieval-recall does not apply/);
  expect(labelled.stderr).toMatch(/1 row\(s\) refused/);
  const allowed = await cli(
    ['promote', '--from', fixture, '--label', 'retrieval-miss', '--to', 'other', '--allow-unverified'],
    dir,
  );
  expect(allowed.code).toBe(0);
  const rows = await readRows('other/retrieval-miss.jsonl');
  expect(rows.map((r) => r.metadata.verified)).toEqual([true, false]);
});

test('a judge-only failure close to its bar is marked as needing a person; bad input is exit 2 naming file:line', async () => {
  await writeFile(
    path.join(dir, 'tone-judge.mjs'),
    `export default { id: 'tone-judge', version: '1', kind: 'judge', failureModes: [], description: 'test judge',
      options: { safeParse: (v) => ({ success: true, data: v }) },
      create: () => () => ({ name: 'tone-judge', score: 0.85, metadata: { rationale: 'a little curt', judge_usage: { cost_usd: 0.001 } } }) };\n`,
  );
  await writeFile(
    path.join(dir, 'tracegate.config.json'),
    JSON.stringify({
      failure_modes: { 'instruction-follow-failure': { scorers: ['file:./tone-judge.mjs'] } },
    }),
  );
  const scored = await cli(['score', '--from', fixture, '--json'], dir, { OPENAI_API_KEY: 'sk-test-0000' });
  expect(scored.code).toBe(0);
  const summary = JSON.parse(scored.stdout);
  expect(summary.modes['instruction-follow-failure']).toMatchObject({ judged: 2, failed: 2, fail_rate: 1 });
  expect(summary.stats.judge_calls).toBe(2);
  const items = await queueItems();
  expect(items).toHaveLength(2);
  for (const item of items) {
    expect(item.needs_person).toBe(true);
    expect(item.needs_person_reasons).toEqual([
      'judge-only evidence: no deterministic scorer failed',
      'low confidence: the judge scores are within 0.2 of their bar',
    ]);
  }

  await writeFile(
    path.join(dir, '.tracegate/review/instruction-follow-failure.jsonl'),
    '{"version":1,"id":"rv-x","row":{}}\nnot json\n',
  );
  const broken = await cli(['review', 'list'], dir);
  expect(broken.code).toBe(2);
  expect(broken.stderr).toMatch(/instruction-follow-failure\.jsonl:2: not a review item/);

  const none = await cli(['review', 'show', 'rv-nope'], dir);
  expect(none.code).toBe(2);
  const empty = await cli(['score', '--from', 'missing.jsonl'], dir);
  expect(empty.code).toBe(2);
  const both = await cli(['score'], dir);
  expect(both.code).toBe(2);
  expect(both.stderr).toMatch(/--from FILE\|braintrust:PROJECT .* or --otlp-listen/);
});
