import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { supportTrace, toJsonl } from './generate.js';
import { cli } from '../helpers/cli.js';

// The real CLI (bin/tracegate.js → lib/, built by `npm test`'s pretest, or here when lib/ lacks it).
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Distinct letter-only words, so every question has its own template (digits would be masked). */
function word(i: number): string {
  let s = '';
  let n = i + 26;
  while (n > 0) {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  }
  return s;
}

function logs(prefix: string, count: number): string {
  const rows = [];
  for (let i = 0; i < count; i++) {
    rows.push(
      ...supportTrace(`${prefix}${i}`, i, {
        failing: false,
        question: `Tell me about the ${prefix} ${word(i)} plan`,
      }),
    );
  }
  return toJsonl(rows);
}

let dir: string;
beforeAll(() => {
  if (!existsSync(path.join(repo, 'lib/src/cli/commands/promote-command.js'))) {
    execFileSync(
      process.execPath,
      [path.join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: repo },
    );
  }
}, 120_000);
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tracegate-cli-promote-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('two promote processes at once on one dataset: no row lost, none duplicated, ids unique', async () => {
  await writeFile(path.join(dir, 'a.jsonl'), logs('alpha', 40));
  await writeFile(path.join(dir, 'b.jsonl'), logs('bravo', 40));
  const args = (from: string) => [
    'promote',
    '--from',
    from,
    '--label',
    'hallucination',
    '--to',
    'datasets/shared.jsonl',
    // These traces succeeded: their rows cannot fail the hallucination scorers (this test is about locking).
    '--allow-unverified',
  ];
  const [a, b] = await Promise.all([cli(args('a.jsonl'), dir), cli(args('b.jsonl'), dir)]);
  expect(a.stderr).toBe('');
  expect(b.stderr).toBe('');
  expect([a.code, b.code]).toEqual([0, 0]);
  expect(a.stdout).toMatch(/appended 40 row\(s\) to datasets\/shared\.jsonl/);
  expect(b.stdout).toMatch(/appended 40 row\(s\) to datasets\/shared\.jsonl/);
  const rows = (await readFile(path.join(dir, 'datasets/shared.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(rows).toHaveLength(80);
  expect(new Set(rows.map((r) => r.id)).size).toBe(80);
  expect(new Set(rows.map((r) => r.metadata.source_span_id)).size).toBe(80);
  expect(existsSync(path.join(dir, 'datasets/shared.jsonl.lock'))).toBe(false);

  // The same file promoted twice at once: one of them writes, the other finds every row already there.
  await writeFile(path.join(dir, 'c.jsonl'), logs('charlie', 30));
  const [c1, c2] = await Promise.all([cli(args('c.jsonl'), dir), cli(args('c.jsonl'), dir)]);
  expect([c1.code, c2.code]).toEqual([0, 0]);
  const after = (await readFile(path.join(dir, 'datasets/shared.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(after).toHaveLength(110);
  expect(new Set(after.map((r) => r.metadata.source_span_id)).size).toBe(110);
  expect(`${c1.stdout}\n${c2.stdout}`).toMatch(/30 already promoted/);
});

test('a stale lock left by a dead process is taken over', async () => {
  await writeFile(path.join(dir, 'a.jsonl'), logs('delta', 3));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path.join(dir, 'datasets'));
  // pid 2^22+1 cannot be running (above Linux's pid_max ceiling), on this host: the lock is stale.
  await writeFile(
    path.join(dir, 'datasets/hallucination.jsonl.lock'),
    JSON.stringify({
      pid: 4194305,
      host: (await import('node:os')).hostname(),
      time: new Date().toISOString(),
    }),
  );
  const run = await cli(
    ['promote', '--from', 'a.jsonl', '--label', 'hallucination', '--allow-unverified'],
    dir,
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(
    /appended 3 row\(s\) to datasets\/hallucination\.jsonl: hal-0001, hal-0002, hal-0003/,
  );
});

test('promoted rows replay: eval --task replay fails on the recorded output, and the reason names the failure', async () => {
  const fixture = path.join(repo, 'test/fixtures/traces/braintrust/support-logs.json');
  const promoted = await cli(['promote', '--from', fixture, '--auto-label'], dir);
  expect(promoted.code).toBe(0);
  expect(promoted.stdout).toMatch(/imported 2 trace\(s\) .* \(braintrust\), skipped 0 record\(s\)/);
  const run = await cli(
    ['eval', '--task', 'replay', '--datasets', 'datasets/*.jsonl', '--out', 'out', '--json'],
    dir,
  );
  expect(run.code).toBe(1);
  const results = JSON.parse(await readFile(path.join(dir, 'out/results.json'), 'utf8'));
  const byId = Object.fromEntries(results.cases.map((c: any) => [c.id, c]));
  expect(byId['tool-0001']).toMatchObject({ failure_mode: 'tool-argument-error', passed: false });
  expect(byId['tool-0001'].reasons.join(' ')).toMatch(/lookup_order.*order_id/);
  expect(byId['ret-0001']).toMatchObject({ failure_mode: 'retrieval-miss', passed: false });
  expect(byId['ret-0001'].reasons.join(' ')).toMatch(/kb-12/);
});

test('dry run prints rows; cluster prints clusters with size, range and example; bad usage exits 2', async () => {
  const rows = [];
  for (let i = 0; i < 12; i++) rows.push(...supportTrace(`dup${i}`, i, { failing: true }));
  await writeFile(path.join(dir, 'logs.jsonl'), toJsonl(rows) + '{"not": "a trace"}\n');
  const dry = await cli(['promote', '--from', 'logs.jsonl', '--auto-label', '--dry-run'], dir);
  expect(dry.code).toBe(0);
  const printed = dry.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(printed).toHaveLength(1);
  expect(printed[0].metadata.related_span_ids).toHaveLength(11);
  expect(dry.stderr).toMatch(/skipped line 37: unknown record/);
  expect(dry.stderr).toMatch(/imported 12 trace\(s\) from logs\.jsonl \(braintrust\), skipped 1 record\(s\)/);
  expect(existsSync(path.join(dir, 'datasets'))).toBe(false);

  const cluster = await cli(['cluster', '--from', 'logs.jsonl'], dir);
  expect(cluster.code).toBe(0);
  expect(cluster.stdout).toMatch(/1 cluster\(s\)/);
  expect(cluster.stdout).toMatch(
    /#1 {2}12 trace\(s\) {2}tool-argument-error {2}2026-11-20T10:00:00\.000Z … 2026-11-20T10:11:00\.000Z/,
  );
  expect(cluster.stdout).toMatch(/signature: tool-argument-error\|tool:lookup_order\|arg:order_id/);
  expect(cluster.stdout).toMatch(/example: {3}Where is my order/);

  const bad = await cli(['promote', '--from', 'logs.jsonl'], dir);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--label MODE/);
  const missing = await cli(['promote', '--from', 'nope.json', '--label', 'x'], dir);
  expect(missing.code).toBe(2);
});
