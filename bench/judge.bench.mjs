// Judge benchmark, side by side in one run:
//  1. a cached re-run of 10,000 judge-scored cases (target: under 2 s, zero requests at the judge server),
//     next to the uncached run that filled the cache;
//  2. an uncached run against a judge with 200 ms latency, next to the ideal calls × latency ÷ concurrency
//     (target: within 1.2×), with the most requests the server saw in flight at once.
//   node bench/judge.bench.mjs            full sizes
//   node bench/judge.bench.mjs --quick    smaller sizes (smoke run)
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quick = process.argv.includes('--quick');
const { evaluate } = await import(path.join(repo, 'lib/src/index.js'));
const { startJudgeServer } = await import(path.join(repo, 'examples/support-assistant/demo-judge-server.js'));

const KB =
  'Refunds are available within 30 days of purchase for annual plans. Monthly plans are not refundable.';

/** A project of `n` hallucination cases scored by the faithfulness judge only (or by `scorers`). */
function project(n, judge, scorers = [{ id: 'faithfulness', mode: 'shadow' }]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tg-judge-bench-'));
  mkdirSync(path.join(dir, 'datasets'));
  const rows = [];
  for (let i = 0; i < n; i++)
    rows.push(
      JSON.stringify({
        id: `c${i}`,
        input: { question: `Can I get a refund on plan ${i}?` },
        output: JSON.stringify({
          answer: `Refunds are available within 30 days (case ${i}).`,
          citations: ['kb-1'],
        }),
        context: { retrieved: [{ id: 'kb-1', text: KB }] },
        metadata: { failure_mode: 'hallucination' },
      }),
    );
  writeFileSync(path.join(dir, 'datasets/h.jsonl'), rows.join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'tracegate.config.json'),
    JSON.stringify({
      task: 'replay',
      concurrency: 256,
      judge: { model: 'gpt-4.1-mini-2025-04-14', ...judge },
      failure_modes: { hallucination: { threshold: 1, scorers } },
    }),
  );
  return dir;
}

async function timed(fn) {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

const load = (await import('node:os')).loadavg()[0];
console.log(
  `load average ${load.toFixed(1)} on ${(await import('node:os')).cpus().length} CPUs (absolute times scale with it; ratios less so)`,
);

// 1. Cached re-run.
{
  const cases = quick ? 2000 : 10000;
  const server = await startJudgeServer();
  const dir = project(cases, { base_url: server.url, max_concurrency: 64 });
  const run = () => evaluate({ cwd: dir, judge: { apiKey: 'bench-key-000' } });
  const fill = await timed(run);
  const afterFill = server.stats.requests;
  const cached = await timed(run);
  const requests = server.stats.requests - afterFill;
  const usage = cached.value.results.usage.judge;
  // The peer: the same cases with a deterministic code scorer, so the figure holds on a busy machine too.
  const peerDir = project(cases, {}, ['citation-format']);
  const peer = await timed(() => evaluate({ cwd: peerDir }));
  rmSync(peerDir, { recursive: true, force: true });
  console.log(
    `cached re-run of ${cases} judge-scored cases: ${(cached.ms / 1000).toFixed(2)} s, ${requests} requests ` +
      `(${usage.cached} cache hits) — uncached fill: ${(fill.ms / 1000).toFixed(2)} s, ${afterFill} requests; ` +
      `re-run = ${(cached.ms / fill.ms).toFixed(3)}× the fill, ${(cached.ms / peer.ms).toFixed(2)}× a run with a code scorer ` +
      `(${(peer.ms / 1000).toFixed(2)} s)${cached.ms < 2000 && requests === 0 ? ' ✓ (< 2 s, 0 requests)' : ''}`,
  );
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

// 2. Uncached against a 200 ms judge.
{
  const latencyMs = 200;
  const concurrency = 20;
  const calls = quick ? 100 : 400;
  const server = await startJudgeServer({ latencyMs });
  const dir = project(calls, { base_url: server.url, max_concurrency: concurrency });
  const cpu0 = process.cpuUsage();
  const run = await timed(() => evaluate({ cwd: dir, judge: { apiKey: 'bench-key-000' }, cache: false }));
  const cpu = process.cpuUsage(cpu0);
  // CPU this process used (client and the in-process server): on a starved machine the gap to the ideal is
  // this work waiting for a core, not idle slots at the judge.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const ideal = (calls * latencyMs) / concurrency;
  const ratio = run.ms / ideal;
  console.log(
    `uncached: ${calls} calls, ${latencyMs} ms latency, judge concurrency ${concurrency}: ${(run.ms / 1000).toFixed(2)} s ` +
      `vs ideal ${(ideal / 1000).toFixed(2)} s = ${ratio.toFixed(2)}× (target ≤ 1.2×${ratio <= 1.2 ? ' ✓' : ' ✗'}); ` +
      `at most ${server.stats.maxInFlight} requests in flight at the server (${server.stats.requests} requests); ` +
      `${(cpuMs / 1000).toFixed(2)} s of CPU in this process`,
  );
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
