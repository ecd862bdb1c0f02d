// Online scoring on the request path (imports lib/: `npm run bench` builds it). Prints figures only;
// nothing here passes or fails on timing.
//   The same small HTTP app, side by side: without tracegate, and handing every finished request to
//   createOnlineScorer (sampling 0.1, and 1.0: every request scored). Latency is measured at the client
//   over keep-alive connections; runs alternate (A B A B A B) and the median of each side's p99 is
//   reported, with the difference. The time `submit()` itself takes inside the handler is measured too.
import { createServer, request, Agent } from 'node:http';
import { createOnlineScorer } from '../lib/src/index.js';

const REQUESTS = Number(process.env.BENCH_ONLINE_REQUESTS ?? 20_000);
const CONCURRENCY = 16;
const ROUNDS = 3;

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      parameters: {
        type: 'object',
        properties: { order_id: { type: 'string', pattern: '^[A-Z]-\\d{4}$' } },
        required: ['order_id'],
      },
    },
  },
];

function startApp(scorer, submitTimes) {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const i = n++;
      const orderId = i % 10 === 3 ? `${1000 + (i % 9000)}` : `A-${1000 + (i % 9000)}`;
      const answer = `Order ${orderId} has shipped.`;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(answer);
      if (scorer) {
        const t0 = process.hrtime.bigint();
        scorer.submit({
          id: `req-${i}`,
          input: { question: `Where is order ${orderId}?` },
          output: answer,
          tools: TOOLS,
          tool_calls: [{ name: 'lookup_order', arguments: { order_id: orderId } }],
        });
        submitTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function load(port, count) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies = [];
  let next = 0;
  const one = () =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      const req = request({ host: '127.0.0.1', port, path: '/ask', method: 'POST', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          resolve();
        });
      });
      req.on('error', reject);
      req.end('q');
    });
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < count) await one();
    }),
  );
  agent.destroy();
  return latencies;
}

const pct = (list, p) => {
  const s = [...list].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function side(sampleRate) {
  const submitTimes = [];
  const scorer =
    sampleRate === undefined
      ? undefined
      : createOnlineScorer({
          config: { failure_modes: { 'tool-argument-error': { scorers: ['tool-call'] } } },
          sampleRate,
          maxBacklog: 1000,
        });
  const server = await startApp(scorer, submitTimes);
  const lat = await load(server.address().port, REQUESTS);
  await scorer?.close();
  await new Promise((r) => server.close(r));
  return {
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    submitP99: submitTimes.length ? pct(submitTimes, 99) : 0,
    stats: scorer?.stats(),
  };
}

// Warm both paths (JIT, sockets) before measuring.
await side(undefined);
await side(0.1);

const results = { baseline: [], 'sampling 0.1': [], 'sampling 1.0': [] };
for (let round = 0; round < ROUNDS; round++) {
  results.baseline.push(await side(undefined));
  results['sampling 0.1'].push(await side(0.1));
  results['sampling 1.0'].push(await side(1));
}
const base = median(results.baseline.map((r) => r.p99));
console.log(
  `online scorer on the request path: ${REQUESTS.toLocaleString('en-US')} requests × ${ROUNDS} rounds, ${CONCURRENCY} in flight`,
);
console.log('side             p50 ms   p99 ms   p99 added   submit() p99   scored / dropped (last round)');
for (const [name, runs] of Object.entries(results)) {
  const p99 = median(runs.map((r) => r.p99));
  const p50 = median(runs.map((r) => r.p50));
  const submit = median(runs.map((r) => r.submitP99));
  const last = runs[runs.length - 1].stats;
  console.log(
    `${name.padEnd(15)} ${p50.toFixed(3).padStart(7)} ${p99.toFixed(3).padStart(8)} ${(name === 'baseline' ? '—' : `${(p99 - base).toFixed(3)} ms`).padStart(11)} ${(name === 'baseline' ? '—' : `${submit.toFixed(4)} ms`).padStart(14)}   ${last ? `${last.scored} / ${last.dropped}` : '—'}`,
  );
}
