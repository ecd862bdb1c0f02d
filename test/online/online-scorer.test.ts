import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createOnlineScorer } from '../../src/online/online-scorer.js';
import { JudgeBudgetGate } from '../../src/online/judge-budget.js';
import type { ResolvedScorer } from '../../src/run/resolve-scorers.js';
import { load, startSupportApp, TOOLS } from './load-app.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const judgeModule = path.join(here, 'fixtures/http-judge.mjs');

/** A judge server that answers after `delayMs` (or never, when Infinity). */
async function startJudge(
  delayMs: number,
  score = 0.2,
): Promise<{ url: string; calls: () => number; close(): Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    calls++;
    req.resume();
    req.on('end', () => {
      if (delayMs === Infinity) return; // hangs: the scorer's timeout must end it
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ score, rationale: 'made up', cost_usd: 0.002 }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/judge`,
    calls: () => calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const judgeConfig = (url: string) => ({
  failure_modes: {
    hallucination: { scorers: [{ id: `file:${judgeModule}`, options: { url } }] },
  },
});

test('10,000 requests through a real HTTP app at sampling 0.1: about 1,000 scored, none dropped, failures queued', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tracegate-online-'));
  const scorer = createOnlineScorer({
    config: { failure_modes: { 'tool-argument-error': { scorers: ['tool-call'] } } },
    sampleRate: 0.1,
    maxBacklog: 10_000,
    review: { dir, flushIntervalMs: 50 },
  });
  const app = await startSupportApp(scorer);
  try {
    const { statuses } = await load(app.url, 10_000, 32);
    expect(statuses.get(200)).toBe(10_000);
    await scorer.flush();
    const s = scorer.stats();
    expect(s.received).toBe(10_000);
    expect(s.dropped).toBe(0);
    expect(s.scored + s.not_sampled).toBe(10_000);
    // Binomial(10,000, 0.1): mean 1,000, standard deviation 30; ±4.5σ fails by chance about once in 150,000 runs.
    expect(s.scored).toBeGreaterThanOrEqual(865);
    expect(s.scored).toBeLessThanOrEqual(1135);
    // One request in ten sends a malformed order id: about a tenth of the scored ones fail.
    const m = s.modes['tool-argument-error'];
    expect(m.sampled).toBe(s.scored);
    expect(m.failed / m.sampled).toBeGreaterThan(0.05);
    expect(m.failed / m.sampled).toBeLessThan(0.15);
    expect(m.passed + m.failed).toBe(m.sampled);
    // Every failure has one signature, so the queue holds one item whose cluster counts them all.
    const [file] = (await readdir(dir)).filter((f) => f.endsWith('.jsonl'));
    const items = (await readFile(path.join(dir, file), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ proposed_mode: 'tool-argument-error', status: 'pending' });
    expect(items[0].cluster.size).toBe(m.failed);
    expect(items[0].cluster.distinct.user.length).toBeGreaterThan(1);
  } finally {
    await app.close();
    await scorer.close();
    await rm(dir, { recursive: true, force: true });
  }
}, 60_000);

test('a hanging judge: the app answers every request, the backlog stays bounded and drops are counted', async () => {
  const judge = await startJudge(Infinity);
  const scorer = createOnlineScorer({
    config: judgeConfig(judge.url),
    judge: { apiKey: 'sk-test-0000' },
    maxBacklog: 50,
    concurrency: 2,
    timeoutMs: 300,
  });
  const app = await startSupportApp(scorer);
  let maxBacklog = 0;
  let maxInFlight = 0;
  const watch = setInterval(() => {
    const s = scorer.stats();
    maxBacklog = Math.max(maxBacklog, s.backlog);
    maxInFlight = Math.max(maxInFlight, s.in_flight);
  }, 5);
  const heapBefore = process.memoryUsage().heapUsed;
  try {
    const { statuses } = await load(app.url, 3000, 16);
    expect(statuses.get(200)).toBe(3000);
    const s = scorer.stats();
    expect(s.dropped).toBeGreaterThan(2000);
    expect(s.received).toBe(3000);
    expect(maxBacklog).toBeLessThanOrEqual(50);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    // Memory follows the backlog bound, not the traffic (a generous ceiling: the heap also holds the test).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  } finally {
    clearInterval(watch);
    await app.close();
  }
  // Shutdown finishes: each hanging call ends at the scorer's timeout, as an errored verdict.
  const closing = Date.now();
  await scorer.close();
  expect(Date.now() - closing).toBeLessThan(30 * 300 + 2000);
  const s = scorer.stats();
  expect(s.modes.hallucination.errored).toBe(s.scored);
  expect(s.modes.hallucination.passed + s.modes.hallucination.failed).toBe(0);
  await judge.close();
}, 60_000);

test('a judge that is down: verdicts error (never pass), the app keeps answering', async () => {
  const judge = await startJudge(0);
  const url = judge.url;
  await judge.close();
  const scorer = createOnlineScorer({
    config: judgeConfig(url),
    judge: { apiKey: 'sk-test-0000' },
    maxBacklog: 100,
  });
  const app = await startSupportApp(scorer);
  try {
    const { statuses } = await load(app.url, 500, 8);
    expect(statuses.get(200)).toBe(500);
  } finally {
    await app.close();
    await scorer.close();
  }
  const s = scorer.stats();
  expect(s.scored).toBeGreaterThan(0);
  expect(s.modes.hallucination).toMatchObject({ passed: 0, failed: 0, errored: s.scored });
});

test('judge budget: the rate cap and the cost cap skip judges (score null, reason), code scorers still run', async () => {
  const judge = await startJudge(0, 0.2);
  const results: Array<{ failed: boolean; reasons: string[] }> = [];
  const scorer = createOnlineScorer({
    config: {
      failure_modes: {
        hallucination: { scorers: [{ id: `file:${judgeModule}`, options: { url: judge.url } }] },
        'tool-argument-error': { scorers: ['tool-call'] },
      },
    },
    judge: { apiKey: 'sk-test-0000' },
    budget: { judge: { callsPerMinute: 3 } },
    onResult: (r) => {
      results.push({
        failed: r.failed,
        reasons: r.verdicts.flatMap((v) => v.scorers.map((x) => x.reason ?? '')),
      });
    },
  });
  for (let i = 0; i < 5; i++)
    await scorer.scoreNow({
      id: `r${i}`,
      input: 'q',
      output: 'a',
      tools: TOOLS,
      tool_calls: [{ name: 'lookup_order', arguments: { order_id: '12' } }],
    });
  await scorer.close();
  const s = scorer.stats();
  expect(judge.calls()).toBe(3);
  expect(s.judge_calls).toBe(3);
  expect(s.judge_skipped_rate).toBe(2);
  expect(s.judge_cost_usd).toBeCloseTo(0.006, 6);
  expect(s.modes.hallucination).toMatchObject({ failed: 3, skipped: 2 });
  expect(s.modes['tool-argument-error']).toMatchObject({ failed: 5 });
  expect(results[4].reasons.join(' ')).toMatch(/judge http-judge skipped: rate cap of 3 calls\/min reached/);
  await judge.close();

  // The gate on its own, with a clock: tokens come back over time; the cost cap resets per window.
  let now = 0;
  const gate = new JudgeBudgetGate({ callsPerMinute: 2, maxCostUsd: 0.01, costWindowMs: 60_000 }, () => now);
  const j = { name: 'j' } as ResolvedScorer;
  expect([gate.acquire(j), gate.acquire(j)]).toEqual([undefined, undefined]);
  expect(gate.acquire(j)).toMatch(/rate cap/);
  now += 30_000;
  expect(gate.acquire(j)).toBeUndefined();
  gate.spent(0.01);
  now += 30_000;
  expect(gate.acquire(j)).toBeUndefined(); // a new window: the spend resets
  gate.spent(0.02);
  expect(gate.acquire(j)).toMatch(/cost cap of \$0\.01/);
  expect(() => new JudgeBudgetGate({ callsPerMinute: -1 })).toThrow(/callsPerMinute must be a number ≥ 0/);
});

test('sampling is per failure mode and by id: the same request is sampled the same way every time', async () => {
  const make = () =>
    createOnlineScorer({
      config: {
        failure_modes: {
          'tool-argument-error': { scorers: ['tool-call'] },
          hallucination: { scorers: ['citation-grounding'] },
        },
      },
      sampleRate: { 'tool-argument-error': 0.5, hallucination: 0 },
    });
  const a = make();
  const b = make();
  const picked = (s: ReturnType<typeof make>) =>
    Array.from({ length: 200 }, (_, i) =>
      s.submit({ id: `t${i}`, input: 'q', output: 'a', tools: TOOLS, tool_calls: [] }),
    );
  const pa = picked(a);
  expect(picked(b)).toEqual(pa);
  await Promise.all([a.close(), b.close()]);
  expect(a.stats().modes.hallucination.sampled).toBe(0);
  expect(a.stats().modes['tool-argument-error'].sampled).toBe(pa.filter((p) => p === 'queued').length);
  expect(() => createOnlineScorer({ sampleRate: 2 })).toThrow(
    /sampleRate must be a fraction between 0 and 1/,
  );
  expect(() => createOnlineScorer({ config: { treshold: 1 } as never })).toThrow(/Invalid config/);
});
