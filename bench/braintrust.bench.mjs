// Braintrust dataset sync benchmark, against the local fake Braintrust server (test/servers, loaded with
// jiti): push N rows to a new dataset, push again unchanged (read + diff, nothing sent), pull into an empty
// file, pull again onto it (merge, nothing written). Figures are ratios to the first push in the same run,
// and requests per operation: they measure tracegate's and the SDK's overhead, not Braintrust's latency.
//
// node bench/braintrust.bench.mjs [rows]      (after `npm run build`; `npm run bench braintrust` does both)
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { pushDatasets, pullDataset } = await import(path.join(root, 'lib/src/braintrust/datasets.js'));
const jiti = createJiti(import.meta.url);
const { startBraintrustServer } = await jiti.import(path.join(root, 'test/servers/braintrust-server.ts'));

const N = Number(process.argv[2] ?? 5000);
const KEY = 'sk-bench';
const server = await startBraintrustServer({ apiKey: KEY, projects: [] });
const dir = mkdtempSync(path.join(tmpdir(), 'tracegate-bt-bench-'));
mkdirSync(path.join(dir, 'datasets'));
const rows = Array.from({ length: N }, (_, i) => ({
  id: `hal-${String(i + 1).padStart(5, '0')}`,
  input: { question: `How do I change setting ${i}?` },
  expected: { answer: `Open Settings > ${i}` },
  context: { retrieved: [{ id: `kb-${i % 50}`, text: 'Settings live under the gear icon.'.repeat(4) }] },
  output: `{"answer":"Open Settings > ${i}","citations":["kb-${i % 50}"]}`,
  origin: { object_type: 'project_logs', object_id: 'a1b2c3d4-0000-4000-8000-000000000001', id: `log-${i}` },
  metadata: { failure_mode: 'hallucination', review_status: 'approved', source_span_id: `span-${i}` },
  tags: ['bench'],
}));
writeFileSync(
  path.join(dir, 'datasets/hallucination.jsonl'),
  rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
);
const env = { BRAINTRUST_API_KEY: KEY, BRAINTRUST_APP_URL: server.url, BRAINTRUST_API_URL: server.url };
const base = { cwd: dir, project: 'bench', env };

async function measure(label, fn) {
  const before = server.requests.length;
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  return { label, ms, requests: server.requests.length - before };
}

const results = [];
results.push(
  await measure('push (new dataset)', () => pushDatasets({ ...base, datasets: 'datasets/*.jsonl' })),
);
results.push(
  await measure('push again (unchanged)', () => pushDatasets({ ...base, datasets: 'datasets/*.jsonl' })),
);
results.push(
  await measure('pull (new file)', () => pullDataset({ ...base, dataset: 'hallucination', to: 'out' })),
);
results.push(
  await measure('pull again (merge)', () => pullDataset({ ...base, dataset: 'hallucination', to: 'out' })),
);
await server.close();
rmSync(dir, { recursive: true, force: true });

const first = results[0].ms;
console.log(`${N} rows, local fake server`);
for (const r of results)
  console.log(
    `${r.label.padEnd(24)} ${(r.ms / first).toFixed(2)}× the first push   ${String(r.requests).padStart(4)} requests   ${((N / r.ms) * 1000).toFixed(0)} rows/s`,
  );
