// The action's start-up: spawn `node dist/index.js` as a runner does and time the first log line on stdout
// (median of RUNS), then report the bundle's size: the entry and what it loads statically at start-up, and
// the lazy chunks (Octokit, jiti, judge SDKs) loaded only when used. Also checks that the braintrust SDK is
// not part of what start-up loads. Run `npm run bundle` first: this measures the committed dist/.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist', 'index.js');
const RUNS = Number(process.env.RUNS ?? 21);
const BUDGET_MS = 250;

if (!existsSync(entry)) {
  console.error('dist/index.js is missing: run `npm run bundle` first.');
  process.exit(1);
}

// A workspace with nothing to evaluate: the run stops right after its first lines, so each sample is mostly
// start-up. Inputs and event as a runner sets them (a push, no comment, so Octokit is never loaded).
const workspace = mkdtempSync(path.join(os.tmpdir(), 'tracegate-startup-'));
writeFileSync(path.join(workspace, 'event.json'), JSON.stringify({ ref: 'refs/heads/main' }));
const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GITHUB_ACTIONS: 'true',
  GITHUB_EVENT_NAME: 'push',
  GITHUB_EVENT_PATH: path.join(workspace, 'event.json'),
  GITHUB_REPOSITORY: 'acme/app',
  GITHUB_WORKSPACE: workspace,
  'INPUT_GITHUB-TOKEN': 'bench-token',
  INPUT_COMMENT: 'never',
};

function sample() {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [entry], {
      cwd: workspace,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let firstLine;
    let out = '';
    child.stdout.on('data', (chunk) => {
      if (firstLine === undefined) firstLine = Number(process.hrtime.bigint() - started) / 1e6;
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      const total = Number(process.hrtime.bigint() - started) / 1e6;
      if (firstLine === undefined) reject(new Error('no output'));
      else resolve({ firstLine, total, out });
    });
  });
}

const samples = [];
await sample(); // warm the file system cache
for (let i = 0; i < RUNS; i++) samples.push(await sample());
rmSync(workspace, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const firstLineMs = median(samples.map((s) => s.firstLine));
const totalMs = median(samples.map((s) => s.total));

// Which files start-up loads: the entry and every chunk it imports statically (transitively).
const dist = path.join(root, 'dist');
const staticImports = (file) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:^|[;}\s])import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g)]
    .map((m) => m[1])
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s));
const loaded = new Set();
const queue = [entry];
while (queue.length) {
  const file = queue.pop();
  if (loaded.has(file)) continue;
  loaded.add(file);
  queue.push(...staticImports(file));
}
const all = [entry, ...readdirSync(path.join(dist, 'chunks')).map((f) => path.join(dist, 'chunks', f))];
const size = (files) => files.reduce((n, f) => n + statSync(f).size, 0);
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;
// Which packages start-up loads, from the metafile `npm run bundle` leaves in node_modules/.cache.
const metaFile = path.join(root, 'node_modules', '.cache', 'tracegate', 'bundle-meta.json');
let startupPackages;
if (existsSync(metaFile)) {
  const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
  startupPackages = new Set();
  for (const file of loaded) {
    const out = meta.outputs[path.relative(root, file).split(path.sep).join('/')];
    for (const input of Object.keys(out?.inputs ?? {})) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      if (m) startupPackages.add(m[1]);
    }
  }
}
console.log(
  `action start-up (node dist/index.js → first log line), median of ${RUNS}: ${firstLineMs.toFixed(0)} ms (budget ${BUDGET_MS} ms)`,
);
console.log(`whole run (start-up, inputs, config lookup, exit): ${totalMs.toFixed(0)} ms median`);
console.log(
  `bundle: entry ${kib(statSync(entry).size)}; loaded at start-up ${kib(size([...loaded]))} in ${loaded.size} file(s); all of dist ${kib(size(all))} in ${all.length} file(s)`,
);
if (startupPackages) {
  console.log(`packages loaded at start-up: ${[...startupPackages].sort().join(', ') || 'none'}`);
  const braintrust = startupPackages.has('braintrust');
  console.log(`braintrust SDK loaded at start-up: ${braintrust ? 'yes' : 'no'}`);
  if (braintrust) process.exitCode = 1;
}
if (firstLineMs > BUDGET_MS) {
  console.log(`over budget: ${firstLineMs.toFixed(0)} ms > ${BUDGET_MS} ms`);
  process.exitCode = 1;
}
