// Runner benchmark: tracegate's evaluate() against braintrust's Eval(..., {noSendLogs: true}) on the same
// cases, task and scorer, in one run. Each measurement runs in a fresh child process so peak memory
// (VmHWM) belongs to that runner alone. Figures are printed as ratios against braintrust.
//   node bench/runner.bench.mjs            all scenarios
//   node bench/runner.bench.mjs --quick    smaller sizes (smoke run)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const repo = path.resolve(path.dirname(self), '..');
const quick = process.argv.includes('--quick');

const SCENARIOS = {
  // Runner overhead: an instant task and a trivial scorer, so the time is the runner's own.
  overhead: { cases: quick ? 5000 : 20000, concurrency: 16, latencyMs: 0 },
  // Concurrency: a 5 ms task at 256 in flight; ideal wall time = cases × 5 ms / 256.
  latency: { cases: quick ? 5120 : 25600, concurrency: 256, latencyMs: 5 },
  // Memory: 100,000 cases (instant task) streamed through.
  memory: { cases: quick ? 20000 : 100000, concurrency: 16, latencyMs: 0 },
};

function peakRssMb() {
  const status = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)[1]) / 1024;
}

const TASK_SOURCE = (latencyMs) =>
  latencyMs
    ? `export const answer = (input) => new Promise((r) => setTimeout(() => r(input.q), ${latencyMs}));`
    : `export const answer = async (input) => input.q;`;

async function runTracegate(scenario) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tg-bench-'));
  const lines = [];
  for (let i = 0; i < scenario.cases; i++) {
    lines.push(JSON.stringify({ id: `c${i}`, input: { q: `a${i}` }, expected: `a${i}`, metadata: { failure_mode: 'format-violation' } }));
  }
  writeFileSync(path.join(dir, 'cases.jsonl'), lines.join('\n') + '\n');
  writeFileSync(path.join(dir, 'task.mjs'), TASK_SOURCE(scenario.latencyMs));
  writeFileSync(path.join(dir, 'eq.mjs'), `export default ({ output, expected }) => ({ name: 'eq', score: output === expected ? 1 : 0 });`);
  writeFileSync(
    path.join(dir, 'tracegate.config.json'),
    JSON.stringify({ failure_modes: { 'format-violation': { scorers: ['file:./eq.mjs'] } } }),
  );
  lines.length = 0;
  const { evaluate } = await import(path.join(repo, 'lib/src/index.js'));
  const t0 = performance.now();
  const outcome = await evaluate({
    cwd: dir,
    task: 'module:./task.mjs#answer',
    datasets: 'cases.jsonl',
    concurrency: scenario.concurrency,
    out: path.join(dir, 'out'),
  });
  const wall = performance.now() - t0;
  if (outcome.results.failure_modes['format-violation'].passed !== scenario.cases) throw new Error('tracegate: wrong result');
  rmSync(dir, { recursive: true, force: true });
  return wall;
}

async function runBraintrust(scenario) {
  const { Eval } = await import('braintrust');
  const data = Array.from({ length: scenario.cases }, (_, i) => ({ input: { q: `a${i}` }, expected: `a${i}` }));
  const task = scenario.latencyMs
    ? (input) => new Promise((r) => setTimeout(() => r(input.q), scenario.latencyMs))
    : async (input) => input.q;
  const quiet = { name: 'quiet', reportEval: async () => true, reportRun: async () => true };
  const t0 = performance.now();
  const result = await Eval(
    'tracegate-bench',
    { data, task, scores: [({ output, expected }) => ({ name: 'eq', score: output === expected ? 1 : 0 })], maxConcurrency: scenario.concurrency },
    { noSendLogs: true, reporter: quiet },
  );
  const wall = performance.now() - t0;
  if (result.results.length !== scenario.cases) throw new Error('braintrust: wrong result');
  return wall;
}

if (process.argv[2] === '--child') {
  const [, , , runner, name] = process.argv;
  const scenario = SCENARIOS[name];
  // Silence braintrust's own console output so it does not skew its timing or our report.
  const log = console.log;
  console.log = () => {};
  console.error = () => {};
  const wall = runner === 'tracegate' ? await runTracegate(scenario) : await runBraintrust(scenario);
  log(JSON.stringify({ wall, rss: peakRssMb() }));
  process.exit(0);
}

function child(runner, name) {
  const run = spawnSync(process.execPath, [self, '--child', runner, name, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, BRAINTRUST_API_KEY: '' },
  });
  const line = run.stdout.trim().split('\n').pop();
  if (run.status !== 0 || !line) throw new Error(`${runner} ${name} failed: ${run.stderr.slice(-500)}`);
  return JSON.parse(line);
}

const rows = [];
for (const [name, scenario] of Object.entries(SCENARIOS)) {
  const tg = child('tracegate', name);
  const bt = child('braintrust', name);
  rows.push({ name, scenario, tg, bt });
}

const fmt = (n, d = 1) => n.toFixed(d);
console.log(`runner benchmark (node ${process.version}, ${quick ? 'quick' : 'full'} sizes); braintrust Eval with noSendLogs in the same run\n`);
for (const { name, scenario, tg, bt } of rows) {
  if (name === 'overhead') {
    const tgUs = (tg.wall * 1000) / scenario.cases;
    const btUs = (bt.wall * 1000) / scenario.cases;
    console.log(`overhead, ${scenario.cases} cases, instant task: tracegate ${fmt(tgUs)} µs/case, braintrust ${fmt(btUs)} µs/case → tracegate ${fmt(btUs / tgUs)}× lower (target ≥ 5×)`);
  } else if (name === 'latency') {
    const ideal = (scenario.cases * scenario.latencyMs) / scenario.concurrency;
    console.log(
      `5 ms task, ${scenario.cases} cases at concurrency ${scenario.concurrency}: ideal ${fmt(ideal, 0)} ms; tracegate ${fmt(tg.wall, 0)} ms (${fmt(tg.wall / ideal, 2)}× ideal, target ≤ 1.3×), braintrust ${fmt(bt.wall, 0)} ms (${fmt(bt.wall / ideal, 2)}× ideal)`,
    );
  } else {
    console.log(`memory, ${scenario.cases} cases: tracegate peak RSS ${fmt(tg.rss, 0)} MB (target < 150), braintrust ${fmt(bt.rss, 0)} MB → ${fmt(bt.rss / tg.rss)}× less`);
  }
}
